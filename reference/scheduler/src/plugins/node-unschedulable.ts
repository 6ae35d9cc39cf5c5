// NodeUnschedulable (upstream plugins/nodeunschedulable): a cordoned node takes only pods that
// tolerate the node.kubernetes.io/unschedulable:NoSchedule taint.
import type * as k8s from '@kubernetes/client-node';
import { SUCCESS, unresolvable, type FilterPlugin } from '../framework.ts';
import { tolerationsTolerate } from './tolerations.ts';

export const ERR_REASON = 'node(s) were unschedulable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

export function fits(pod: k8s.V1Pod, node: k8s.V1Node): boolean {
  if (!node.spec?.unschedulable) return true;
  return tolerationsTolerate(pod.spec?.tolerations, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' });
}

export const nodeUnschedulable = {
  name: 'NodeUnschedulable',
  filter: (pod, info) => (fits(pod, info.node) ? SUCCESS : unresolvable(ERR_REASON)),
} satisfies FilterPlugin;
