// The scheduler's plugins, listed explicitly in the order they run (upstream's default profile
// order for the filters it shares: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity,
// NodePorts, NodeResourcesFit, …, InterPodAffinity). scheduler.ts inserts VolumeBinding, which
// reads its caches, before InterPodAffinity, as upstream orders them.
import type { FilterPlugin, ScorePlugin } from '../framework.ts';
import { leastAllocated } from './least-allocated.ts';
import { interPodAffinityFilter, interPodAffinityScore } from './inter-pod-affinity.ts';
import { nodeAffinity, nodeAffinityScore } from './node-affinity.ts';
import { nodeName } from './node-name.ts';
import { nodePorts } from './node-ports.ts';
import { nodeReady } from './node-ready.ts';
import { nodeResourcesFit } from './node-resources-fit.ts';
import { nodeUnschedulable } from './node-unschedulable.ts';
import { selectorSpread } from './selector-spread.ts';
import { taintToleration } from './taint-toleration.ts';

export const FILTER_PLUGINS: readonly FilterPlugin[] = [
  nodeUnschedulable,
  nodeName,
  taintToleration,
  nodeReady,
  nodeAffinity,
  nodePorts,
  nodeResourcesFit,
  interPodAffinityFilter,
];

export const SCORE_PLUGINS: readonly ScorePlugin[] = [
  selectorSpread,
  nodeAffinityScore,
  interPodAffinityScore,
  leastAllocated,
];

/** FILTER_PLUGINS with VolumeBinding (which reads the scheduler's volume caches) in upstream's
 * place: after NodeResourcesFit, before InterPodAffinity. */
export function withVolumeBinding(volumeBinding: FilterPlugin): FilterPlugin[] {
  const at = FILTER_PLUGINS.indexOf(interPodAffinityFilter);
  return [...FILTER_PLUGINS.slice(0, at), volumeBinding, ...FILTER_PLUGINS.slice(at)];
}
