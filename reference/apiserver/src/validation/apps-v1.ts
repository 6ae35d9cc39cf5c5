// apps/v1 ReplicaSet and Deployment validation (Kubernetes v1.32), with upstream's paths and
// messages. Sources: pkg/apis/apps/validation/validation.go (ValidateReplicaSet[Spec|Update],
// ValidateDeployment[Spec|Update|Strategy], ValidateRollingUpdateDeployment,
// ValidatePositiveIntOrPercent, IsNotMoreThan100Percent, ValidatePodTemplateSpecForReplicaSet),
// k8s.io/apimachinery/pkg/apis/meta/v1/validation (ValidateLabelSelector[Requirement]) and the
// apps strategies' ValidateUpdate (the selector is immutable in apps/v1).
// Like core-v1.ts, `validateApps` runs the kind's rules and then the generic ObjectMeta checks.

import { int, isObj, isSet, list, obj, type Obj, str, strMap } from './access.ts';
import { FieldPath, forbidden, invalid, notSupported, required, type FieldError } from './field-error.ts';
import { GoRepr, goQuote, goStringMap, goStringSlice } from './go-format.ts';
import { validateKind, type KindValidation } from './core-v1.ts';
import { nameIsDNSSubdomain, regexError } from './names.ts';
import {
  FIELD_IMMUTABLE,
  IS_NEGATIVE,
  validateCoreObjectMetaUpdate,
  validateObjectMeta,
} from './object-meta.ts';
import type { ResolvedOptions, ValidationOptions } from './options.ts';
import { labelSelectorFromObject, type LabelSelector } from '../selectors.ts';
import { validateLabelSelector } from './label-selector.ts';
import { validateControllerPodTemplate } from './replication-controller.ts';

const SPEC = FieldPath.of('spec');

// --- label selectors -------------------------------------------------------------------------

/** `%#v` of a metav1.LabelSelector (the value upstream prints for selector errors). */
function goLabelSelector(raw: unknown): GoRepr {
  const sel = obj(raw);
  const labels = isSet(sel.matchLabels) ? goStringMap(strMap(sel.matchLabels)) : goStringMap(null);
  const exprs = isSet(sel.matchExpressions)
    ? `[]v1.LabelSelectorRequirement{${list(sel.matchExpressions)
        .map((e) => {
          const r = obj(e);
          const values = isSet(r.values) ? goStringSlice(list(r.values).map(str)) : goStringSlice(null);
          return `v1.LabelSelectorRequirement{Key:${goQuote(str(r.key))}, Operator:${goQuote(str(r.operator))}, Values:${values.repr}}`;
        })
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return new GoRepr(`v1.LabelSelector{MatchLabels:${labels.repr}, MatchExpressions:${exprs}}`);
}

/**
 * The selector as labels.Selector (metav1.LabelSelectorAsSelector), for a selector that
 * validateLabelSelector accepts: exactly then does upstream's conversion succeed.
 */
function asSelector(sel: Obj): LabelSelector {
  return labelSelectorFromObject({
    matchLabels: strMap(sel.matchLabels),
    matchExpressions: list(sel.matchExpressions).map((e) => {
      const r = obj(e);
      return { key: str(r.key), operator: str(r.operator), values: list(r.values).map(str) };
    }),
  });
}

const isEmptySelector = (sel: Obj): boolean =>
  Object.keys(obj(sel.matchLabels)).length + list(sel.matchExpressions).length === 0;

// --- shared by both kinds --------------------------------------------------------------------

/** The selector checks and ValidatePodTemplateSpecForReplicaSet, as both specs run them. */
function validateSelectorAndTemplate(spec: Obj, opts: ResolvedOptions): FieldError[] {
  const errs: FieldError[] = [];
  const selectorPath = SPEC.child('selector');
  const sel = obj(spec.selector);
  // A nil selector is not validated (and converts to labels.Nothing()).
  const selectorErrs = isObj(spec.selector) ? validateLabelSelector(sel, selectorPath) : [];
  if (!isObj(spec.selector)) {
    errs.push(required(selectorPath));
  } else {
    errs.push(...selectorErrs);
    if (isEmptySelector(sel))
      errs.push(invalid(selectorPath, goLabelSelector(sel), 'empty selector is invalid for deployment'));
  }
  if (selectorErrs.length > 0) {
    errs.push(invalid(selectorPath, goLabelSelector(sel), 'invalid label selector'));
    return errs;
  }
  // The template is a value, not a pointer, in both specs: a missing one validates as empty.
  const templatePath = SPEC.child('template');
  const template = obj(spec.template);
  const meta = obj(template.metadata);
  // A nil selector converts to labels.Nothing(), which is not Empty(): it matches no labels.
  const nothing = !isObj(spec.selector);
  if (nothing || (!isEmptySelector(sel) && !asSelector(sel).matches(strMap(meta.labels)))) {
    const shown = isSet(meta.labels) ? goStringMap(strMap(meta.labels)) : goStringMap(null);
    errs.push(
      invalid(templatePath.child('metadata', 'labels'), shown, '`selector` does not match template `labels`'),
    );
  }
  errs.push(...validateControllerPodTemplate(template, templatePath, 'ReplicaSet', opts));
  return errs;
}

function nonNegative(value: unknown, path: FieldPath): FieldError[] {
  const n = int(value);
  return n < 0 ? [invalid(path, n, IS_NEGATIVE)] : [];
}

/** apps/v1 forbids changing spec.selector on update (the strategies' ValidateUpdate). */
function selectorImmutable(spec: Obj, oldSpec: Obj): FieldError[] {
  const same =
    JSON.stringify(normalizeSelector(spec.selector)) === JSON.stringify(normalizeSelector(oldSpec.selector));
  return same ? [] : [invalid(SPEC.child('selector'), goLabelSelector(spec.selector), FIELD_IMMUTABLE)];
}

/** apiequality.Semantic.DeepEqual for selectors: nil and empty maps/lists are different in Go,
 * but both decode from what clients send alike often enough; compare what the JSON holds. */
function normalizeSelector(raw: unknown): unknown {
  if (!isObj(raw)) return null;
  const labels = strMap(raw.matchLabels);
  return {
    matchLabels: Object.keys(labels)
      .sort()
      .map((k) => [k, labels[k]]),
    matchExpressions: list(raw.matchExpressions).map((e) => {
      const r = obj(e);
      return [str(r.key), str(r.operator), list(r.values).map(str)];
    }),
  };
}

// --- ReplicaSet ------------------------------------------------------------------------------

function validateReplicaSetSpec(raw: unknown, opts: ResolvedOptions): FieldError[] {
  const spec = obj(raw);
  return [
    ...nonNegative(spec.replicas, SPEC.child('replicas')),
    ...nonNegative(spec.minReadySeconds, SPEC.child('minReadySeconds')),
    ...validateSelectorAndTemplate(spec, opts),
  ];
}

export function validateReplicaSet(raw: unknown, opts: ResolvedOptions): FieldError[] {
  const rs = obj(raw);
  return [
    ...validateObjectMeta(rs.metadata, {
      namespaced: true,
      nameFn: nameIsDNSSubdomain,
      coreFinalizers: true,
    }),
    ...validateReplicaSetSpec(rs.spec, opts),
  ];
}

export function validateReplicaSetUpdate(raw: unknown, oldRaw: unknown, opts: ResolvedOptions): FieldError[] {
  const rs = obj(raw);
  const old = obj(oldRaw);
  return [
    ...validateCoreObjectMetaUpdate(rs.metadata, old.metadata),
    ...validateReplicaSetSpec(rs.spec, opts),
    ...selectorImmutable(obj(rs.spec), obj(old.spec)),
  ];
}

// --- Deployment ------------------------------------------------------------------------------

const PERCENT = /^[0-9]+%$/;
const PERCENT_MSG = regexError(
  "a valid percent string must be a numeric string followed by an ending '%'",
  '[0-9]+%',
  '1%',
  '93%',
);

/** `%#v` of an intstr.IntOrString. */
function goIntOrString(v: unknown): GoRepr {
  return typeof v === 'string'
    ? new GoRepr(`intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`)
    : new GoRepr(`intstr.IntOrString{Type:0, IntVal:${int(v)}, StrVal:""}`);
}

/** getIntOrPercentValue: the percentage's number, or the int (a bad string counts as 0). */
function intOrPercentValue(v: unknown): number {
  if (typeof v === 'string') return PERCENT.test(v) ? Number(v.slice(0, -1)) : 0;
  return int(v);
}

function validatePositiveIntOrPercent(v: unknown, path: FieldPath): FieldError[] {
  if (typeof v === 'string') return PERCENT.test(v) ? [] : [invalid(path, goIntOrString(v), PERCENT_MSG)];
  return nonNegative(v, path);
}

function validateStrategy(raw: unknown): FieldError[] {
  const path = SPEC.child('strategy');
  const strategy = obj(raw);
  const type = str(strategy.type);
  if (type === 'Recreate') {
    return isSet(strategy.rollingUpdate)
      ? [forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")]
      : [];
  }
  if (type !== 'RollingUpdate') {
    const shown = new GoRepr(
      `apps.DeploymentStrategy{Type:${goQuote(type)}, RollingUpdate:${isSet(strategy.rollingUpdate) ? '(*apps.RollingUpdateDeployment)(…)' : '(*apps.RollingUpdateDeployment)(nil)'}}`,
    );
    return [notSupported(path, shown, ['Recreate', 'RollingUpdate'])];
  }
  if (!isObj(strategy.rollingUpdate))
    return [required(path.child('rollingUpdate'), 'this should be defaulted and never be nil')];
  const ru = strategy.rollingUpdate;
  const at = path.child('rollingUpdate');
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, at.child('maxUnavailable')),
    ...validatePositiveIntOrPercent(ru.maxSurge, at.child('maxSurge')),
  ];
  if (intOrPercentValue(ru.maxUnavailable) === 0 && intOrPercentValue(ru.maxSurge) === 0) {
    errs.push(
      invalid(
        at.child('maxUnavailable'),
        goIntOrString(ru.maxUnavailable),
        'may not be 0 when `maxSurge` is 0',
      ),
    );
  }
  if (typeof ru.maxUnavailable === 'string' && intOrPercentValue(ru.maxUnavailable) > 100) {
    errs.push(
      invalid(at.child('maxUnavailable'), goIntOrString(ru.maxUnavailable), 'must not be greater than 100%'),
    );
  }
  return errs;
}

function validateDeploymentSpec(raw: unknown, opts: ResolvedOptions): FieldError[] {
  const spec = obj(raw);
  const errs = [
    ...nonNegative(spec.replicas, SPEC.child('replicas')),
    ...validateSelectorAndTemplate(spec, opts),
    ...validateStrategy(spec.strategy),
    ...nonNegative(spec.minReadySeconds, SPEC.child('minReadySeconds')),
  ];
  if (isSet(spec.revisionHistoryLimit))
    errs.push(...nonNegative(spec.revisionHistoryLimit, SPEC.child('revisionHistoryLimit')));
  if (isSet(spec.progressDeadlineSeconds)) {
    const path = SPEC.child('progressDeadlineSeconds');
    errs.push(...nonNegative(spec.progressDeadlineSeconds, path));
    if (int(spec.progressDeadlineSeconds) <= int(spec.minReadySeconds))
      errs.push(invalid(path, int(spec.progressDeadlineSeconds), 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function validateDeployment(raw: unknown, opts: ResolvedOptions): FieldError[] {
  const d = obj(raw);
  return [
    ...validateObjectMeta(d.metadata, { namespaced: true, nameFn: nameIsDNSSubdomain, coreFinalizers: true }),
    ...validateDeploymentSpec(d.spec, opts),
  ];
}

export function validateDeploymentUpdate(raw: unknown, oldRaw: unknown, opts: ResolvedOptions): FieldError[] {
  const d = obj(raw);
  const old = obj(oldRaw);
  return [
    ...validateCoreObjectMetaUpdate(d.metadata, old.metadata),
    ...validateDeploymentSpec(d.spec, opts),
    ...selectorImmutable(obj(d.spec), obj(old.spec)),
  ];
}

// --- entry point -----------------------------------------------------------------------------

const KINDS: Record<string, KindValidation> = {
  ReplicaSet: { namespaced: true, create: validateReplicaSet, update: validateReplicaSetUpdate },
  Deployment: { namespaced: true, create: validateDeployment, update: validateDeploymentUpdate },
};

/**
 * Validates an apps/v1 object for create (`old` undefined) or update, as core-v1.ts's
 * validateDecoded does for core kinds (and through the same validateKind). Never throws; unknown
 * kinds validate clean. Expects defaults applied.
 */
export function validateApps(
  kind: string,
  object: unknown,
  old?: unknown,
  options?: ValidationOptions,
): FieldError[] {
  const entry = KINDS[kind];
  return entry ? validateKind(entry, object, old, options) : [];
}
