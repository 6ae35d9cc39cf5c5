// What differs between resources when they are written: defaults and validation (upstream's
// messages live in ../validation), which parts of an object the main resource and its status
// subresource may change, and how a delete proceeds.
import type { ApiError } from '../api-error.ts';
import type { ResourceInfo } from '../resources.ts';
import type { ApiObject } from './objects.ts';

export interface ObjectRules {
  /** Returns the object with upstream's defaults filled in; never mutates its argument. */
  applyDefaults(info: ResourceInfo, obj: ApiObject): ApiObject;
  /**
   * upstream's mutating admission that runs on create only (after defaulting), for plugins that
   * read other objects (DefaultStorageClass reads the StorageClasses). Never mutates its argument.
   */
  admitCreate?(info: ResourceInfo, obj: ApiObject, objects: ObjectReader): Promise<ApiObject>;
  /** The 422 Invalid (or 400) error for a bad object, or undefined when it is valid. */
  validate(info: ResourceInfo, obj: ApiObject, old?: ApiObject): ApiError | undefined;
}

/** What admission may read: the objects of one resource as stored now (cluster-wide or in `namespace`). */
export interface ObjectReader {
  list(info: ResourceInfo, namespace?: string): Promise<ApiObject[]>;
}

/** Resources whose writes to the main resource leave status alone, and vice versa. */
export function hasStatusSubresource(info: ResourceInfo): boolean {
  return info.subresources.includes('status');
}

/** Spec-carrying resources bump metadata.generation when anything but metadata/status changes. */
export function specChanged(obj: ApiObject, old: ApiObject): boolean {
  const strip = ({ metadata: _m, status: _s, kind: _k, apiVersion: _a, ...rest }: ApiObject) => rest;
  return JSON.stringify(strip(obj)) !== JSON.stringify(strip(old));
}

/**
 * Prepares an update of the main resource: status is kept from the stored object for resources
 * that have a status subresource (upstream's PrepareForUpdate), as are the fields the server owns.
 */
export function prepareMainUpdate(info: ResourceInfo, obj: ApiObject, old: ApiObject): ApiObject {
  const next: ApiObject = { ...obj, metadata: { ...obj.metadata } };
  if (hasStatusSubresource(info)) {
    if (old.status === undefined) delete next.status;
    else next.status = old.status;
  }
  keepServerOwnedMeta(next, old);
  if (old.metadata.generation !== undefined) {
    next.metadata.generation = specChanged(next, old) ? old.metadata.generation + 1 : old.metadata.generation;
  }
  return next;
}

/** Prepares a status update: everything but status comes from the stored object. */
export function prepareStatusUpdate(obj: ApiObject, old: ApiObject): ApiObject {
  const next: ApiObject = { ...old, metadata: { ...old.metadata } };
  if (obj.status === undefined) delete next.status;
  else next.status = obj.status;
  return next;
}

// upstream's rest.BeforeUpdate: a missing uid is filled from the stored object (a different one
// is left for validation to refuse); timestamps, grace period and generation are not the
// client's to change.
function keepServerOwnedMeta(next: ApiObject, old: ApiObject): void {
  if (!next.metadata.uid) next.metadata.uid = old.metadata.uid;
  for (const field of [
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'generation',
  ] as const) {
    if (old.metadata[field] === undefined) delete next.metadata[field];
    else next.metadata[field] = old.metadata[field] as never;
  }
}

/** namespaces/finalize: only spec.finalizers changes (what the namespace controller writes). */
export function prepareFinalizeUpdate(obj: ApiObject, old: ApiObject): ApiObject {
  const next: ApiObject = { ...old, metadata: { ...old.metadata } };
  const finalizers = (obj.spec as { finalizers?: string[] } | undefined)?.finalizers;
  next.spec = { ...((old.spec as Record<string, unknown> | undefined) ?? {}), finalizers: finalizers ?? [] };
  return next;
}
