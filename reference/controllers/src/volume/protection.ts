// What the storage-protection controllers decide (upstream's pkg/controller/volume/protectionutil,
// pvcprotection and pvprotection), as pure functions over objects: whether an object waits on
// its protection finalizer, whether it should get one, and whether a claim or a volume is still
// in use. The apiserver's StorageObjectInUseProtection admission adds the finalizers on create;
// the controllers add them to objects that lack them and remove them once nothing uses the object.
import type * as k8s from '@kubernetes/client-node';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

type Meta = { metadata?: k8s.V1ObjectMeta };

/** protectionutil.IsDeletionCandidate: being deleted and still holding `finalizer`. */
export const isDeletionCandidate = (obj: Meta, finalizer: string): boolean =>
  Boolean(obj.metadata?.deletionTimestamp) && (obj.metadata?.finalizers ?? []).includes(finalizer);

/** protectionutil.NeedToAddFinalizer: not being deleted and without `finalizer`. */
export const needToAddFinalizer = (obj: Meta, finalizer: string): boolean =>
  !obj.metadata?.deletionTimestamp && !(obj.metadata?.finalizers ?? []).includes(finalizer);

/** The finalizers with `finalizer` added at the end or removed (every occurrence). */
export const withFinalizer = (obj: Meta, finalizer: string): string[] => [
  ...(obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer),
  finalizer,
];
export const withoutFinalizer = (obj: Meta, finalizer: string): string[] =>
  (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer);

/** The `namespace/name` keys of the claims a pod's volumes name. */
export const claimKeysOf = (pod: k8s.V1Pod): string[] =>
  (pod.spec?.volumes ?? [])
    .map((v) => v.persistentVolumeClaim?.claimName)
    .filter((name): name is string => Boolean(name))
    .map((name) => `${pod.metadata?.namespace}/${name}`);

/**
 * pvcprotection's podUsesPVC: a pod uses the claim once it is scheduled (spec.nodeName set) and
 * one of its volumes names the claim, whatever its phase: upstream keeps a claim for a finished
 * pod too, until that pod is deleted (kubernetes/kubernetes#120756). A pod not yet scheduled does
 * not hold it: the kubelet never starts a pod whose claim is being deleted.
 */
export function podUsesClaim(pod: k8s.V1Pod, claim: k8s.V1PersistentVolumeClaim): boolean {
  if (!pod.spec?.nodeName || pod.metadata?.namespace !== claim.metadata?.namespace) return false;
  return (pod.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim.metadata?.name);
}

/**
 * pvcprotection's enqueuePVCs filter: only a pod that went away, finished, or was never
 * scheduled can free a claim, so only those wake the claims they name.
 */
export function podMayFreeClaims(pod: k8s.V1Pod, deleted: boolean): boolean {
  const phase = pod.status?.phase;
  return deleted || phase === 'Succeeded' || phase === 'Failed' || !pod.spec?.nodeName;
}

/** pvprotection's isBeingUsed: the PersistentVolume controller says it is Bound. */
export const volumeInUse = (pv: k8s.V1PersistentVolume): boolean => pv.status?.phase === 'Bound';
