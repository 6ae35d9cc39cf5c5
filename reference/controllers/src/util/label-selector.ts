// metav1.LabelSelectorAsSelector(...).Matches(labels) for the apps kinds' selectors: every
// matchLabels pair and every matchExpressions requirement must hold. A missing selector selects
// nothing (labels.Nothing()); an empty one selects everything, as upstream's conversion does.
import type * as k8s from '@kubernetes/client-node';

export function labelSelectorMatches(
  selector: k8s.V1LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  const have = labels ?? {};
  const has = (key: string) => Object.prototype.hasOwnProperty.call(have, key);
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    const values = req.values ?? [];
    const holds =
      req.operator === 'In'
        ? has(req.key) && values.includes(have[req.key]!)
        : req.operator === 'NotIn'
          ? !has(req.key) || !values.includes(have[req.key]!)
          : req.operator === 'Exists'
            ? has(req.key)
            : req.operator === 'DoesNotExist'
              ? !has(req.key)
              : false;
    if (!holds) return false;
  }
  return true;
}

/** labels.Selector.String() of a LabelSelector: requirements sorted by key (for list calls). */
export function labelSelectorString(selector: k8s.V1LabelSelector | undefined): string {
  const parts: Array<[string, string]> = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => [
    k,
    `${k}=${v}`,
  ]);
  for (const req of selector?.matchExpressions ?? []) {
    const values = [...(req.values ?? [])].sort().join(',');
    const text =
      req.operator === 'In'
        ? `${req.key} in (${values})`
        : req.operator === 'NotIn'
          ? `${req.key} notin (${values})`
          : req.operator === 'DoesNotExist'
            ? `!${req.key}`
            : req.key;
    parts.push([req.key, text]);
  }
  return parts
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([, text]) => text)
    .join(',');
}
