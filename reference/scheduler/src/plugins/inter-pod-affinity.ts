// InterPodAffinity (upstream plugins/interpodaffinity): pods placed by the labels of the pods
// already running in a topology domain (nodes sharing a label value, e.g. kubernetes.io/hostname
// or a zone). Filter: the pod's required affinity and anti-affinity, and the required
// anti-affinity of existing pods (symmetry). Score (weight 2, as upstream's default profile):
// preferred terms both ways and existing pods' required affinity with hardPodAffinityWeight 1.
// PreFilter/PreScore do the cluster-wide counting once per cycle and skip the plugin when no
// term is involved, so pods without affinity cost one pass over the nodes' (empty) lists.
import type * as k8s from '@kubernetes/client-node';
import {
  SKIP,
  SUCCESS,
  type CycleContext,
  type FilterPlugin,
  type FilterStatus,
  type NodeInfo,
  type ScoreContext,
  type ScorePlugin,
} from '../framework.ts';
import { affinityFilterState, checkNode, type AffinityFilterState } from './inter-pod-affinity-filter.ts';
import {
  affinityScore,
  affinityScoreState,
  normalizeAffinityScores,
  type TopologyScore,
} from './inter-pod-affinity-score.ts';

export {
  ERR_REASON_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
} from './inter-pod-affinity-filter.ts';

export const NAME = 'InterPodAffinity';

export const interPodAffinityFilter = {
  name: NAME,
  preFilter: (pod: k8s.V1Pod, ctx: CycleContext) => {
    const state = affinityFilterState(pod, ctx);
    if (!state) return SKIP;
    ctx.state.set(NAME, state);
    return undefined;
  },
  filter: (_pod: k8s.V1Pod, info: NodeInfo, ctx?: CycleContext): FilterStatus => {
    const state = ctx?.state.get(NAME) as AffinityFilterState | undefined;
    // The scheduler always runs PreFilter first; called alone (no cycle), there is nothing to count.
    if (!state) throw new Error(`${NAME}: Filter called without its PreFilter state`);
    const verdict = checkNode(state, info.node);
    return verdict.fits ? SUCCESS : { code: verdict.code, reasons: [verdict.reason] };
  },
} satisfies FilterPlugin;

export const interPodAffinityScore = {
  name: NAME,
  weight: 2,
  preScore: (pod: k8s.V1Pod, ctx: ScoreContext) => {
    const scores = affinityScoreState(pod, ctx);
    if (!scores) return SKIP;
    ctx.state.set(`${NAME}/score`, scores);
    return undefined;
  },
  score: (_pod, info, ctx) => affinityScore(ctx.state.get(`${NAME}/score`) as TopologyScore, info.node),
  normalize: normalizeAffinityScores,
} satisfies ScorePlugin;
