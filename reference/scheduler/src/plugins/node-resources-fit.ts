// NodeResourcesFit (upstream plugins/noderesources/fit.go): the pod's requests against the
// node's allocatable minus the requests of the pods already on it. Every shortage is a reason,
// in upstream's order: pods, cpu, memory.
import type * as k8s from '@kubernetes/client-node';
import { SUCCESS, unschedulable, type FilterPlugin, type NodeInfo } from '../framework.ts';
import { podRequests, type Allocatable, type Resources } from '../resources.ts';

export const ERR_REASON_TOO_MANY_PODS = 'Too many pods';
export const ERR_REASON_CPU = 'Insufficient cpu';
export const ERR_REASON_MEMORY = 'Insufficient memory';
export const ERR_REASON = { pods: ERR_REASON_TOO_MANY_PODS, cpu: ERR_REASON_CPU, memory: ERR_REASON_MEMORY };

/** The reasons the pod does not fit (empty: it fits). */
export function insufficientResources(
  request: Resources,
  allocatable: Allocatable,
  podCount: number,
  requested: Resources,
): string[] {
  const reasons: string[] = [];
  if (podCount + 1 > allocatable.pods) reasons.push(ERR_REASON_TOO_MANY_PODS);
  if (request.milliCpu > 0 && request.milliCpu > allocatable.milliCpu - requested.milliCpu)
    reasons.push(ERR_REASON_CPU);
  if (request.memory > 0 && request.memory > allocatable.memory - requested.memory)
    reasons.push(ERR_REASON_MEMORY);
  return reasons;
}

export const fits = (pod: k8s.V1Pod, info: NodeInfo): boolean =>
  insufficientResources(podRequests(pod), info.allocatable, info.pods.length, info.requested).length === 0;

export const nodeResourcesFit = {
  name: 'NodeResourcesFit',
  filter: (pod, info) => {
    const reasons = insufficientResources(
      podRequests(pod),
      info.allocatable,
      info.pods.length,
      info.requested,
    );
    return reasons.length === 0 ? SUCCESS : unschedulable(...reasons);
  },
} satisfies FilterPlugin;
