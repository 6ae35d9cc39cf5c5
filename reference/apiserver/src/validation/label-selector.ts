// metav1 LabelSelector validation (k8s.io/apimachinery/pkg/apis/meta/v1/validation
// ValidateLabelSelector and ValidateLabelSelectorRequirement), shared by the kinds that carry
// selectors: apps/v1 workloads and pod affinity terms.
import { list, obj, str } from './access.ts';
import { forbidden, invalid, required, type FieldError, type FieldPath } from './field-error.ts';
import { isValidLabelValue } from './names.ts';
import { validateLabelName, validateLabels } from './object-meta.ts';

/** ValidateLabelSelector with AllowInvalidLabelValueInSelector off. */
export function validateLabelSelector(raw: unknown, path: FieldPath): FieldError[] {
  const sel = obj(raw);
  const errs = validateLabels(sel.matchLabels, path.child('matchLabels'));
  list(sel.matchExpressions).forEach((e, i) => {
    const r = obj(e);
    const at = path.child('matchExpressions').index(i);
    const operator = str(r.operator);
    const values = list(r.values).map(str);
    if (operator === 'In' || operator === 'NotIn') {
      if (values.length === 0)
        errs.push(required(at.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (operator === 'Exists' || operator === 'DoesNotExist') {
      if (values.length > 0)
        errs.push(
          forbidden(at.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
        );
    } else {
      errs.push(invalid(at.child('operator'), operator, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(str(r.key), at.child('key')));
    values.forEach((v, j) => {
      for (const msg of isValidLabelValue(v)) errs.push(invalid(at.child('values').index(j), v, msg));
    });
  });
  return errs;
}
