// Generic storage of API objects over the etcd-shaped store: create, get, list, update, delete
// with upstream's semantics (generateName, uid, resourceVersion preconditions, 409 Conflict,
// graceful deletion, finalizers). One instance serves every resource; what differs per resource
// comes from the resource table, the strategy helpers and the object rules.
import { mergeMatchLabelKeys } from '../validation/pod-affinity.ts';
import { randomUUID } from 'node:crypto';
import {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  forbidden,
  notFound,
  OBJECT_MODIFIED,
  statusError,
  tooLargeResourceVersion,
} from '../api-error.ts';
import { fieldValues, supportedFields } from '../field-sets.ts';
import { findResource, storageKey, storagePrefix, type ResourceInfo } from '../resources.ts';
import {
  parseFieldSelector,
  parseLabelSelector,
  type FieldSelector,
  type LabelSelector,
} from '../selectors.ts';
import { CompactedError, FutureRevisionError, type KeyValue, type Store } from '../store/store.ts';
import { decode, deepCopy, encode, isObject, rfc3339, type ApiObject } from './objects.ts';
import {
  prepareFinalizeUpdate,
  prepareMainUpdate,
  prepareStatusUpdate,
  type ObjectReader,
  type ObjectRules,
} from './strategy.ts';
import { decodeContinue, encodeContinue } from './continue-token.ts';
import { ServiceAllocator } from './service-allocator.ts';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
}

export interface ListResult {
  items: ApiObject[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface WriteOptions {
  dryRun: boolean;
}

export interface UpdateOptions extends WriteOptions {
  subresource?: string;
  /**
   * A server-owned write that upstream makes below validation (the binding subresource setting
   * spec.nodeName, which pod update validation would forbid a client).
   */
  serverOwned?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
}

export interface RegistryOptions {
  store: Store;
  rules: ObjectRules;
  services: ServiceAllocator;
  now?: () => Date;
}

export interface Selection {
  label: LabelSelector;
  field: FieldSelector;
}

const NAMESPACES = findResource('', 'v1', 'namespaces')!;

/** How often a delete without preconditions is retried when the object changes under it. */
const DELETE_ATTEMPTS = 10;

export class Registry {
  readonly store: Store;
  private readonly rules: ObjectRules;
  private readonly now: () => Date;
  private readonly services: ServiceAllocator;

  constructor(options: RegistryOptions) {
    this.store = options.store;
    this.rules = options.rules;
    this.services = options.services;
    this.now = options.now ?? (() => new Date());
  }

  /** What create-time admission reads (rules.admitCreate): every object of a resource, as stored now. */
  private readonly objectReader: ObjectReader = {
    list: async (info, namespace) => (await this.list(info, namespace, {})).items,
  };

  selection(info: ResourceInfo, options: Pick<ListOptions, 'labelSelector' | 'fieldSelector'>): Selection {
    return {
      label: parseLabelSelector(options.labelSelector),
      field: parseFieldSelector(options.fieldSelector, supportedFields(info)),
    };
  }

  matches(info: ResourceInfo, selection: Selection, obj: ApiObject): boolean {
    return (
      (selection.label.empty || selection.label.matches(obj.metadata.labels)) &&
      (selection.field.empty || selection.field.matches(fieldValues(info, obj)))
    );
  }

  async get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<ApiObject> {
    const { kv } = await this.store.get(storageKey(info, namespace, name));
    if (!kv) throw notFound(info, name);
    return decode(info, kv);
  }

  async list(info: ResourceInfo, namespace: string | undefined, options: ListOptions): Promise<ListResult> {
    const selection = this.selection(info, options);
    const prefix = storagePrefix(info, namespace);
    const limit = options.limit && options.limit > 0 ? options.limit : 0;
    let revision: number | undefined;
    let startAfter: string | undefined;
    if (options.continue) {
      const token = decodeContinue(options.continue, prefix);
      revision = token.revision;
      startAfter = token.startAfter;
    } else if (options.resourceVersion && options.resourceVersion !== '0') {
      const requested = parseResourceVersion(options.resourceVersion);
      const current = await this.store.currentRevision();
      if (options.resourceVersionMatch === 'Exact') revision = requested;
      else if (requested > current) throw tooLargeResourceVersion(requested, current);
    }

    const items: ApiObject[] = [];
    let more = false;
    let lastKey: string | undefined;
    let readAt: number | undefined = revision;
    // upstream's etcd3 store tells how many objects are left only for an unfiltered paged list:
    // with a selector the count of keys in range would overstate what is left to match.
    const unfiltered = selection.label.empty && selection.field.empty;
    let inRange: number | undefined;
    // Keep reading pages until `limit` objects matched: selectors filter after the read.
    for (;;) {
      const page = await this.rangeOrExpire(
        prefix,
        startAfter,
        limit ? Math.max(limit - items.length, 1) : 0,
        readAt,
        Boolean(limit) && unfiltered,
      );
      readAt = page.revision;
      inRange ??= page.count;
      for (const kv of page.kvs) {
        lastKey = kv.key;
        const obj = decode(info, kv);
        if (this.matches(info, selection, obj)) items.push(obj);
        if (limit && items.length >= limit) break;
      }
      const consumedAll = lastKey === page.kvs.at(-1)?.key;
      if (limit && items.length >= limit) {
        more = page.more || !consumedAll;
        break;
      }
      if (!page.more) break;
      startAfter = page.kvs.at(-1)?.key;
    }
    const result: ListResult = { items, resourceVersion: String(readAt) };
    if (more && lastKey !== undefined) {
      result.continue = encodeContinue({ revision: readAt!, startAfter: lastKey }, prefix);
      // Unfiltered, the first read returned exactly the items (a store that cannot count: none).
      if (unfiltered && inRange !== undefined) result.remainingItemCount = inRange - items.length;
    }
    return result;
  }

  private async rangeOrExpire(
    prefix: string,
    startAfter: string | undefined,
    limit: number,
    revision: number | undefined,
    count = false,
  ) {
    try {
      return await this.store.range({
        prefix,
        ...(startAfter !== undefined ? { startAfter } : {}),
        ...(limit ? { limit } : {}),
        ...(revision !== undefined ? { revision } : {}),
        ...(count ? { count } : {}),
      });
    } catch (err) {
      if (err instanceof CompactedError) {
        throw expired(
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        );
      }
      if (err instanceof FutureRevisionError) throw tooLargeResourceVersion(err.requested, err.current);
      throw err;
    }
  }

  async create(
    info: ResourceInfo,
    namespace: string | undefined,
    body: ApiObject,
    options: WriteOptions,
  ): Promise<ApiObject> {
    let obj = this.rules.applyDefaults(info, deepCopy(body));
    if (this.rules.admitCreate) obj = await this.rules.admitCreate(info, obj, this.objectReader);
    const meta = obj.metadata;
    if (info.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request',
        );
      }
      meta.namespace = namespace ?? meta.namespace;
    } else {
      delete meta.namespace;
    }
    if (!meta.name && meta.generateName) meta.name = meta.generateName + randomSuffix();
    // Server-owned fields: whatever the client sent is replaced (upstream's BeforeCreate).
    meta.uid = randomUUID();
    meta.creationTimestamp = rfc3339(this.now());
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.resourceVersion;
    if ('spec' in obj || info.kind === 'ReplicationController') meta.generation = 1;
    prepareForCreate(info, obj);

    const invalid = this.rules.validate(info, obj);
    if (invalid) throw invalid;
    if (info.namespaced) await this.admitNamespace(info, meta.namespace!, meta.name!);

    const key = storageKey(info, meta.namespace, meta.name!);
    const { kv: existing } = await this.store.get(key);
    if (existing) throw alreadyExists(info, meta.name!);
    // A Service's cluster IP and node ports are claimed in the same transaction as the Service.
    const claims = info.kind === 'Service' ? (await this.services.allocate(obj)).claims : [];
    if (options.dryRun) return { ...obj, kind: info.kind };
    const result = await this.store.txn({
      compare: [{ key, modRevision: 0 }, ...claims.map((claim) => ({ key: claim, modRevision: 0 }))],
      success: [{ type: 'put', key, value: encode(info, obj) }, ...ServiceAllocator.claimOps(claims, key)],
    });
    if (!result.succeeded) {
      if (result.current[0]) throw alreadyExists(info, meta.name!);
      throw conflict(info, meta.name!, 'an allocated address was taken concurrently; please retry');
    }
    return decode(info, {
      key,
      value: encode(info, obj),
      createRevision: result.revision,
      modRevision: result.revision,
      version: 1,
    });
  }

  // upstream's NamespaceLifecycle admission: no new objects in a missing or terminating namespace.
  private async admitNamespace(info: ResourceInfo, namespace: string, name: string): Promise<void> {
    const { kv } = await this.store.get(storageKey(NAMESPACES, undefined, namespace));
    if (!kv) throw notFound(NAMESPACES, namespace);
    const ns = decode(NAMESPACES, kv);
    if ((ns.status as { phase?: string } | undefined)?.phase === 'Terminating') {
      throw forbidden(
        info,
        name,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  }

  /**
   * Replaces an object (PUT). `subresource` 'status' writes only the status. A resourceVersion in
   * the body must match the stored one (409 otherwise); without one the update is unconditional.
   */
  async update(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    body: ApiObject,
    options: UpdateOptions,
  ): Promise<{ object: ApiObject; created: boolean }> {
    if (body.metadata.name !== undefined && body.metadata.name !== name) {
      throw badRequest(
        `the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const key = storageKey(info, namespace, name);
    const { kv } = await this.store.get(key);
    if (!kv) {
      if (info.createOnUpdate && !options.subresource) {
        const created = await this.create(
          info,
          namespace,
          { ...body, metadata: { ...body.metadata, name } },
          options,
        );
        return { object: created, created: true };
      }
      throw notFound(info, name);
    }
    const old = decode(info, kv);
    const wanted = body.metadata.resourceVersion;
    if (wanted !== undefined && wanted !== '' && wanted !== old.metadata.resourceVersion) {
      throw conflict(info, name, OBJECT_MODIFIED);
    }
    const next =
      options.subresource === 'status'
        ? prepareStatusUpdate(deepCopy(body), old)
        : options.subresource === 'finalize'
          ? prepareFinalizeUpdate(deepCopy(body), old)
          : prepareMainUpdate(info, this.rules.applyDefaults(info, deepCopy(body)), old);
    if (info.kind === 'Service') ServiceAllocator.keepAllocated(next, old);
    // An unconditional update is validated as if it carried the stored version (as upstream does).
    if (!next.metadata.resourceVersion) next.metadata.resourceVersion = old.metadata.resourceVersion;
    next.metadata.namespace = info.namespaced ? namespace : undefined;
    if (!info.namespaced) delete next.metadata.namespace;
    next.metadata.name = name;
    const invalid = options.serverOwned ? undefined : this.rules.validate(info, next, old);
    if (invalid) throw invalid;
    return { object: await this.write(info, kv, next, options), created: false };
  }

  /** Writes `next` over the stored `kv` with a compare on its revision; finalizes deletions. */
  private async write(
    info: ResourceInfo,
    kv: KeyValue,
    next: ApiObject,
    options: WriteOptions,
  ): Promise<ApiObject> {
    const name = next.metadata.name!;
    // An object being deleted whose last finalizer is gone is deleted now (upstream's
    // deletion of a finalized object on update).
    const finished =
      next.metadata.deletionTimestamp !== undefined &&
      (next.metadata.finalizers ?? []).length === 0 &&
      (next.metadata.deletionGracePeriodSeconds ?? 0) === 0 &&
      // A namespace also waits for its spec.finalizers (emptied through namespaces/finalize).
      (info.kind !== 'Namespace' ||
        ((next.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length === 0);
    if (options.dryRun)
      return { ...next, metadata: { ...next.metadata, resourceVersion: String(kv.modRevision) } };
    const result = await this.store.txn({
      compare: [{ key: kv.key, modRevision: kv.modRevision }],
      success: finished
        ? [
            { type: 'delete', key: kv.key },
            ...(info.kind === 'Service' ? this.services.claimsOf(next) : []).map((claim) => ({
              type: 'delete' as const,
              key: claim,
            })),
          ]
        : [{ type: 'put', key: kv.key, value: encode(info, next) }],
    });
    if (!result.succeeded) throw conflict(info, name, OBJECT_MODIFIED);
    return { ...next, metadata: { ...next.metadata, resourceVersion: String(result.revision) } };
  }

  /**
   * Reads, transforms and writes with a compare on the revision read, retrying on a concurrent
   * write: for PATCH, binding and other read-modify-write requests that carry no precondition.
   */
  async readModifyWrite(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    transform: (current: ApiObject) => ApiObject,
    options: UpdateOptions,
  ): Promise<ApiObject> {
    for (let attempt = 0; ; attempt++) {
      const current = await this.get(info, namespace, name);
      const next = transform(deepCopy(current));
      // A resourceVersion the transform leaves equal to the current one is the compare; one it
      // changed (a patch that carries a resourceVersion) is the client's precondition.
      try {
        return (await this.update(info, namespace, name, next, options)).object;
      } catch (err) {
        const sameAsRead = next.metadata.resourceVersion === current.metadata.resourceVersion;
        if (sameAsRead && isConflict(err) && attempt < 5) continue;
        throw err;
      }
    }
  }

  /** Deletes now, or marks for graceful deletion; `deleted` tells which (200 vs 202 upstream). */
  async delete(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions,
  ): Promise<{ object: ApiObject; deleted: boolean }> {
    // A delete without preconditions asks for "this object, whatever its version": a write that
    // lands between our read and our transaction (a kubelet's status update) is no reason to
    // answer 409, so, like upstream's GuaranteedUpdate, read again and retry.
    const retryable = !options.preconditions?.uid && !options.preconditions?.resourceVersion;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.deleteOnce(info, namespace, name, options);
      } catch (err) {
        // Without preconditions, the only conflict deleteOnce raises is a lost compare.
        if (!retryable || !isConflict(err) || attempt >= DELETE_ATTEMPTS) throw err;
      }
    }
  }

  private async deleteOnce(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    options: DeleteOptions,
  ): Promise<{ object: ApiObject; deleted: boolean }> {
    const key = storageKey(info, namespace, name);
    const { kv } = await this.store.get(key);
    if (!kv) throw notFound(info, name);
    const obj = decode(info, kv);
    const pre = options.preconditions;
    if (pre?.uid && pre.uid !== obj.metadata.uid) {
      throw conflict(
        info,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`,
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
      throw conflict(
        info,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`,
      );
    }
    const grace = gracePeriod(info, obj, options.gracePeriodSeconds);
    const finalizers = [...(obj.metadata.finalizers ?? [])];
    if (options.propagationPolicy === 'Foreground' && !finalizers.includes('foregroundDeletion'))
      finalizers.push('foregroundDeletion');
    if (options.propagationPolicy === 'Orphan' && !finalizers.includes('orphan')) finalizers.push('orphan');
    // A namespace with spec.finalizers (the "kubernetes" one by default) waits in Terminating
    // for the namespace controller to empty it and finalize it; one without goes at once.
    const namespaceWithContent =
      info.kind === 'Namespace' &&
      ((obj.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []).length > 0;

    if (grace === 0 && finalizers.length === 0 && !namespaceWithContent) {
      if (options.dryRun) return { object: obj, deleted: true };
      const released = info.kind === 'Service' ? this.services.claimsOf(obj) : [];
      const result = await this.store.txn({
        compare: [{ key, modRevision: kv.modRevision }],
        success: [
          { type: 'delete', key },
          ...released.map((claim) => ({ type: 'delete' as const, key: claim })),
        ],
      });
      if (!result.succeeded) throw conflict(info, name, OBJECT_MODIFIED);
      return { object: obj, deleted: true };
    }
    // Graceful: mark it; whoever owns the grace (the kubelet, a finalizer's controller) finishes.
    const meta = obj.metadata;
    const existingGrace = meta.deletionGracePeriodSeconds;
    if (meta.deletionTimestamp !== undefined && existingGrace !== undefined && existingGrace <= grace) {
      return { object: obj, deleted: false }; // already terminating at least as fast
    }
    const next = deepCopy(obj);
    next.metadata.deletionTimestamp = rfc3339(new Date(this.now().getTime() + grace * 1000));
    next.metadata.deletionGracePeriodSeconds = grace;
    if (finalizers.length) next.metadata.finalizers = finalizers;
    if (namespaceWithContent)
      next.status = { ...(isObject(next.status) ? next.status : {}), phase: 'Terminating' };
    if (options.dryRun) return { object: next, deleted: false };
    const result = await this.store.txn({
      compare: [{ key, modRevision: kv.modRevision }],
      success: [{ type: 'put', key, value: encode(info, next) }],
    });
    if (!result.succeeded) throw conflict(info, name, OBJECT_MODIFIED);
    return {
      object: { ...next, metadata: { ...next.metadata, resourceVersion: String(result.revision) } },
      deleted: false,
    };
  }

  async deleteCollection(
    info: ResourceInfo,
    namespace: string | undefined,
    list: ListOptions,
    options: DeleteOptions,
  ): Promise<ApiObject[]> {
    const { items } = await this.list(info, namespace, list);
    const deleted: ApiObject[] = [];
    for (const item of items) {
      try {
        deleted.push((await this.delete(info, item.metadata.namespace, item.metadata.name!, options)).object);
      } catch (err) {
        if ((err as { code?: number }).code !== 404) throw err;
      }
    }
    return deleted;
  }
}

function isConflict(err: unknown): boolean {
  return (err as { code?: number }).code === 409;
}

/** Upstream's grace rules: pods default to their spec's period; unscheduled or finished pods go at once. */
function gracePeriod(info: ResourceInfo, obj: ApiObject, requested: number | undefined): number {
  if (info.kind !== 'Pod') return 0;
  const spec = (obj.spec ?? {}) as { nodeName?: string; terminationGracePeriodSeconds?: number };
  const phase = (obj.status as { phase?: string } | undefined)?.phase;
  if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
  const grace = requested ?? spec.terminationGracePeriodSeconds ?? 30;
  // A negative request means "use the default"; 0 from a client means 1 unless forced (upstream).
  if (grace < 0) return spec.terminationGracePeriodSeconds ?? 30;
  return grace;
}

/** Fields a client may not set at creation, reset as upstream's PrepareForCreate does. */
function prepareForCreate(info: ResourceInfo, obj: ApiObject): void {
  switch (info.kind) {
    case 'Pod':
      obj.status = { phase: 'Pending', qosClass: qosClass(obj) };
      mergeMatchLabelKeys(obj);
      break;
    case 'Namespace':
      obj.status = { phase: 'Active' };
      break;
    case 'ReplicationController':
    case 'ReplicaSet':
      obj.status = { replicas: 0 };
      break;
    case 'Deployment':
      obj.status = {};
      break;
    case 'PersistentVolume':
      obj.status = { phase: 'Pending' };
      break;
    case 'PersistentVolumeClaim':
      obj.status = { phase: 'Pending' };
      break;
    case 'Service':
    case 'Node':
      obj.status = isObject(obj.status) && info.kind === 'Node' ? obj.status : {};
      break;
  }
}

function qosClass(pod: ApiObject): string {
  const containers = [
    ...(((pod.spec as Record<string, unknown>)?.containers as unknown[]) ?? []),
    ...(((pod.spec as Record<string, unknown>)?.initContainers as unknown[]) ?? []),
  ] as Array<{ resources?: { requests?: Record<string, string>; limits?: Record<string, string> } }>;
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) any = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || (req[r] !== undefined && req[r] !== lim[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
/** Upstream's 5-character generateName suffix alphabet (no vowels, no confusable digits). */
function randomSuffix(): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += ALPHANUMS[Math.floor(Math.random() * ALPHANUMS.length)];
  return out;
}

export function parseResourceVersion(value: string): number {
  if (!/^\d+$/.test(value))
    throw badRequest(`resourceVersion: Invalid value: "${value}": must be a non-negative integer`);
  return Number(value);
}

export { statusError };
