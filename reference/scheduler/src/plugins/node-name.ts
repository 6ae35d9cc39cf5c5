// NodeName (upstream plugins/nodename): a pod that names a node fits only that node.
import type * as k8s from '@kubernetes/client-node';
import { SUCCESS, unresolvable, type FilterPlugin } from '../framework.ts';

export const ERR_REASON = "node(s) didn't match the requested node name";

export const fits = (pod: k8s.V1Pod, node: k8s.V1Node): boolean =>
  !pod.spec?.nodeName || pod.spec.nodeName === node.metadata?.name;

export const nodeName = {
  name: 'NodeName',
  filter: (pod, info) => (fits(pod, info.node) ? SUCCESS : unresolvable(ERR_REASON)),
} satisfies FilterPlugin;
