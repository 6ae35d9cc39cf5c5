// Compute resource names and quantities of containers (requests and limits), with upstream's
// messages. Source: pkg/apis/core/validation/validation.go (validateResourceRequirements,
// validateContainerResourceName, ValidateResourceQuantityValue) and pkg/apis/core/helper.

import { obj, type Obj } from './access.ts';
import { forbidden, invalid, required, type FieldError, type FieldPath } from './field-error.ts';
import { GoRepr } from './go-format.ts';
import { isQualifiedName } from './names.ts';
import { IS_NEGATIVE } from './object-meta.ts';
import {
  canonicalQuantity,
  compareQuantities,
  isNegative,
  isWholeNumber,
  quantityOf,
  type Quantity,
} from './quantity.ts';

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);

const isHugePages = (name: string): boolean => name.startsWith('hugepages-');
/** helper.IsNativeResource: unprefixed, or in the kubernetes.io domain. */
export const isNativeResource = (name: string): boolean =>
  !name.includes('/') || name.includes('kubernetes.io/');
export function isExtendedResource(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName('requests.' + name).length === 0;
}
/** helper.IsOvercommitAllowed: native, non-hugepages resources may request less than their limit. */
export const isOvercommitAllowed = (name: string): boolean => isNativeResource(name) && !isHugePages(name);

function validateResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => invalid(path, name, msg));
  if (errs.length > 0) return errs;
  if (
    !name.includes('/') &&
    !STANDARD_RESOURCES.has(name) &&
    !isHugePages(name) &&
    !name.startsWith('requests.hugepages-')
  ) {
    errs.push(invalid(path, name, 'must be a standard resource type or fully qualified'));
  }
  return errs;
}

function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) {
      errs.push(invalid(path, name, 'must be a standard resource for containers'));
    }
  } else if (!isNativeResource(name) && !isExtendedResource(name)) {
    errs.push(invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

/** ValidateResourceQuantityValue: not negative, and whole for integer (extended, quota) resources. */
export function validateResourceQuantityValue(name: string, q: Quantity, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isNegative(q)) errs.push(invalid(path, canonicalQuantity(q), IS_NEGATIVE));
  if ((INTEGER_RESOURCES.has(name) || isExtendedResource(name)) && !isWholeNumber(q)) {
    errs.push(invalid(path, new GoRepr(canonicalQuantity(q)), 'must be an integer'));
  }
  return errs;
}

/** Resource lists as parsed quantities; entries that do not parse are left to types-check. */
function quantities(list: unknown): [string, Quantity][] {
  const out: [string, Quantity][] = [];
  for (const [k, v] of Object.entries(obj(list))) {
    const q = quantityOf(v);
    if (q) out.push([k, q]);
  }
  return out;
}

/**
 * validateResourceRequirements for a container: names, quantities, requests ≤ limits (equal for
 * resources that cannot be overcommitted, whose limit is then required), hugepages need cpu or
 * memory alongside.
 */
export function validateResourceRequirements(resources: unknown, path: FieldPath): FieldError[] {
  const r: Obj = obj(resources);
  const errs: FieldError[] = [];
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  const limits = new Map(quantities(r.limits));
  let hasCpuOrMemory = false;
  let hasHugePages = false;
  for (const [name, q] of limits) {
    const p = limPath.key(name);
    errs.push(...validateContainerResourceName(name, p), ...validateResourceQuantityValue(name, q, p));
    if (isHugePages(name)) hasHugePages = true;
    if (name === 'cpu' || name === 'memory') hasCpuOrMemory = true;
  }
  for (const [name, q] of quantities(r.requests)) {
    const p = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, p), ...validateResourceQuantityValue(name, q, p));
    const limit = limits.get(name);
    if (limit) {
      const cmp = compareQuantities(q, limit);
      if (cmp !== 0 && !isOvercommitAllowed(name)) {
        errs.push(
          invalid(
            reqPath,
            canonicalQuantity(q),
            `must be equal to ${name} limit of ${canonicalQuantity(limit)}`,
          ),
        );
      } else if (cmp > 0) {
        errs.push(
          invalid(
            reqPath,
            canonicalQuantity(q),
            `must be less than or equal to ${name} limit of ${canonicalQuantity(limit)}`,
          ),
        );
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePages(name)) hasHugePages = true;
    if (name === 'cpu' || name === 'memory') hasCpuOrMemory = true;
  }
  if (!hasCpuOrMemory && hasHugePages) errs.push(forbidden(path, 'HugePages require cpu or memory'));
  return errs;
}
