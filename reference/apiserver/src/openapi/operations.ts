// The paths and operations of the served API, in a form independent of OpenAPI v2 or v3: one
// entry per URL, each with its operations named and parameterised as upstream's generator does
// (listCoreV1NamespacedPod, patchCoreV1NamespacedPodStatus, ...). The v2 and v3 renderers in
// documents.ts turn these into their own shapes.
import type { GroupVersion, ResourceInfo } from '../resources.ts';
import type { Gvk } from './schema-model.ts';
import { kindSchemaName } from './schemas.ts';

export type Method = 'get' | 'put' | 'post' | 'patch' | 'delete';
export type Produces = 'object' | 'list' | 'watch' | 'text' | 'connect';

export interface OperationSpec {
  method: Method;
  operationId: string;
  description: string;
  /** x-kubernetes-action: get, list, post, put, patch, delete, deletecollection, watch, watchlist, connect. */
  action?: string;
  gvk?: Gvk;
  /** Query parameter names, from QUERY_PARAMS (parameters.ts). */
  query: string[];
  /** Definition name of the request body. */
  body?: string;
  /** Status code → definition name, 'string' for a text body, '' for none. */
  responses: Record<string, string>;
  produces: Produces;
  consumes: 'any' | 'patch';
  tag: string;
}

export interface PathSpec {
  path: string;
  /** Path-item parameters: path parameters, then query parameters shared by every operation. */
  pathParams: string[];
  query: string[];
  operations: OperationSpec[];
}

export interface QueryParam {
  description: string;
  type: 'string' | 'boolean' | 'integer';
  format?: string;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const LIST_QUERY = [
  'allowWatchBookmarks',
  'continue',
  'fieldSelector',
  'labelSelector',
  'limit',
  'resourceVersion',
  'resourceVersionMatch',
  'sendInitialEvents',
  'timeoutSeconds',
  'watch',
];
const WATCH_PATH_QUERY = [...LIST_QUERY, 'pretty'].sort();
const WRITE_QUERY = ['dryRun', 'fieldManager', 'fieldValidation'];
const DELETE_QUERY = ['dryRun', 'gracePeriodSeconds', 'orphanDependents', 'propagationPolicy'];
const DELETECOLLECTION_QUERY = [
  ...LIST_QUERY.filter((q) => !['allowWatchBookmarks', 'watch'].includes(q)),
  ...DELETE_QUERY,
].sort();

/**
 * How each verb is rendered. `id` builds the operation ID from the group/version id (CoreV1),
 * the scope word ('Namespaced' or ''), the kind and a subresource suffix; `body` and `response`
 * name 'self' (the kind's schema), 'list', or a definition.
 */
interface VerbShape {
  method: Method;
  action: string;
  id: (gv: string, ns: string, kind: string, suffix: string) => string;
  describe: (kind: string, what: string) => string;
  query: string[];
  body?: string;
  codes: string[];
  response: string;
  produces: Produces;
  consumes?: 'patch';
}

const VERBS = {
  list: {
    method: 'get',
    action: 'list',
    id: (g, n, k) => `list${g}${n}${k}`,
    describe: (k) => `list or watch objects of kind ${k}`,
    query: LIST_QUERY,
    codes: ['200'],
    response: 'list',
    produces: 'list',
  },
  listAll: {
    method: 'get',
    action: 'list',
    id: (g, _n, k) => `list${g}${k}ForAllNamespaces`,
    describe: (k) => `list or watch objects of kind ${k}`,
    query: [],
    codes: ['200'],
    response: 'list',
    produces: 'list',
  },
  create: {
    method: 'post',
    action: 'post',
    id: (g, n, k, s) => `create${g}${n}${k}${s}`,
    describe: (k, w) => (w ? `create ${w} of a ${k}` : `create a ${k}`),
    query: WRITE_QUERY,
    body: 'self',
    codes: ['200', '201', '202'],
    response: 'self',
    produces: 'object',
  },
  deletecollection: {
    method: 'delete',
    action: 'deletecollection',
    id: (g, n, k) => `delete${g}Collection${n}${k}`,
    describe: (k) => `delete collection of ${k}`,
    query: DELETECOLLECTION_QUERY,
    body: `${META}.DeleteOptions`,
    codes: ['200'],
    response: `${META}.Status`,
    produces: 'object',
  },
  read: {
    method: 'get',
    action: 'get',
    id: (g, n, k, s) => `read${g}${n}${k}${s}`,
    describe: (k, w) => `read ${w || 'the specified'} ${w ? `of the specified ${k}` : k}`,
    query: [],
    codes: ['200'],
    response: 'self',
    produces: 'object',
  },
  replace: {
    method: 'put',
    action: 'put',
    id: (g, n, k, s) => `replace${g}${n}${k}${s}`,
    describe: (k, w) => `replace ${w || 'the specified'} ${w ? `of the specified ${k}` : k}`,
    query: WRITE_QUERY,
    body: 'self',
    codes: ['200', '201'],
    response: 'self',
    produces: 'object',
  },
  patch: {
    method: 'patch',
    action: 'patch',
    id: (g, n, k, s) => `patch${g}${n}${k}${s}`,
    describe: (k, w) => `partially update ${w || 'the specified'} ${w ? `of the specified ${k}` : k}`,
    query: [...WRITE_QUERY, 'force'],
    body: `${META}.Patch`,
    codes: ['200', '201'],
    response: 'self',
    produces: 'object',
    consumes: 'patch',
  },
  delete: {
    method: 'delete',
    action: 'delete',
    id: (g, n, k) => `delete${g}${n}${k}`,
    describe: (k) => `delete a ${k}`,
    query: DELETE_QUERY,
    body: `${META}.DeleteOptions`,
    codes: ['200', '202'],
    response: `${META}.Status`,
    produces: 'object',
  },
  watch: {
    method: 'get',
    action: 'watch',
    id: (g, n, k) => `watch${g}${n}${k}`,
    describe: (k) =>
      `watch changes to an object of kind ${k}. deprecated: use the 'watch' parameter with a list operation instead, filtered to a single item with the 'fieldSelector' parameter.`,
    query: [],
    codes: ['200'],
    response: `${META}.WatchEvent`,
    produces: 'watch',
  },
  watchList: {
    method: 'get',
    action: 'watchlist',
    id: (g, n, k) => `watch${g}${n}${k}List`,
    describe: (k) =>
      `watch individual changes to a list of ${k}. deprecated: use the 'watch' parameter with a list operation instead.`,
    query: [],
    codes: ['200'],
    response: `${META}.WatchEvent`,
    produces: 'watch',
  },
  watchAll: {
    method: 'get',
    action: 'watchlist',
    id: (g, _n, k) => `watch${g}${k}ListForAllNamespaces`,
    describe: (k) =>
      `watch individual changes to a list of ${k}. deprecated: use the 'watch' parameter with a list operation instead.`,
    query: [],
    codes: ['200'],
    response: `${META}.WatchEvent`,
    produces: 'watch',
  },
  log: {
    method: 'get',
    action: 'get',
    id: (g, n, k, s) => `read${g}${n}${k}${s}`,
    describe: (k) => `read log of the specified ${k}`,
    query: [
      'container',
      'follow',
      'insecureSkipTLSVerifyBackend',
      'limitBytes',
      'previous',
      'sinceSeconds',
      'tailLines',
      'timestamps',
    ],
    codes: ['200'],
    response: 'string',
    produces: 'text',
  },
  connectGet: {
    method: 'get',
    action: 'connect',
    id: (g, n, k, s) => `connectGet${g}${n}${k}${s}`,
    describe: (k, w) => `connect GET requests to ${w} of ${k}`,
    query: [],
    codes: ['200'],
    response: 'string',
    produces: 'connect',
  },
  connectPost: {
    method: 'post',
    action: 'connect',
    id: (g, n, k, s) => `connectPost${g}${n}${k}${s}`,
    describe: (k, w) => `connect POST requests to ${w} of ${k}`,
    query: [],
    codes: ['200'],
    response: 'string',
    produces: 'connect',
  },
} satisfies Record<string, VerbShape>;

type Verb = keyof typeof VERBS;

/** Subresources: their verbs, and the kind they speak when it is not the resource's own. */
const SUBRESOURCES: Record<string, { verbs: Verb[]; kind?: Gvk & { schema: string }; query?: string[] }> = {
  status: { verbs: ['read', 'replace', 'patch'] },
  scale: {
    verbs: ['read', 'replace', 'patch'],
    kind: { group: 'autoscaling', version: 'v1', kind: 'Scale', schema: 'io.k8s.api.autoscaling.v1.Scale' },
  },
  finalize: { verbs: ['replace'] },
  binding: {
    verbs: ['create'],
    kind: { group: '', version: 'v1', kind: 'Binding', schema: 'io.k8s.api.core.v1.Binding' },
  },
  eviction: {
    verbs: ['create'],
    kind: { group: 'policy', version: 'v1', kind: 'Eviction', schema: 'io.k8s.api.policy.v1.Eviction' },
  },
  log: { verbs: ['log'] },
  exec: {
    verbs: ['connectGet', 'connectPost'],
    kind: { group: '', version: 'v1', kind: 'PodExecOptions', schema: '' },
    query: ['command', 'container', 'stderr', 'stdin', 'stdout', 'tty'],
  },
  portforward: {
    verbs: ['connectGet', 'connectPost'],
    kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions', schema: '' },
    query: ['ports'],
  },
};

/** Prefix of operation IDs and tag for a group/version: CoreV1 / core_v1, DiscoveryV1 / discovery_v1. */
function groupVersionId(gv: GroupVersion): { id: string; tag: string } {
  const group = gv.group === '' ? 'core' : gv.group.replace(/\.k8s\.io$/, '').split('.')[0]!;
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  return { id: cap(group) + cap(gv.version), tag: gv.version ? `${group}_${gv.version}` : group };
}

export function pathPrefix(gv: GroupVersion): string {
  return gv.group === '' ? `/api/${gv.version}` : `/apis/${gv.group}/${gv.version}`;
}

/** Key of a group/version in the v3 root index: api/v1, apis/<group>/<version>. */
export function v3Key(gv: GroupVersion): string {
  return pathPrefix(gv).slice(1);
}

interface OpContext {
  info: ResourceInfo;
  gvk: Gvk;
  schema: string;
  suffix: string;
  what: string;
  query?: string[];
}

function operation(verb: Verb, ctx: OpContext): OperationSpec {
  const shape: VerbShape = VERBS[verb];
  const { id, tag } = groupVersionId(ctx.info);
  const ns = ctx.info.namespaced ? 'Namespaced' : '';
  const resolve = (def: string): string =>
    def === 'self' ? ctx.schema : def === 'list' ? `${ctx.schema}List` : def;
  const response = resolve(shape.response);
  return {
    method: shape.method,
    operationId: shape.id(id, ns, ctx.info.kind, ctx.suffix),
    description: shape.describe(ctx.info.kind, ctx.what),
    action: shape.action,
    gvk: verb === 'log' ? { ...ctx.gvk, kind: 'Pod' } : ctx.gvk,
    query: ctx.query ?? shape.query,
    ...(shape.body ? { body: resolve(shape.body) } : {}),
    responses: Object.fromEntries([...shape.codes.map((c) => [c, response]), ['401', '']]),
    produces: shape.produces,
    consumes: shape.consumes ?? 'any',
    tag,
  };
}

/** The paths of one served resource: collection, item, watch, cluster-wide list and subresources. */
export function resourcePaths(info: ResourceInfo): PathSpec[] {
  const prefix = pathPrefix(info);
  const ctx: OpContext = {
    info,
    gvk: { group: info.group, version: info.version, kind: info.kind },
    schema: kindSchemaName(info),
    suffix: '',
    what: '',
  };
  const scope = info.namespaced ? `/namespaces/{namespace}/${info.resource}` : `/${info.resource}`;
  const scopeParams = info.namespaced ? ['namespace'] : [];
  const entry = (path: string, params: string[], query: string[], verbs: Verb[]): PathSpec => ({
    path,
    pathParams: params,
    query,
    operations: verbs.map((v) => operation(v, ctx)),
  });
  const paths = [
    entry(`${prefix}${scope}`, scopeParams, ['pretty'], ['list', 'create', 'deletecollection']),
    entry(
      `${prefix}${scope}/{name}`,
      [...scopeParams, 'name'],
      ['pretty'],
      ['read', 'replace', 'patch', 'delete'],
    ),
    entry(`${prefix}/watch${scope}`, scopeParams, WATCH_PATH_QUERY, ['watchList']),
    entry(`${prefix}/watch${scope}/{name}`, [...scopeParams, 'name'], WATCH_PATH_QUERY, ['watch']),
  ];
  if (info.namespaced)
    paths.push(
      entry(`${prefix}/${info.resource}`, [], WATCH_PATH_QUERY, ['listAll']),
      entry(`${prefix}/watch/${info.resource}`, [], WATCH_PATH_QUERY, ['watchAll']),
    );
  for (const sub of info.subresources) {
    const shape = SUBRESOURCES[sub];
    if (!shape) throw new Error(`no OpenAPI shape for subresource ${info.resource}/${sub}`);
    const subCtx: OpContext = {
      ...ctx,
      gvk: shape.kind
        ? { group: shape.kind.group, version: shape.kind.version, kind: shape.kind.kind }
        : ctx.gvk,
      schema: shape.kind?.schema || ctx.schema,
      suffix: sub.charAt(0).toUpperCase() + sub.slice(1),
      what: sub,
      ...(shape.query ? { query: shape.query } : {}),
    };
    const streaming = ['log', 'exec', 'portforward'].includes(sub);
    paths.push({
      path: `${prefix}${scope}/{name}/${sub}`,
      pathParams: [...scopeParams, 'name'],
      query: streaming ? [] : ['pretty'],
      operations: shape.verbs.map((v) => operation(v, subCtx)),
    });
  }
  return paths;
}

/** The discovery operation of a group/version: GET /api/v1/ or /apis/<group>/<version>/. */
export function resourceListPath(gv: GroupVersion): PathSpec {
  const { id, tag } = groupVersionId(gv);
  return nonResource(
    `${pathPrefix(gv)}/`,
    `get${id}APIResources`,
    tag,
    `${META}.APIResourceList`,
    'get available resources',
  );
}

/** Non-resource documents: /api/, /apis/, /apis/<group>/ and /version/. */
export function nonResourcePath(kind: 'api' | 'apis' | 'group' | 'version', group = ''): PathSpec {
  const { id, tag } = groupVersionId({ group, version: '' });
  if (kind === 'api')
    return nonResource(
      '/api/',
      'getCoreAPIVersions',
      'core',
      `${META}.APIVersions`,
      'get available API versions',
    );
  if (kind === 'apis')
    return nonResource(
      '/apis/',
      'getAPIVersions',
      'apis',
      `${META}.APIGroupList`,
      'get available API versions',
    );
  if (kind === 'group')
    return nonResource(
      `/apis/${group}/`,
      `get${id}APIGroup`,
      tag,
      `${META}.APIGroup`,
      'get information of a group',
    );
  return nonResource(
    '/version/',
    'getCodeVersion',
    'version',
    'io.k8s.apimachinery.pkg.version.Info',
    'get the version information for this server',
  );
}

function nonResource(
  path: string,
  operationId: string,
  tag: string,
  def: string,
  description: string,
): PathSpec {
  const op: OperationSpec = {
    method: 'get',
    operationId,
    description,
    query: [],
    responses: { '200': def, '401': '' },
    produces: 'object',
    consumes: 'any',
    tag,
  };
  return { path, pathParams: [], query: [], operations: [op] };
}
