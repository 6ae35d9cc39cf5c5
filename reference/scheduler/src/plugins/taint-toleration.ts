// TaintToleration (upstream plugins/tainttoleration): the node's NoSchedule and NoExecute taints
// must all be tolerated; the first one that is not names the reason.
import type * as k8s from '@kubernetes/client-node';
import { SUCCESS, unresolvable, type FilterPlugin } from '../framework.ts';
import { tolerationsTolerate } from './tolerations.ts';

/** upstream: fmt.Sprintf("node(s) had untolerated taint {%s: %s}", taint.Key, taint.Value). */
export const ERR_REASON = (taint: k8s.V1Taint): string =>
  `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;

/** The first NoSchedule/NoExecute taint the pod does not tolerate; undefined when it fits. */
export function untoleratedTaint(
  pod: k8s.V1Pod,
  taints: readonly k8s.V1Taint[] | undefined,
): k8s.V1Taint | undefined {
  return (taints ?? []).find(
    (t) =>
      (t.effect === 'NoSchedule' || t.effect === 'NoExecute') &&
      !tolerationsTolerate(pod.spec?.tolerations, t),
  );
}

export const fits = (pod: k8s.V1Pod, node: k8s.V1Node): boolean => !untoleratedTaint(pod, node.spec?.taints);

export const taintToleration = {
  name: 'TaintToleration',
  filter: (pod, info) => {
    const taint = untoleratedTaint(pod, info.node.spec?.taints);
    return taint ? unresolvable(ERR_REASON(taint)) : SUCCESS;
  },
} satisfies FilterPlugin;
