// How API objects sit in the store: JSON without a resourceVersion (the store's modRevision is
// the resourceVersion), and helpers over the metadata every object carries.
import type { KeyValue } from '../store/store.ts';
import { apiVersionOf, type ResourceInfo } from '../resources.ts';

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

/** Decodes a stored value into an object stamped with its kind, apiVersion and resourceVersion. */
export function decode(info: ResourceInfo, kv: KeyValue): ApiObject {
  const obj = JSON.parse(kv.value) as ApiObject;
  obj.kind = info.kind;
  obj.apiVersion = apiVersionOf(info);
  obj.metadata = { ...obj.metadata, resourceVersion: String(kv.modRevision) };
  return obj;
}

/** Encodes an object for the store: the resourceVersion is never stored, it is the revision. */
export function encode(obj: ApiObject): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}

export const deepCopy = <T>(value: T): T => structuredClone(value);

/** Time in upstream's RFC 3339 form with whole seconds: `2026-11-24T14:55:00Z`. */
export function rfc3339(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
