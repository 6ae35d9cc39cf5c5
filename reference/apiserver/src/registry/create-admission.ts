// The mutating admission plugins that upstream runs on create only and that the reference has:
// StorageObjectInUseProtection (a protection finalizer on every new PersistentVolumeClaim and
// PersistentVolume) and DefaultStorageClass (a claim that asks for no class gets the default one,
// read from the StorageClasses as stored now, as upstream's plugin reads its lister). Their rules
// live in ../validation; this wires them to what they read.
import { findResource, type ResourceInfo } from '../resources.ts';
import { admitDefaultStorageClass, claimHasClass } from '../validation/default-storage-class-admission.ts';
import { addProtectionFinalizer } from '../validation/storage-object-in-use-admission.ts';
import type { ApiObject } from './objects.ts';
import type { ObjectReader } from './strategy.ts';

const STORAGE_CLASSES = findResource('storage.k8s.io', 'v1', 'storageclasses')!;

/** Returns the object as the create-time admission plugins leave it; never mutates its argument. */
export async function admitOnCreate(
  info: ResourceInfo,
  obj: ApiObject,
  objects: ObjectReader,
): Promise<ApiObject> {
  if (info.group !== '') return obj;
  if (info.kind === 'PersistentVolume') return addProtectionFinalizer(info.kind, obj) as ApiObject;
  if (info.kind !== 'PersistentVolumeClaim') return obj;
  const claim = addProtectionFinalizer(info.kind, obj) as ApiObject;
  // The classes are read only for a claim that asks for none.
  if (claimHasClass(claim)) return claim;
  return admitDefaultStorageClass(claim, await objects.list(STORAGE_CLASSES)) as ApiObject;
}
