// Namespace, Node, ServiceAccount, Endpoints and Event validation (Kubernetes v1.32).
// Sources: pkg/apis/core/validation/validation.go (ValidateNamespace, ValidateNode[Update],
// ValidateServiceAccount, ValidateEndpoints, ValidateNonSpecialIP), pkg/apis/core/validation/events.go.

import { isIP } from 'node:net';
import { int, isSet, list, obj, str, strList } from './access.ts';
import { dnsLabelErrors, PORT_PROTOCOLS } from './container.ts';
import {
  duplicate,
  FieldPath,
  forbidden,
  invalid,
  notSupported,
  required,
  type FieldError,
} from './field-error.ts';
import { GoRepr, goQuote } from './go-format.ts';
import {
  isDNS1123Subdomain,
  isQualifiedName,
  isSloppyIP,
  isValidLabelValue,
  isValidPortNum,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from './names.ts';
import {
  validateCoreObjectMetaUpdate,
  validateFinalizers,
  validateKubeFinalizerName,
  validateLabelName,
  validateObjectMeta,
} from './object-meta.ts';

const META = FieldPath.of('metadata');

export function validateNamespace(raw: unknown): FieldError[] {
  const ns = obj(raw);
  const errs = validateObjectMeta(ns.metadata, {
    namespaced: false,
    nameFn: nameIsDNSLabel,
    coreFinalizers: true,
  });
  // Upstream reports spec.finalizers problems on the list's path, without the index.
  const path = FieldPath.of('spec', 'finalizers');
  for (const f of list(obj(ns.spec).finalizers)) {
    errs.push(...validateFinalizers([str(f)], path), ...validateKubeFinalizerName(str(f), path));
  }
  return errs;
}

export function validateNamespaceUpdate(raw: unknown, oldRaw: unknown): FieldError[] {
  return validateCoreObjectMetaUpdate(obj(raw).metadata, obj(oldRaw).metadata);
}

export function validateServiceAccount(raw: unknown): FieldError[] {
  return validateObjectMeta(obj(raw).metadata, {
    namespaced: true,
    nameFn: nameIsDNSSubdomain,
    coreFinalizers: true,
  });
}

export function validateServiceAccountUpdate(raw: unknown, oldRaw: unknown): FieldError[] {
  return [
    ...validateCoreObjectMetaUpdate(obj(raw).metadata, obj(oldRaw).metadata),
    ...validateServiceAccount(raw),
  ];
}

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** validateNodeTaints; upstream reports them under metadata.taints (sic). */
function validateTaints(raw: unknown): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Map<string, Set<string>>();
  list(raw).forEach((t, i) => {
    const taint = obj(t);
    const p = META.child('taints').index(i);
    const key = str(taint.key);
    const effect = str(taint.effect);
    errs.push(...validateLabelName(key, p.child('key')));
    const msgs = isValidLabelValue(str(taint.value));
    if (msgs.length > 0) errs.push(invalid(p.child('value'), str(taint.value), msgs.join(';')));
    if (effect.length === 0) errs.push(required(p.child('effect')));
    else if (!TAINT_EFFECTS.includes(effect))
      errs.push(notSupported(p.child('effect'), effect, TAINT_EFFECTS));
    const keys = seen.get(effect) ?? new Set<string>();
    if (keys.has(key)) {
      const repr = new GoRepr(
        `core.Taint{Key:${goQuote(key)}, Value:${goQuote(str(taint.value))}, Effect:${goQuote(effect)}, TimeAdded:<nil>}`,
      );
      errs.push({ ...duplicate(p, repr), detail: 'taints must be unique by key and effect pair' });
      return;
    }
    keys.add(key);
    seen.set(effect, keys);
  });
  return errs;
}

const CIDR_EXAMPLE = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';
const isCIDR = (v: string): boolean => {
  const [ip = '', bits = '', ...rest] = v.split('/');
  const max = isIP(ip) === 6 ? 128 : 32;
  return rest.length === 0 && isIP(ip) !== 0 && /^\d+$/.test(bits) && Number(bits) <= max;
};

export function validateNode(raw: unknown): FieldError[] {
  const node = obj(raw);
  const spec = obj(node.spec);
  const errs = validateObjectMeta(node.metadata, {
    namespaced: false,
    nameFn: nameIsDNSSubdomain,
    coreFinalizers: true,
  });
  errs.push(...validateTaints(spec.taints));
  const cidrs = strList(spec.podCIDRs);
  cidrs.forEach((c, i) => {
    if (!isCIDR(c)) errs.push(invalid(FieldPath.of('spec', 'podCIDRs').index(i), c, CIDR_EXAMPLE));
  });
  return errs;
}

export function validateNodeUpdate(raw: unknown, oldRaw: unknown): FieldError[] {
  const node = obj(raw);
  const old = obj(oldRaw);
  const spec = obj(node.spec);
  const oldSpec = obj(old.spec);
  const errs = validateCoreObjectMetaUpdate(node.metadata, old.metadata);
  const oldCIDRs = strList(oldSpec.podCIDRs);
  const newCIDRs = strList(spec.podCIDRs);
  const cidrMsg = 'node updates may not change podCIDR except from "" to valid';
  if (oldCIDRs.length > 0) {
    if (oldCIDRs.length !== newCIDRs.length) errs.push(forbidden(FieldPath.of('spec', 'podCIDRs'), cidrMsg));
    else
      oldCIDRs.forEach(
        (c, i) => c !== newCIDRs[i] && errs.push(forbidden(FieldPath.of('spec', 'podCIDRs'), cidrMsg)),
      );
  }
  if (str(oldSpec.providerID).length > 0 && str(oldSpec.providerID) !== str(spec.providerID)) {
    errs.push(
      forbidden(
        FieldPath.of('spec', 'providerID'),
        'node updates may not change providerID except from "" to valid',
      ),
    );
  }
  errs.push(...validateTaints(spec.taints));
  if (str(spec.externalID) !== str(oldSpec.externalID))
    errs.push(forbidden(FieldPath.of('spec', 'externalID'), 'may not be updated'));
  return errs;
}

const IP_EXAMPLE = 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)';

/** ValidateNonSpecialIP: no unspecified, loopback or link-local addresses in endpoints. */
function nonSpecialIPErrors(ip: string, path: FieldPath): FieldError[] {
  if (!isSloppyIP(ip)) return [invalid(path, ip, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  const v4 = isIP(ip) === 6 ? undefined : ip.split('.').map(Number);
  const v6 = isIP(ip) === 6 ? ip.toLowerCase() : '';
  const unspecified = v4 ? v4.every((o) => o === 0) : /^[0:]+$/.test(v6);
  const loopback = v4 ? v4[0] === 127 : v6 === '::1' || /^(0{1,4}:){7}0{0,3}1$/.test(v6);
  const linkLocal = v4 ? v4[0] === 169 && v4[1] === 254 : /^fe[89ab]/.test(v6);
  const linkLocalMulticast = v4 ? v4[0] === 224 && v4[1] === 0 && v4[2] === 0 : /^ff[0-9a-f]2:/.test(v6);
  if (unspecified) errs.push(invalid(path, ip, `may not be unspecified (${ip})`));
  if (loopback) errs.push(invalid(path, ip, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (linkLocal)
    errs.push(invalid(path, ip, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (linkLocalMulticast)
    errs.push(invalid(path, ip, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

function validateEndpointAddress(raw: unknown, path: FieldPath): FieldError[] {
  const address = obj(raw);
  const ip = str(address.ip);
  const errs: FieldError[] = isSloppyIP(ip) ? [] : [invalid(path.child('ip'), ip, IP_EXAMPLE)];
  const hostname = str(address.hostname);
  if (hostname.length > 0) errs.push(...dnsLabelErrors(hostname, path.child('hostname')));
  if (isSet(address.nodeName)) {
    const nodeName = str(address.nodeName);
    errs.push(
      ...nameIsDNSSubdomain(nodeName, false).map((m) => invalid(path.child('nodeName'), nodeName, m)),
    );
  }
  return [...errs, ...nonSpecialIPErrors(ip, path.child('ip'))];
}

export function validateEndpoints(raw: unknown): FieldError[] {
  const ep = obj(raw);
  const errs = validateObjectMeta(ep.metadata, {
    namespaced: true,
    nameFn: nameIsDNSSubdomain,
    coreFinalizers: true,
  });
  list(ep.subsets).forEach((s, i) => {
    const subset = obj(s);
    const p = FieldPath.of('subsets').index(i);
    const addresses = list(subset.addresses);
    const notReady = list(subset.notReadyAddresses);
    if (addresses.length === 0 && notReady.length === 0) {
      errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    }
    addresses.forEach((a, j) => errs.push(...validateEndpointAddress(a, p.child('addresses').index(j))));
    notReady.forEach((a, j) =>
      errs.push(...validateEndpointAddress(a, p.child('notReadyAddresses').index(j))),
    );
    const ports = list(subset.ports).map(obj);
    ports.forEach((port, j) => {
      const pp = p.child('ports').index(j);
      const name = str(port.name);
      if (ports.length > 1 && name.length === 0) errs.push(required(pp.child('name')));
      else if (name.length !== 0) errs.push(...dnsLabelErrors(name, pp.child('name')));
      errs.push(...isValidPortNum(int(port.port)).map((m) => invalid(pp.child('port'), int(port.port), m)));
      const protocol = str(port.protocol);
      if (protocol.length === 0) errs.push(required(pp.child('protocol')));
      else if (!PORT_PROTOCOLS.includes(protocol))
        errs.push(notSupported(pp.child('protocol'), protocol, PORT_PROTOCOLS));
      if (isSet(port.appProtocol)) {
        const ap = str(port.appProtocol);
        errs.push(...isQualifiedName(ap).map((m) => invalid(pp.child('appProtocol'), ap, m)));
      }
    });
  });
  return errs;
}

export function validateEndpointsUpdate(raw: unknown, oldRaw: unknown): FieldError[] {
  return [
    ...validateCoreObjectMetaUpdate(obj(raw).metadata, obj(oldRaw).metadata),
    ...validateEndpoints(raw),
  ];
}

/**
 * legacyValidateEvent, what core/v1 Events get (no ObjectMeta checks: the generic name check of
 * the registry covers their names). Events with eventTime also need the reporting fields.
 */
export function validateEvent(raw: unknown): FieldError[] {
  const event = obj(raw);
  const namespace = str(obj(event.metadata).namespace);
  const involvedNamespace = str(obj(event.involvedObject).namespace);
  const path = FieldPath.of('involvedObject', 'namespace');
  const mismatch = invalid(path, involvedNamespace, 'does not match event.namespace');
  const errs: FieldError[] = [];
  if (!isSet(event.eventTime)) {
    if (involvedNamespace.length === 0) {
      if (namespace !== '' && namespace !== 'default') errs.push(mismatch);
    } else if (namespace !== involvedNamespace) errs.push(mismatch);
  } else {
    if (involvedNamespace.length === 0 && namespace !== 'default' && namespace !== 'kube-system')
      errs.push(mismatch);
    const controller = str(event.reportingComponent ?? event.reportingController);
    if (controller.length === 0) errs.push(required(FieldPath.of('reportingController')));
    errs.push(
      ...isQualifiedName(controller).map((m) => invalid(FieldPath.of('reportingController'), controller, m)),
    );
    const limits: [string, number][] = [
      ['reportingInstance', 128],
      ['action', 128],
      ['reason', 128],
    ];
    for (const [field, limit] of limits) {
      const v = str(event[field]);
      if (v.length === 0) errs.push(required(FieldPath.of(field)));
      if (v.length > limit)
        errs.push(invalid(FieldPath.of(field), '', `can have at most ${limit} characters`));
    }
    if (str(event.message).length > 1024)
      errs.push(invalid(FieldPath.of('message'), '', 'can have at most 1024 characters'));
  }
  errs.push(...isDNS1123Subdomain(namespace).map((m) => invalid(FieldPath.of('namespace'), namespace, m)));
  return errs;
}
