// The PVC protection controller (`pvc-protection`, upstream's
// pkg/controller/volume/pvcprotection): a PersistentVolumeClaim being deleted keeps its
// kubernetes.io/pvc-protection finalizer while a scheduled pod names it, so the data of a volume
// in use is never released under a running pod; once no pod uses it, the finalizer goes and the
// apiserver completes the delete. Claims that lack the finalizer (made before the admission
// plugin ran) get it. The cache may lag a pod's create, so "unused" is confirmed with a live list.
import type * as k8s from '@kubernetes/client-node';
import type { Controller, ControllerContext } from '../framework/controller.ts';
import {
  PVC_PROTECTION_FINALIZER,
  ProtectionController,
  claimKeysOf,
  podMayFreeClaims,
  podUsesClaim,
} from './protection.ts';

export function pvcProtectionController(ctx: ControllerContext): Controller {
  const pods = ctx.informers.for('pods');
  /** upstream's isBeingUsed: the cache first; a live list before concluding "unused". */
  const inUse = async (claim: k8s.V1PersistentVolumeClaim): Promise<boolean> => {
    const namespace = claim.metadata!.namespace!;
    if (pods.list(namespace).some((p) => podUsesClaim(p, claim))) return true;
    const live = await ctx.api.core.listNamespacedPod({ namespace });
    return live.items.some((p) => podUsesClaim(p, claim));
  };
  const controller = new ProtectionController(ctx, {
    name: 'pvc-protection',
    objects: ctx.informers.for('persistentvolumeclaims'),
    finalizer: PVC_PROTECTION_FINALIZER,
    modelType: 'V1PersistentVolumeClaim',
    inUse,
    replace: (claim) =>
      ctx.api.core.replaceNamespacedPersistentVolumeClaim({
        name: claim.metadata!.name!,
        namespace: claim.metadata!.namespace!,
        body: claim,
      }),
    noun: 'claim',
    keptBecause: 'a pod still uses it',
    freed: 'unused',
  });
  // upstream's enqueuePVCs: a pod that went away, finished or was never scheduled wakes its claims.
  const onPod = (deleted: boolean) => (pod: k8s.V1Pod) => {
    if (podMayFreeClaims(pod, deleted)) for (const key of claimKeysOf(pod)) controller.enqueue(key);
  };
  pods.onChange({ add: onPod(false), update: onPod(false), delete: onPod(true) });
  return controller;
}
