// InterPodAffinity's PreScore, Score and NormalizeScore (upstream plugins/interpodaffinity/
// scoring.go), as pure functions. PreScore sums, per topology domain, the weights of preferred
// terms that hold there: the incoming pod's preferred affinity (+weight) and anti-affinity
// (−weight) for each existing pod they match, and symmetrically the existing pods' required
// affinity (+hardPodAffinityWeight), preferred affinity (+weight) and preferred anti-affinity
// (−weight) terms that the incoming pod matches. A node scores the sum over its domains; scores
// are rescaled so the lowest feasible node gets 0 and the highest 100.
import type * as k8s from '@kubernetes/client-node';
import type { CycleContext } from '../framework.ts';
import {
  affinityTerms,
  resolveNamespaces,
  termMatches,
  type AffinityTerm,
  type Labels,
  type WeightedAffinityTerm,
} from './inter-pod-affinity-terms.ts';

export const MAX_SCORE = 100;
/** upstream's default InterPodAffinityArgs.hardPodAffinityWeight. */
export const DEFAULT_HARD_POD_AFFINITY_WEIGHT = 1;

/** topologyKey → topology value → summed weight. */
export type TopologyScore = Map<string, Map<string, number>>;

function add(
  scores: TopologyScore,
  term: AffinityTerm,
  weight: number,
  pod: k8s.V1Pod,
  namespaceLabels: Labels | undefined,
  node: k8s.V1Node,
): void {
  if (!termMatches(term, pod, namespaceLabels)) return;
  const value = node.metadata?.labels?.[term.topologyKey];
  if (value === undefined) return;
  let byValue = scores.get(term.topologyKey);
  if (!byValue) scores.set(term.topologyKey, (byValue = new Map()));
  byValue.set(value, (byValue.get(value) ?? 0) + weight);
}

/**
 * PreScore: the summed weights per domain, or undefined when no term applies anywhere (upstream's
 * Skip: every node scores 0). Unless the incoming pod has preferred terms, only existing pods
 * with affinity terms are visited.
 */
export function affinityScoreState(
  pod: k8s.V1Pod,
  ctx: Pick<CycleContext, 'nodes' | 'nodesWithAffinityPods' | 'namespaces'>,
  hardPodAffinityWeight = DEFAULT_HARD_POD_AFFINITY_WEIGHT,
): TopologyScore | undefined {
  const namespaces = ctx.namespaces;
  const own = affinityTerms(pod);
  const hasConstraints = own.preferredAffinity.length > 0 || own.preferredAntiAffinity.length > 0;
  const nodes = hasConstraints ? ctx.nodes : ctx.nodesWithAffinityPods;
  if (nodes.length === 0) return undefined;
  const preferredAffinity: WeightedAffinityTerm[] = own.preferredAffinity.map((t) =>
    resolveNamespaces(t, namespaces),
  );
  const preferredAntiAffinity: WeightedAffinityTerm[] = own.preferredAntiAffinity.map((t) =>
    resolveNamespaces(t, namespaces),
  );
  const namespaceLabels = namespaces.get(pod.metadata?.namespace ?? 'default') ?? {};
  const scores: TopologyScore = new Map();
  for (const info of nodes) {
    const visited = hasConstraints ? info.pods : info.podsWithAffinity;
    if (visited.length === 0) continue;
    const node = info.node;
    if (!hasAnyLabel(node)) continue;
    for (const existing of visited) {
      for (const t of preferredAffinity) add(scores, t, t.weight, existing, undefined, node);
      for (const t of preferredAntiAffinity) add(scores, t, -t.weight, existing, undefined, node);
      const theirs = affinityTerms(existing);
      if (hardPodAffinityWeight > 0) {
        for (const t of theirs.requiredAffinity)
          add(scores, t, hardPodAffinityWeight, pod, namespaceLabels, node);
      }
      for (const t of theirs.preferredAffinity) add(scores, t, t.weight, pod, namespaceLabels, node);
      for (const t of theirs.preferredAntiAffinity) add(scores, t, -t.weight, pod, namespaceLabels, node);
    }
  }
  return scores.size === 0 ? undefined : scores;
}

function hasAnyLabel(node: k8s.V1Node): boolean {
  for (const key in node.metadata?.labels ?? {}) if (key) return true;
  return false;
}

/** Score: the sum of the weights of the node's domains (negative for anti-affinity). */
export function affinityScore(scores: TopologyScore, node: k8s.V1Node): number {
  const labels = node.metadata?.labels ?? {};
  let sum = 0;
  for (const [key, byValue] of scores) {
    const value = labels[key];
    if (value !== undefined) sum += byValue.get(value) ?? 0;
  }
  return sum;
}

/** NormalizeScore: 100 × (score − min) / (max − min), truncated; all 0 when every node ties. */
export function normalizeAffinityScores(scores: number[]): number[] {
  if (scores.length === 0) return scores;
  const min = Math.min(...scores);
  const max = Math.max(...scores);
  const spread = max - min;
  return scores.map((s) => (spread > 0 ? Math.trunc(MAX_SCORE * ((s - min) / spread)) : 0));
}
