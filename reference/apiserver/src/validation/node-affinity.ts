// Node affinity and node selectors (Kubernetes v1.32, pkg/apis/core/validation: validateNodeAffinity,
// ValidateNodeSelector, ValidateNodeSelectorTerm, ValidateNodeSelectorRequirement,
// ValidateNodeFieldSelectorRequirement, ValidatePreferredSchedulingTerms), with upstream's paths
// and messages. Used for a pod's spec.affinity.nodeAffinity and a PersistentVolume's
// spec.nodeAffinity.required.
import { int, isObj, isSet, list, obj, type Obj, str } from './access.ts';
import { forbidden, invalid, required, type FieldError, type FieldPath } from './field-error.ts';
import { isDNS1123Subdomain } from './names.ts';
import { validateLabelName } from './object-meta.ts';

const REQUIRED = 'requiredDuringSchedulingIgnoredDuringExecution';
const PREFERRED = 'preferredDuringSchedulingIgnoredDuringExecution';

/** The fields a node field selector may name, with the check of their values (ValidateNodeName). */
const NODE_FIELD_VALIDATORS: Record<string, (value: string) => string[]> = {
  'metadata.name': isDNS1123Subdomain,
};

/** validateNodeAffinity: `nodeAffinity` at `path` (spec.affinity.nodeAffinity). */
export function validateNodeAffinity(nodeAffinity: unknown, path: FieldPath): FieldError[] {
  if (!isObj(nodeAffinity)) return [];
  const errs: FieldError[] = [];
  if (isSet(nodeAffinity[REQUIRED])) {
    errs.push(...validateNodeSelector(obj(nodeAffinity[REQUIRED]), path.child(REQUIRED)));
  }
  list(nodeAffinity[PREFERRED]).forEach((raw, i) => {
    const term = obj(raw);
    const p = path.child(PREFERRED).index(i);
    errs.push(...validateSchedulingWeight(term.weight, p.child('weight')));
    errs.push(...validateNodeSelectorTerm(obj(term.preference), p.child('preference')));
  });
  return errs;
}

/** The weight of a preferred scheduling term (node or pod affinity): 1 to 100. */
export function validateSchedulingWeight(value: unknown, path: FieldPath): FieldError[] {
  const weight = int(value);
  return weight <= 0 || weight > 100 ? [invalid(path, weight, 'must be in the range 1-100')] : [];
}

/** ValidateNodeSelector: at least one term, each one valid. */
export function validateNodeSelector(selector: Obj, path: FieldPath): FieldError[] {
  const terms = list(selector.nodeSelectorTerms);
  const termsPath = path.child('nodeSelectorTerms');
  if (terms.length === 0) return [required(termsPath, 'must have at least one node selector term')];
  return terms.flatMap((term, i) => validateNodeSelectorTerm(obj(term), termsPath.index(i)));
}

function validateNodeSelectorTerm(term: Obj, path: FieldPath): FieldError[] {
  return [
    ...list(term.matchExpressions).flatMap((r, j) =>
      validateRequirement(obj(r), path.child('matchExpressions').index(j)),
    ),
    ...list(term.matchFields).flatMap((r, j) =>
      validateFieldRequirement(obj(r), path.child('matchFields').index(j)),
    ),
  ];
}

/** ValidateNodeSelectorRequirement: the operator and its values, and the key as a label name. */
function validateRequirement(requirement: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const operator = str(requirement.operator);
  const values = list(requirement.values);
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0)
        errs.push(required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0)
        errs.push(
          forbidden(
            path.child('values'),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
          ),
        );
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1)
        errs.push(
          required(path.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"),
        );
      break;
    default:
      errs.push(invalid(path.child('operator'), operator, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(requirement.key), path.child('key')));
  return errs;
}

/** ValidateNodeFieldSelectorRequirement: In or NotIn with one value, on a field nodes can be selected by. */
function validateFieldRequirement(requirement: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const operator = str(requirement.operator);
  const values = list(requirement.values).map(str);
  if (operator === 'In' || operator === 'NotIn') {
    if (values.length !== 1)
      errs.push(
        required(
          path.child('values'),
          "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
        ),
      );
  } else {
    errs.push(invalid(path.child('operator'), operator, 'not a valid selector operator'));
  }
  const key = str(requirement.key);
  const check = NODE_FIELD_VALIDATORS[key];
  if (!check) errs.push(invalid(path.child('key'), key, 'not a valid field selector key'));
  else
    values.forEach((v, i) => {
      for (const msg of check(v)) errs.push(invalid(path.child('values').index(i), v, msg));
    });
  return errs;
}
