// NodeResourcesFit's default scoring strategy, LeastAllocated (upstream
// plugins/noderesources/least_allocated.go): the share of cpu and memory left free after the pod,
// averaged with equal weights; requests count with upstream's non-zero defaults.
import type * as k8s from '@kubernetes/client-node';
import type { ScorePlugin } from '../framework.ts';
import { nodeAllocatable, podRequests, type Allocatable, type Resources } from '../resources.ts';

export const MAX_SCORE = 100;

const free = (requested: number, capacity: number): number =>
  capacity === 0 || requested > capacity ? 0 : Math.floor(((capacity - requested) * MAX_SCORE) / capacity);

/** 0–100: what the node would have left, with the pod on it. */
export function leastAllocatedScore(pod: k8s.V1Pod, node: k8s.V1Node, nonZeroRequested: Resources): number {
  return scoreFor(podRequests(pod, true), nodeAllocatable(node), nonZeroRequested);
}

function scoreFor(request: Resources, allocatable: Allocatable, nonZeroRequested: Resources): number {
  const cpu = free(nonZeroRequested.milliCpu + request.milliCpu, allocatable.milliCpu);
  const memory = free(nonZeroRequested.memory + request.memory, allocatable.memory);
  return Math.floor((cpu + memory) / 2);
}

export const leastAllocated = {
  name: 'NodeResourcesLeastAllocated',
  weight: 1,
  score: (pod, info) => scoreFor(podRequests(pod, true), info.allocatable, info.nonZeroRequested),
} satisfies ScorePlugin;
