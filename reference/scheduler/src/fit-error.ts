// The message of a pod that fits no node, as upstream's FitError.Error() writes it (v1.32,
// pkg/scheduler/framework/types.go) followed by DefaultPreemption's PostFilter message:
//   0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient
//   cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No
//   preemption victims found for incoming pod.
// Each "count reason" is formatted first and the strings are sorted as text (Go's sort.Strings),
// so the count is part of the sort key.
import type * as k8s from '@kubernetes/client-node';
import type { FilterStatus } from './framework.ts';

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';
export const PREEMPTION_NOT_HELPFUL = 'Preemption is not helpful for scheduling';
export const NO_PREEMPTION_VICTIMS = 'No preemption victims found for incoming pod';
export const PREEMPTION_POLICY_NEVER = 'not eligible due to preemptionPolicy=Never.';

/** "0/N nodes are available: <histogram>." over the reasons of every node's status. */
export function fitErrorMessage(numAllNodes: number, statuses: Iterable<FilterStatus>): string {
  const counts = new Map<string, number>();
  for (const status of statuses) {
    for (const reason of status.reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  }
  const histogram = [...counts].map(([reason, n]) => `${n} ${reason}`).sort(compareAsGo);
  let message = `0/${numAllNodes} nodes are available:`;
  if (histogram.length > 0) message += ` ${histogram.join(', ')}.`;
  return message;
}

/** Go's sort.Strings compares bytes; JS's default sort compares UTF-16 code units: the same for
 * the ASCII these reasons are made of. */
const compareAsGo = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * DefaultPreemption's message. The reference does not preempt: a node whose filter status is
 * UnschedulableAndUnresolvable is "not helpful"; one that is merely Unschedulable would need
 * lower-priority victims, and with none (the reference never evicts) upstream says "No
 * preemption victims found".
 */
export function preemptionMessage(
  pod: k8s.V1Pod,
  numAllNodes: number,
  statuses: Iterable<FilterStatus>,
): string {
  if (pod.spec?.preemptionPolicy === 'Never') return `preemption: ${PREEMPTION_POLICY_NEVER}`;
  const preemption: FilterStatus[] = [];
  for (const status of statuses) {
    preemption.push({
      code: status.code,
      reasons: [
        status.code === 'UnschedulableAndUnresolvable' ? PREEMPTION_NOT_HELPFUL : NO_PREEMPTION_VICTIMS,
      ],
    });
  }
  return `preemption: ${fitErrorMessage(numAllNodes, preemption)}`;
}

/** The whole condition/event message for a pod that fits none of `numAllNodes` nodes. */
export function unschedulableMessage(
  pod: k8s.V1Pod,
  numAllNodes: number,
  statuses: ReadonlyMap<string, FilterStatus>,
): string {
  if (numAllNodes === 0) return NO_NODES_AVAILABLE;
  const values = [...statuses.values()];
  return `${fitErrorMessage(numAllNodes, values)} ${preemptionMessage(pod, numAllNodes, values)}`;
}
