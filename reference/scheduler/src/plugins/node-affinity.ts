// NodeAffinity (upstream plugins/nodeaffinity): Filter on spec.nodeSelector and the required node
// affinity (terms ORed, expressions within a term ANDed; matchFields on metadata.name); Score
// (weight 2, as upstream's default profile) on the preferred node affinity: the summed weights of
// the preferred terms the node matches, rescaled so the best node gets 100.
import type * as k8s from '@kubernetes/client-node';
import { SKIP, SUCCESS, unresolvable, type FilterPlugin, type ScorePlugin } from '../framework.ts';

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

export const MAX_SCORE = 100;

const preferredTerms = (pod: k8s.V1Pod): k8s.V1PreferredSchedulingTerm[] =>
  pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [];

/** upstream's Score: the sum of the weights of the preferred terms the node matches (a term of
 * weight 0 counts nothing; an empty term matches no node). */
export function preferredScore(pod: k8s.V1Pod, node: k8s.V1Node): number {
  let sum = 0;
  for (const term of preferredTerms(pod)) {
    if (term.weight !== 0 && matchesTerm(term.preference, node)) sum += term.weight;
  }
  return sum;
}

/** upstream's helper.DefaultNormalizeScore(MaxNodeScore, false): 100 × score / max, integer
 * division; unchanged when the highest is 0. */
export function defaultNormalizeScore(scores: number[]): number[] {
  const max = Math.max(0, ...scores);
  if (max === 0) return scores;
  return scores.map((s) => Math.trunc((MAX_SCORE * s) / max));
}

export const nodeAffinityScore = {
  name: 'NodeAffinity',
  weight: 2,
  // upstream's PreScore skips pods without preferred terms.
  preScore: (pod: k8s.V1Pod) => (preferredTerms(pod).length === 0 ? SKIP : undefined),
  score: (pod, info) => preferredScore(pod, info.node),
  normalize: defaultNormalizeScore,
} satisfies ScorePlugin;
