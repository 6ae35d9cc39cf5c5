// Pod affinity and anti-affinity (Kubernetes v1.32): the merge of `matchLabelKeys` and
// `mismatchLabelKeys` into each term's labelSelector that a pod gets at creation
// (pkg/registry/core/pod/strategy.go, mutatePodAffinity: MatchLabelKeysInPodAffinity is on by
// default since v1.31), and the validation of the terms with upstream's paths and messages
// (pkg/apis/core/validation: validatePodAffinity, validatePodAntiAffinity, validatePodAffinityTerm,
// validateWeightedPodAffinityTerms, validateMatchLabelKeysAndMismatchLabelKeys). Node affinity:
// node-affinity.ts.
import { isObj, isSet, list, obj, type Obj, str, strMap } from './access.ts';
import { forbidden, invalid, required, type FieldError, type FieldPath } from './field-error.ts';
import { validateLabelSelector } from './label-selector.ts';
import { validateSchedulingWeight } from './node-affinity.ts';
import { nameIsDNSLabel } from './names.ts';
import { validateLabelName } from './object-meta.ts';

const KINDS = ['podAffinity', 'podAntiAffinity'] as const;
const REQUIRED = 'requiredDuringSchedulingIgnoredDuringExecution';
const PREFERRED = 'preferredDuringSchedulingIgnoredDuringExecution';

/** Every term of the pod's affinity and anti-affinity, required and preferred. */
function termsOf(affinity: Obj): Obj[] {
  return KINDS.flatMap((kind) => {
    const a = obj(affinity[kind]);
    return [...list(a[REQUIRED]).map(obj), ...list(a[PREFERRED]).map((w) => obj(obj(w).podAffinityTerm))];
  });
}

/**
 * upstream's applyMatchLabelKeysAndMismatchLabelKeys on every term, in place: for each key the
 * pod's labels carry, `key In (value)` (matchLabelKeys) or `key NotIn (value)`
 * (mismatchLabelKeys) is appended to the term's labelSelector. A term without a labelSelector
 * matches nothing and is left alone. Runs once, when the pod is created.
 */
export function mergeMatchLabelKeys(pod: Obj): void {
  const affinity = obj(obj(pod.spec).affinity);
  const labels = strMap(obj(pod.metadata).labels);
  for (const term of termsOf(affinity)) {
    const selector = term.labelSelector;
    if (!isObj(selector)) continue;
    const add = (keys: unknown, operator: 'In' | 'NotIn'): void => {
      for (const key of list(keys).map(str)) {
        if (!(key in labels)) continue;
        const expressions = list(selector.matchExpressions);
        selector.matchExpressions = [...expressions, { key, operator, values: [labels[key]] }];
      }
    };
    add(term.matchLabelKeys, 'In');
    add(term.mismatchLabelKeys, 'NotIn');
  }
}

/** validateAffinity for the pod (anti-)affinity part: `affinity` at `path` (spec.affinity). */
export function validatePodAffinity(affinity: unknown, path: FieldPath): FieldError[] {
  if (!isObj(affinity)) return [];
  const errs: FieldError[] = [];
  for (const kind of KINDS) {
    if (!isObj(affinity[kind])) continue;
    const a = affinity[kind];
    const at = path.child(kind);
    list(a[REQUIRED]).forEach((term, i) =>
      errs.push(...validateTerm(obj(term), at.child(REQUIRED).index(i))),
    );
    list(a[PREFERRED]).forEach((raw, j) => {
      const weighted = obj(raw);
      const p = at.child(PREFERRED).index(j);
      errs.push(...validateSchedulingWeight(weighted.weight, p.child('weight')));
      errs.push(...validateTerm(obj(weighted.podAffinityTerm), p.child('podAffinityTerm')));
    });
  }
  return errs;
}

function validateTerm(term: Obj, path: FieldPath): FieldError[] {
  const errs = [
    ...validateLabelSelector(term.labelSelector, path.child('labelSelector')),
    ...validateLabelSelector(term.namespaceSelector, path.child('namespaceSelector')),
  ];
  for (const name of list(term.namespaces).map(str)) {
    // upstream names the field "namespace" here
    for (const msg of nameIsDNSLabel(name, false)) errs.push(invalid(path.child('namespace'), name, msg));
  }
  errs.push(...validateLabelKeys(term, path));
  const topologyKey = str(term.topologyKey);
  if (topologyKey.length === 0) errs.push(required(path.child('topologyKey'), 'can not be empty'));
  errs.push(...validateLabelName(topologyKey, path.child('topologyKey')));
  return errs;
}

/** validateMatchLabelKeysAndMismatchLabelKeys, run (as upstream) after the keys were merged. */
function validateLabelKeys(term: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const selector = isSet(term.labelSelector) ? obj(term.labelSelector) : undefined;
  const matchKeys = list(term.matchLabelKeys).map(str);
  const mismatchKeys = list(term.mismatchLabelKeys).map(str);
  for (const [field, keys] of [
    ['matchLabelKeys', matchKeys],
    ['mismatchLabelKeys', mismatchKeys],
  ] as const) {
    if (keys.length === 0) continue;
    if (!selector) {
      errs.push(forbidden(path.child(field), 'must not be specified when labelSelector is not set'));
      continue;
    }
    keys.forEach((key, i) => errs.push(...validateLabelName(key, path.child(field).index(i))));
  }
  if (selector) {
    // A key of matchLabelKeys also in the user's selector: the merged `In` expression finds it
    // there already. Upstream reports it at the term's path indexed by the key's position.
    const index = new Map(matchKeys.map((key, i) => [key, i]));
    const seen = new Set(Object.keys(strMap(selector.matchLabels)));
    for (const e of list(selector.matchExpressions)) {
      const key = str(obj(e).key);
      const i = index.get(key);
      if (i !== undefined && seen.has(key))
        errs.push(invalid(path.index(i), key, 'exists in both matchLabelKeys and labelSelector'));
      seen.add(key);
    }
  }
  const mismatch = new Set(mismatchKeys);
  matchKeys.forEach((key, i) => {
    if (mismatch.has(key))
      errs.push(
        invalid(
          path.child('matchLabelKeys').index(i),
          key,
          'exists in both matchLabelKeys and mismatchLabelKeys',
        ),
      );
  });
  return errs;
}
