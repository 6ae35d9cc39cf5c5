// upstream's DefaultStorageClass admission plugin
// (plugin/pkg/admission/storage/storageclass/setdefault), run on PersistentVolumeClaim create: a
// claim that asks for no class at all (no spec.storageClassName, and no
// volume.beta.kubernetes.io/storage-class annotation) gets the cluster's default StorageClass.
// An explicit "" is a request for "no class" and stays; with no default class the claim is left
// as it is (the PersistentVolume controller may still assign a default later, retroactively).
// Pure: the caller hands in the StorageClasses as they are now.
import { isObj, obj, str, type Obj } from './access.ts';

export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

/** storageutil.IsDefaultAnnotation: the GA or the beta annotation, exactly "true". */
export function isDefaultClass(sc: unknown): boolean {
  const annotations = obj(obj(obj(sc).metadata).annotations);
  return annotations[ANN_DEFAULT_CLASS] === 'true' || annotations[ANN_BETA_DEFAULT_CLASS] === 'true';
}

/**
 * upstream's GetDefaultClass: among the classes marked default, the newest (by
 * creationTimestamp), ties broken by name ascending; undefined when none is marked.
 */
export function defaultClassName(classes: readonly unknown[]): string | undefined {
  const created = (sc: unknown): number => Date.parse(str(obj(obj(sc).metadata).creationTimestamp)) || 0;
  const name = (sc: unknown): string => str(obj(obj(sc).metadata).name);
  const defaults = classes.filter(isDefaultClass);
  defaults.sort((a, b) => created(b) - created(a) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  return defaults.length ? name(defaults[0]) : undefined;
}

/** helper.PersistentVolumeClaimHasClass: a class field (even "") or the beta annotation. */
export function claimHasClass(pvc: unknown): boolean {
  const claim = obj(pvc);
  const spec = obj(claim.spec);
  if (spec.storageClassName !== undefined && spec.storageClassName !== null) return true;
  return Object.hasOwn(obj(obj(claim.metadata).annotations), ANN_BETA_STORAGE_CLASS);
}

/** Returns the claim with the default class set where it asks for none; never mutates its argument. */
export function admitDefaultStorageClass(pvc: unknown, classes: readonly unknown[]): unknown {
  if (!isObj(pvc) || claimHasClass(pvc)) return pvc;
  const name = defaultClassName(classes);
  if (name === undefined) return pvc;
  return { ...pvc, spec: { ...(obj(pvc.spec) as Obj), storageClassName: name } };
}
