// NodeAffinity (upstream plugins/nodeaffinity): spec.nodeSelector and the required node affinity
// (terms ORed, expressions within a term ANDed; matchFields on metadata.name). Preferred affinity
// is not scored here.
import type * as k8s from '@kubernetes/client-node';
import { SUCCESS, unresolvable, type FilterPlugin } from '../framework.ts';

export const ERR_REASON = "node(s) didn't match Pod's node affinity/selector";

function matchesRequirement(
  req: k8s.V1NodeSelectorRequirement,
  value: string | undefined,
  present: boolean,
): boolean {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return present && values.includes(value!);
    case 'NotIn':
      return !present || !values.includes(value!);
    case 'Exists':
      return present;
    case 'DoesNotExist':
      return !present;
    case 'Gt':
    case 'Lt': {
      if (!present || values.length !== 1) return false;
      const have = Number.parseInt(value!, 10);
      const want = Number.parseInt(values[0]!, 10);
      if (!/^-?\d+$/.test(value!) || !/^-?\d+$/.test(values[0]!)) return false;
      return req.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

/** A term with neither expressions nor fields matches nothing (upstream's nodeSelectorTerm). */
export function matchesTerm(term: k8s.V1NodeSelectorTerm, node: k8s.V1Node): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata?.labels ?? {};
  for (const req of expressions) {
    if (!matchesRequirement(req, labels[req.key], Object.hasOwn(labels, req.key))) return false;
  }
  for (const req of fields) {
    if (req.key !== 'metadata.name') return false;
    if (!matchesRequirement(req, node.metadata?.name, true)) return false;
  }
  return true;
}

export function fits(pod: k8s.V1Pod, node: k8s.V1Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [key, value] of Object.entries(pod.spec?.nodeSelector ?? {})) {
    if (labels[key] !== value) return false;
  }
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((term) => matchesTerm(term, node));
}

export const nodeAffinity = {
  name: 'NodeAffinity',
  filter: (pod, info) => (fits(pod, info.node) ? SUCCESS : unresolvable(ERR_REASON)),
} satisfies FilterPlugin;
