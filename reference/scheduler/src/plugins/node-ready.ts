// NodeReady: upstream has no such plugin; its node lifecycle controller taints a node whose Ready
// condition is False with node.kubernetes.io/not-ready and one whose Ready is Unknown with
// node.kubernetes.io/unreachable (both NoSchedule), and TaintToleration keeps pods off. The
// reference's node lifecycle controller (reference/controllers/src/node-lifecycle) adds those
// taints too, but only when the controller-manager runs and once it has looked at the node; this
// filter applies the taint the controller would add, with TaintToleration's reason, so the
// scheduler alone (its tests, its bench) and the moments before the taint lands behave the same.
// Pods that tolerate the taint go through.
import type * as k8s from '@kubernetes/client-node';
import { SUCCESS, unresolvable, type FilterPlugin } from '../framework.ts';
import { tolerationsTolerate } from './tolerations.ts';
import { ERR_REASON as UNTOLERATED } from './taint-toleration.ts';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';

/** The taint the node lifecycle controller would put on the node; undefined for a Ready node. */
export function impliedTaint(node: k8s.V1Node): k8s.V1Taint | undefined {
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready?.status === 'True') return undefined;
  return { key: ready?.status === 'Unknown' ? TAINT_UNREACHABLE : TAINT_NOT_READY, effect: 'NoSchedule' };
}

export const ERR_REASON = (taint: k8s.V1Taint): string => UNTOLERATED(taint);

export function fits(pod: k8s.V1Pod, node: k8s.V1Node): boolean {
  const taint = impliedTaint(node);
  return !taint || tolerationsTolerate(pod.spec?.tolerations, taint);
}

export const nodeReady = {
  name: 'NodeReady',
  filter: (pod, info) => {
    const taint = info.readyTaint;
    if (!taint || tolerationsTolerate(pod.spec?.tolerations, taint)) return SUCCESS;
    return unresolvable(ERR_REASON(taint));
  },
} satisfies FilterPlugin;
