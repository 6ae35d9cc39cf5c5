// upstream's StorageObjectInUseProtection admission plugin
// (plugin/pkg/admission/storage/storageobjectinuseprotection), run on create only: every new
// PersistentVolumeClaim gets the kubernetes.io/pvc-protection finalizer and every new
// PersistentVolume the kubernetes.io/pv-protection finalizer. A deleted claim then stays (with
// its deletionTimestamp) until the pvc-protection controller sees no scheduled pod using it, and
// a deleted volume until the pv-protection controller sees it no longer Bound. Pure.
import { isObj, list, obj } from './access.ts';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

const FINALIZER_BY_KIND: Record<string, string> = {
  PersistentVolumeClaim: PVC_PROTECTION_FINALIZER,
  PersistentVolume: PV_PROTECTION_FINALIZER,
};

/** Returns the object with its kind's protection finalizer added when missing; never mutates it. */
export function addProtectionFinalizer(kind: string, object: unknown): unknown {
  const finalizer = FINALIZER_BY_KIND[kind];
  if (!finalizer || !isObj(object)) return object;
  const metadata = obj(object.metadata);
  const finalizers = list(metadata.finalizers);
  if (finalizers.includes(finalizer)) return object;
  return { ...object, metadata: { ...metadata, finalizers: [...finalizers, finalizer] } };
}
