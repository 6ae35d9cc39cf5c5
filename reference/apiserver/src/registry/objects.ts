// How API objects sit in the store: JSON without a resourceVersion (the store's modRevision is
// the resourceVersion), in the stored form of their resource (conversion.ts), and helpers over
// the metadata every object carries.
import type { KeyValue } from '../store/store.ts';
import { apiVersionOf, type ResourceInfo } from '../resources.ts';
import { fromStorage, toStorage } from './conversion.ts';

export type ApiObject = Record<string, unknown> & { metadata: ObjectMeta };

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: Array<Record<string, unknown>>;
  [key: string]: unknown;
}

/**
 * Decodes a stored value into the form `info` serves (converted when the resource is stored as
 * another), stamped with its kind, apiVersion and resourceVersion.
 */
export function decode(info: ResourceInfo, kv: KeyValue): ApiObject {
  const obj = fromStorage(info, JSON.parse(kv.value) as ApiObject);
  obj.kind = info.kind;
  obj.apiVersion = apiVersionOf(info);
  obj.metadata = { ...obj.metadata, resourceVersion: String(kv.modRevision) };
  return obj;
}

/**
 * Encodes an object of `info` for the store, in its stored form: the resourceVersion is never
 * stored, it is the revision.
 */
export function encode(info: ResourceInfo, obj: ApiObject): string {
  const stored = toStorage(info, obj);
  const { resourceVersion: _rv, ...metadata } = stored.metadata;
  return JSON.stringify({ ...stored, metadata });
}

export { clone as deepCopy } from '../validation/access.ts';

/** Time in upstream's RFC 3339 form with whole seconds: `2026-11-24T14:55:00Z`. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
