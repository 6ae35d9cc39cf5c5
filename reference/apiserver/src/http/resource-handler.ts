// Serves the REST verbs of one resource request: get, list, watch, create, update, patch, delete,
// deletecollection, and the status and binding subresources, over the registry.
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  badRequest,
  methodNotSupported,
  notFoundPath,
  statusError,
  unsupportedMediaType,
  type ApiError,
} from '../api-error.ts';
import { apiVersionOf, findResource, type ResourceInfo } from '../resources.ts';
import { isObject, type ApiObject } from '../registry/objects.ts';
import type { DeleteOptions, Registry } from '../registry/registry.ts';
import { startWatch, type WatchEvent } from '../registry/watch.ts';
import { decodeObject, mediaType, readBody, PATCH_MEDIA_TYPES } from './body.ts';
import type { RequestInfo } from './request-info.ts';
import { handleScale } from './scale.ts';
import { toTable, wantsTable } from './table.ts';
import type { SchemaIndex } from '../openapi/schema-model.ts';
import { checkFields, parseFieldValidation, type FieldCheckOptions } from './field-validation.ts';

/** Applies a patch document of one media type to the current object; throws ApiError when it cannot. */
export type Patcher = (patchType: string, info: ResourceInfo, current: ApiObject, patch: Buffer) => ApiObject;

export interface ResourceHandlerContext {
  registry: Registry;
  patcher: Patcher;
  /** The served schemas, for fieldValidation (unknown fields); absent: unknown fields pass silently. */
  schemas?: SchemaIndex;
  /** Called for pods/log, pods/exec, pods/portforward: proxied to the kubelet. */
  podProxy?: (req: IncomingMessage, res: ServerResponse, info: RequestInfo) => Promise<void>;
}

type Reply = (code: number, body: unknown) => void;

export async function handleResource(
  ctx: ResourceHandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  request: RequestInfo,
  query: URLSearchParams,
  reply: Reply,
): Promise<void> {
  const info = findResource(request.group, request.version, request.resource ?? '');
  if (!info) throw notFoundPath();
  if (request.namespace !== undefined && !info.namespaced) throw notFoundPath();
  if (request.subresource && !info.subresources.includes(request.subresource)) throw notFoundPath();
  const { registry } = ctx;
  const namespace = info.namespaced ? request.namespace : undefined;
  const name = request.name;
  const method = req.method ?? 'GET';
  const dryRun = query.getAll('dryRun').includes('All');
  const fieldValidation = parseFieldValidation(query.get('fieldValidation'));
  // fieldValidation's checks, and unknown fields dropped; without schemas objects pass as given.
  const checked = (obj: ApiObject, options: FieldCheckOptions = {}): ApiObject =>
    ctx.schemas ? checkFields(ctx.schemas, info, obj, fieldValidation, res, options) : obj;
  if (query.getAll('dryRun').some((v) => v !== 'All')) {
    throw badRequest(
      `dryRun: Unsupported value: "${query.getAll('dryRun').find((v) => v !== 'All')}": supported values: "All"`,
    );
  }

  if (
    request.subresource === 'log' ||
    request.subresource === 'exec' ||
    request.subresource === 'portforward'
  ) {
    if (!ctx.podProxy)
      throw statusError(
        503,
        'ServiceUnavailable',
        `${request.subresource} is not available: no kubelet API is configured`,
      );
    await registry.get(info, namespace, name!); // 404 for a missing pod before anything is proxied
    await ctx.podProxy(req, res, request);
    return;
  }

  const watching = request.watchPrefix || isTrue(query.get('watch'));
  if (method === 'GET' && watching) {
    const fieldSelector = name
      ? joinSelectors(query.get('fieldSelector'), `metadata.name=${name}`)
      : query.get('fieldSelector');
    await serveWatch(ctx, req, res, info, namespace, query, fieldSelector ?? undefined);
    return;
  }

  if (request.subresource === 'scale' && name) {
    await handleScale(registry, req, info, namespace, name, dryRun, reply);
    return;
  }

  switch (method) {
    case 'GET': {
      const table = wantsTable(req);
      if (name) {
        const object = await registry.get(info, namespace, name);
        return reply(
          200,
          table ? toTable(info, [object], { resourceVersion: object.metadata.resourceVersion }) : object,
        );
      }
      const list = await registry.list(info, namespace, listOptions(query));
      const metadata: Record<string, unknown> = { resourceVersion: list.resourceVersion };
      if (list.continue) metadata.continue = list.continue;
      if (list.remainingItemCount !== undefined) metadata.remainingItemCount = list.remainingItemCount;
      if (table) return reply(200, toTable(info, list.items, metadata));
      return reply(200, {
        kind: `${info.kind}List`,
        apiVersion: apiVersionOf(info),
        metadata,
        items: list.items,
      });
    }
    case 'POST': {
      if (name && request.subresource === 'binding')
        return reply(201, await bind(ctx, info, namespace, name, (await objectBody(req)).object, dryRun));
      if (name && request.subresource === 'eviction') {
        await registry.delete(info, namespace, name, { dryRun });
        return reply(201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
      }
      if (name) throw methodNotSupported(info, 'create');
      const { object, json } = await objectBody(req);
      const body = checked(checkKind(info, object), json !== undefined ? { json } : {});
      return reply(201, await registry.create(info, namespace, body, { dryRun }));
    }
    case 'PUT': {
      if (!name) throw methodNotSupported(info, 'update');
      const { object: sent, json } = await objectBody(req);
      const body = checked(checkKind(info, sent), json !== undefined ? { json } : {});
      const { object, created } = await registry.update(info, namespace, name, body, {
        dryRun,
        ...(request.subresource ? { subresource: request.subresource } : {}),
      });
      return reply(created ? 201 : 200, object);
    }
    case 'PATCH': {
      if (!name) throw methodNotSupported(info, 'patch');
      const type = mediaType(req);
      if (!(PATCH_MEDIA_TYPES as readonly string[]).includes(type))
        throw unsupportedMediaType(PATCH_MEDIA_TYPES);
      const patch = await readBody(req);
      const object = await registry.readModifyWrite(
        info,
        namespace,
        name,
        (current) => checked(ctx.patcher(type, info, current, patch), { asPatch: true }),
        {
          dryRun,
          ...(request.subresource ? { subresource: request.subresource } : {}),
        },
      );
      return reply(200, object);
    }
    case 'DELETE': {
      const options = await deleteOptions(req, query, dryRun);
      if (!name) {
        const deleted = await registry.deleteCollection(info, namespace, listOptions(query), options);
        return reply(200, {
          kind: `${info.kind}List`,
          apiVersion: apiVersionOf(info),
          metadata: {},
          items: deleted,
        });
      }
      const { object, deleted } = await registry.delete(info, namespace, name, options);
      return reply(deleted ? 200 : 202, object);
    }
    default:
      throw statusError(
        405,
        'MethodNotAllowed',
        `the server does not allow this method on the requested resource`,
      );
  }
}

const isTrue = (v: string | null): boolean => v === 'true' || v === '1';

function joinSelectors(a: string | null, b: string): string {
  return a ? `${a},${b}` : b;
}

function listOptions(query: URLSearchParams) {
  const limit = query.get('limit');
  if (limit !== null && !/^\d+$/.test(limit))
    throw badRequest(`limit: Invalid value: "${limit}": must be a non-negative integer`);
  const opts: Record<string, string | number> = {};
  for (const key of [
    'labelSelector',
    'fieldSelector',
    'continue',
    'resourceVersion',
    'resourceVersionMatch',
  ]) {
    const v = query.get(key);
    if (v !== null) opts[key] = v;
  }
  if (limit !== null) opts.limit = Number(limit);
  const match = query.get('resourceVersionMatch');
  if (match !== null && match !== 'Exact' && match !== 'NotOlderThan') {
    throw badRequest(
      `resourceVersionMatch: Unsupported value: "${match}": supported values: "Exact", "NotOlderThan"`,
    );
  }
  return opts;
}

/** A create/update body, with its text when it came as JSON (for the repeated-field check). */
async function objectBody(req: IncomingMessage): Promise<{ object: ApiObject; json?: string }> {
  const raw = await readBody(req);
  const decoded = decodeObject(req, raw);
  if (!isObject(decoded))
    throw badRequest('the object provided is unrecognized: the body is not a JSON object');
  if (decoded.metadata === undefined || decoded.metadata === null) decoded.metadata = {};
  if (!isObject(decoded.metadata)) {
    throw badRequest(
      `json: cannot unmarshal ${jsonType(decoded.metadata)} into Go struct field .metadata of type v1.ObjectMeta`,
    );
  }
  const type = mediaType(req);
  const json = type === 'application/json' || type === '' ? raw.toString('utf8') : undefined;
  return { object: decoded as ApiObject, ...(json !== undefined ? { json } : {}) };
}

function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  return typeof value === 'string'
    ? 'string'
    : typeof value === 'number'
      ? 'number'
      : typeof value === 'boolean'
        ? 'bool'
        : 'object';
}

/** A body of another kind is refused as upstream's decoder does. */
function checkKind(info: ResourceInfo, body: ApiObject): ApiObject {
  const apiVersion = apiVersionOf(info);
  if (
    (body.kind !== undefined && body.kind !== info.kind) ||
    (body.apiVersion !== undefined && body.apiVersion !== apiVersion)
  ) {
    throw badRequest(
      `${String(body.kind)} in version "${String(body.apiVersion)}" cannot be handled as a ${info.kind}: no kind "${String(body.kind)}" is registered for version "${String(body.apiVersion)}"`,
    );
  }
  return body;
}

async function deleteOptions(
  req: IncomingMessage,
  query: URLSearchParams,
  dryRun: boolean,
): Promise<DeleteOptions> {
  const raw = await readBody(req);
  const body: Record<string, unknown> = raw.length
    ? ((decodeObject(req, raw) as Record<string, unknown>) ?? {})
    : {};
  const options: DeleteOptions = {
    dryRun: dryRun || (Array.isArray(body.dryRun) && body.dryRun.includes('All')),
  };
  const grace = query.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
  if (grace !== undefined && grace !== null) {
    if (!/^-?\d+$/.test(String(grace)))
      throw badRequest(`gracePeriodSeconds: Invalid value: "${String(grace)}": must be an integer`);
    options.gracePeriodSeconds = Number(grace);
  }
  const policy = query.get('propagationPolicy') ?? (body.propagationPolicy as string | undefined);
  if (policy !== undefined && policy !== null) {
    if (!['Orphan', 'Background', 'Foreground'].includes(policy)) {
      throw badRequest(
        `propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    options.propagationPolicy = policy;
  } else if (body.orphanDependents === true) {
    options.propagationPolicy = 'Orphan';
  }
  if (isObject(body.preconditions))
    options.preconditions = body.preconditions as DeleteOptions['preconditions'];
  return options;
}

/** pods/binding: assigns an unassigned pod to a node (upstream's BindingREST). */
async function bind(
  ctx: ResourceHandlerContext,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  body: ApiObject,
  dryRun: boolean,
) {
  const target = body.target as { kind?: string; name?: string } | undefined;
  if (!target?.name) throw badRequest('target: Required value');
  if (target.kind && target.kind !== 'Node')
    throw badRequest(`target.kind: Unsupported value: "${target.kind}": supported values: "Node"`);
  await ctx.registry.readModifyWrite(
    info,
    namespace,
    name,
    (pod) => {
      const spec = (pod.spec ?? {}) as Record<string, unknown>;
      if (pod.metadata.deletionTimestamp)
        throw conflictBinding(info, name, `pod ${name} is being deleted, cannot be assigned to a host`);
      if (spec.nodeName)
        throw conflictBinding(
          info,
          name,
          `pod ${name} is already assigned to node "${String(spec.nodeName)}"`,
        );
      spec.nodeName = target.name;
      pod.spec = spec;
      return pod;
    },
    { dryRun, serverOwned: true },
  );
  // The PodScheduled condition is status: written through the status path, as upstream does.
  await ctx.registry.readModifyWrite(
    info,
    namespace,
    name,
    (pod) => {
      const status = (isObject(pod.status) ? pod.status : {}) as Record<string, unknown>;
      const conditions = ((status.conditions as Array<Record<string, unknown>>) ?? []).filter(
        (c) => c.type !== 'PodScheduled',
      );
      conditions.push({
        type: 'PodScheduled',
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      });
      pod.status = { ...status, conditions };
      return pod;
    },
    { dryRun, subresource: 'status' },
  );
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}

function conflictBinding(info: ResourceInfo, name: string, why: string): ApiError {
  return statusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${info.resource}/binding "${name}": ${why}`,
    {
      name,
      kind: `${info.resource}/binding`,
    },
  );
}

/** A watch event's JSON line by object and type: watches that get the same object (see
 * registry/watch.ts) send the same bytes, serialised once. */
const watchLines = new WeakMap<object, Map<string, string>>();

function watchLine(event: WatchEvent): string {
  let byType = watchLines.get(event.object);
  if (!byType) watchLines.set(event.object, (byType = new Map()));
  let line = byType.get(event.type);
  if (line === undefined) byType.set(event.type, (line = JSON.stringify(event) + '\n'));
  return line;
}

async function serveWatch(
  ctx: ResourceHandlerContext,
  req: IncomingMessage,
  res: ServerResponse,
  info: ResourceInfo,
  namespace: string | undefined,
  query: URLSearchParams,
  fieldSelector: string | undefined,
): Promise<void> {
  const timeout = query.get('timeoutSeconds');
  const opts = {
    ...(query.get('resourceVersion') !== null ? { resourceVersion: query.get('resourceVersion')! } : {}),
    ...(query.get('labelSelector') !== null ? { labelSelector: query.get('labelSelector')! } : {}),
    ...(fieldSelector !== undefined ? { fieldSelector } : {}),
    allowWatchBookmarks: isTrue(query.get('allowWatchBookmarks')),
  };
  let started = false;
  const table = wantsTable(req);
  const write = (event: WatchEvent): void => {
    if (!started) {
      started = true;
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Transfer-Encoding': 'chunked',
        'Cache-Control': 'no-cache, private',
      });
    }
    if (table && (event.type === 'ADDED' || event.type === 'MODIFIED' || event.type === 'DELETED')) {
      const object = toTable(info, [event.object as ApiObject], {
        resourceVersion: (event.object as ApiObject).metadata.resourceVersion,
      });
      res.write(JSON.stringify({ type: event.type, object }) + '\n');
    } else res.write(watchLine(event));
  };
  let stop: (() => void) | undefined;
  stop = await startWatch(ctx.registry, info, namespace, opts, { onEvent: write, onClose: () => res.end() });
  // Headers go out at once so a client sees the watch established even when nothing happens.
  if (!started) {
    started = true;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Transfer-Encoding': 'chunked',
      'Cache-Control': 'no-cache, private',
    });
    res.flushHeaders();
  }
  const timer =
    timeout && /^\d+$/.test(timeout) ? setTimeout(() => stop?.(), Number(timeout) * 1000) : undefined;
  const cleanup = (): void => {
    if (timer) clearTimeout(timer);
    stop?.();
    stop = undefined;
  };
  req.on('close', cleanup);
  res.on('close', cleanup);
}
