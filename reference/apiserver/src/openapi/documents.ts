// Renders the schema model and the operations into upstream-shaped OpenAPI documents: one
// Swagger 2.0 document (/openapi/v2) and one OpenAPI 3.0 document per group/version
// (/openapi/v3/api/v1, /openapi/v3/apis/<group>/<version>, plus the discovery-only ones).
// Pure functions of the resource table: the same table always renders the same bytes.
import { groupVersions, RESOURCES, type GroupVersion, type ResourceInfo } from '../resources.ts';
import { KUBERNETES_VERSION } from '../http/discovery.ts';
import type { OperationSpec, PathSpec, Produces } from './operations.ts';
import { nonResourcePath, resourceListPath, resourcePaths, v3Key } from './operations.ts';
import { PATH_PARAMS, QUERY_PARAMS } from './parameters.ts';
import { PRIMITIVES, type PropExt, type SchemaIndex, type TypeDef, type TypeRef } from './schema-model.ts';

export type Json = Record<string, unknown>;
type Flavour = 'v2' | 'v3';

const INFO = { title: 'Kubernetes', version: `v${KUBERNETES_VERSION.major}.${KUBERNETES_VERSION.minor}.0` };
const OBJECT_MIME = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const STREAM_MIME = ['application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
const PRODUCES: Record<Produces, string[]> = {
  object: OBJECT_MIME,
  list: [...OBJECT_MIME, ...STREAM_MIME],
  watch: [...OBJECT_MIME, ...STREAM_MIME],
  text: ['text/plain', ...OBJECT_MIME],
  connect: ['*/*'],
};
const PATCH_MIME = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];
const RESPONSE_TEXT: Record<string, string> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted',
  '401': 'Unauthorized',
};

const refPath = (flavour: Flavour, name: string): string =>
  flavour === 'v2' ? `#/definitions/${name}` : `#/components/schemas/${name}`;

function extensions(ext: PropExt | undefined): Json {
  const out: Json = {};
  if (!ext) return out;
  if (ext.listType) out['x-kubernetes-list-type'] = ext.listType;
  if (ext.mapKeys) out['x-kubernetes-list-map-keys'] = ext.mapKeys;
  if (ext.mapType) out['x-kubernetes-map-type'] = ext.mapType;
  if (ext.key) out['x-kubernetes-patch-merge-key'] = ext.key;
  if (ext.strategy) out['x-kubernetes-patch-strategy'] = ext.strategy;
  return out;
}

/** The schema of a type expression. In v3 a described reference is wrapped in allOf, as upstream does. */
function typeSchema(flavour: Flavour, t: TypeRef, nested: boolean): Json {
  switch (t.kind) {
    case 'primitive': {
      const p = PRIMITIVES[t.name]!;
      return p.format ? { type: p.type, format: p.format } : { type: p.type };
    }
    case 'ref':
      return flavour === 'v3' && nested
        ? { allOf: [{ $ref: refPath(flavour, t.name) }], default: {} }
        : { $ref: refPath(flavour, t.name) };
    case 'array':
      return { type: 'array', items: typeSchema(flavour, t.items, true) };
    case 'map':
      return { type: 'object', additionalProperties: typeSchema(flavour, t.values, true) };
  }
}

function propertySchema(flavour: Flavour, t: TypeRef, description: string, ext?: PropExt): Json {
  const schema: Json = { ...typeSchema(flavour, t, true), description };
  if (ext?.enum) schema.enum = ext.enum;
  if (ext?.format) schema.format = ext.format;
  return { ...sorted(schema), ...extensions(ext) };
}

function sorted(o: Json): Json {
  return Object.fromEntries(
    Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => [k, o[k]]),
  );
}

/** One definition rendered for v2 (`definitions`) or v3 (`components.schemas`). */
export function renderDefinition(index: SchemaIndex, def: TypeDef, flavour: Flavour): Json {
  if (def.primitive) {
    const out: Json = { description: def.description };
    if (flavour === 'v3' && def.primitive.v3OneOf)
      out.oneOf = def.primitive.v3OneOf.map((type) => ({ type }));
    else out.type = def.primitive.type;
    if (def.primitive.format) out.format = def.primitive.format;
    return sorted(out);
  }
  const properties: Json = {};
  for (const [field, [, description, ext]] of Object.entries(def.properties ?? {}).sort(([a], [b]) =>
    a < b ? -1 : 1,
  ))
    properties[field] = propertySchema(flavour, index.fieldType(def.name, field)!, description, ext);
  const out: Json = { description: def.description, properties, type: 'object' };
  if (def.required?.length) out.required = def.required;
  return {
    ...out,
    ...(def.extensions ?? {}),
    ...(def.gvk ? { 'x-kubernetes-group-version-kind': def.gvk } : {}),
  };
}

function collectRefs(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) for (const v of value) collectRefs(v, into);
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref' && typeof v === 'string') into.add(v.slice(v.lastIndexOf('/') + 1));
      else collectRefs(v, into);
    }
}

/** Definitions reachable from `roots`, rendered and sorted by name. */
function reachableDefinitions(index: SchemaIndex, roots: Set<string>, flavour: Flavour): Json {
  const out = new Map<string, Json>();
  const queue = [...roots];
  while (queue.length) {
    const name = queue.pop()!;
    if (out.has(name)) continue;
    const rendered = renderDefinition(index, index.get(name), flavour);
    out.set(name, rendered);
    const refs = new Set<string>();
    collectRefs(rendered, refs);
    queue.push(...refs);
  }
  return Object.fromEntries([...out.keys()].sort().map((k) => [k, out.get(k)]));
}

function v2Parameter(name: string, where: 'path' | 'query'): Json {
  if (where === 'path')
    return {
      description: PATH_PARAMS[name],
      in: 'path',
      name,
      required: true,
      type: 'string',
      uniqueItems: true,
    };
  const q = QUERY_PARAMS[name];
  if (!q) throw new Error(`unknown query parameter ${name}`);
  return sorted({
    description: q.description,
    in: 'query',
    name,
    type: q.type,
    format: q.format,
    uniqueItems: true,
  });
}

function v3Parameter(name: string, where: 'path' | 'query'): Json {
  if (where === 'path')
    return {
      description: PATH_PARAMS[name],
      in: 'path',
      name,
      required: true,
      schema: { type: 'string', uniqueItems: true },
    };
  const q = QUERY_PARAMS[name];
  if (!q) throw new Error(`unknown query parameter ${name}`);
  return {
    description: q.description,
    in: 'query',
    name,
    schema: sorted({ type: q.type, format: q.format, uniqueItems: true }),
  };
}

function operationExtensions(op: OperationSpec): Json {
  return {
    ...(op.action ? { 'x-kubernetes-action': op.action } : {}),
    ...(op.gvk ? { 'x-kubernetes-group-version-kind': op.gvk } : {}),
  };
}

function v2Operation(op: OperationSpec): Json {
  const parameters: Json[] = [];
  if (op.body)
    parameters.push({
      in: 'body',
      name: 'body',
      required: op.method !== 'delete',
      schema: { $ref: refPath('v2', op.body) },
    });
  parameters.push(...op.query.map((q) => v2Parameter(q, 'query')));
  const responses: Json = {};
  for (const [code, def] of Object.entries(op.responses))
    responses[code] =
      def === ''
        ? { description: RESPONSE_TEXT[code] }
        : {
            description: RESPONSE_TEXT[code],
            schema: def === 'string' ? { type: 'string' } : { $ref: refPath('v2', def) },
          };
  return {
    consumes: op.consumes === 'patch' ? PATCH_MIME : ['*/*'],
    description: op.description,
    operationId: op.operationId,
    ...(parameters.length ? { parameters } : {}),
    produces: PRODUCES[op.produces],
    responses,
    schemes: ['https'],
    tags: [op.tag],
    ...operationExtensions(op),
  };
}

function v3Operation(op: OperationSpec): Json {
  const out: Json = { description: op.description, operationId: op.operationId };
  if (op.query.length) out.parameters = op.query.map((q) => v3Parameter(q, 'query'));
  if (op.body) {
    const schema = { $ref: refPath('v3', op.body) };
    const mimes = op.consumes === 'patch' ? PATCH_MIME : ['*/*'];
    out.requestBody = {
      content: Object.fromEntries(mimes.map((m) => [m, { schema }])),
      ...(op.method === 'delete' ? {} : { required: true }),
    };
  }
  const responses: Json = {};
  for (const [code, def] of Object.entries(op.responses)) {
    if (def === '') {
      responses[code] = { description: RESPONSE_TEXT[code] };
      continue;
    }
    const schema = def === 'string' ? { type: 'string' } : { $ref: refPath('v3', def) };
    responses[code] = {
      content: Object.fromEntries(PRODUCES[op.produces].map((m) => [m, { schema }])),
      description: RESPONSE_TEXT[code],
    };
  }
  return { ...out, responses, tags: [op.tag], ...operationExtensions(op) };
}

function renderPaths(specs: PathSpec[], flavour: Flavour): Json {
  const paths: Json = {};
  for (const spec of [...specs].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const item: Json = {};
    for (const op of spec.operations) item[op.method] = flavour === 'v2' ? v2Operation(op) : v3Operation(op);
    const param = flavour === 'v2' ? v2Parameter : v3Parameter;
    const parameters = [
      ...spec.pathParams.map((p) => param(p, 'path')),
      ...spec.query.map((q) => param(q, 'query')),
    ];
    if (parameters.length) item.parameters = parameters;
    paths[spec.path] = item;
  }
  return paths;
}

function rootsOf(specs: PathSpec[]): Set<string> {
  const roots = new Set<string>();
  for (const spec of specs)
    for (const op of spec.operations) {
      if (op.body) roots.add(op.body);
      for (const def of Object.values(op.responses)) if (def && def !== 'string') roots.add(def);
    }
  return roots;
}

/** Every path of the served API, resource and non-resource. */
export function allPathSpecs(resources: readonly ResourceInfo[] = RESOURCES): Map<string, PathSpec[]> {
  const byDoc = new Map<string, PathSpec[]>();
  byDoc.set('api', [nonResourcePath('api')]);
  byDoc.set('apis', [nonResourcePath('apis')]);
  byDoc.set('version', [nonResourcePath('version')]);
  for (const gv of groupVersions(resources)) {
    if (gv.group && !byDoc.has(`apis/${gv.group}`))
      byDoc.set(`apis/${gv.group}`, [nonResourcePath('group', gv.group)]);
    const served = resources.filter((r) => r.group === gv.group && r.version === gv.version);
    byDoc.set(v3Key(gv), [resourceListPath(gv), ...served.flatMap(resourcePaths)]);
  }
  return byDoc;
}

const SECURITY_V2 = {
  securityDefinitions: {
    BearerToken: {
      description: 'Bearer Token authentication',
      in: 'header',
      name: 'authorization',
      type: 'apiKey',
    },
  },
  security: [{ BearerToken: [] }],
};

/** The Swagger 2.0 document served at /openapi/v2. */
export function buildOpenApiV2(index: SchemaIndex, resources: readonly ResourceInfo[] = RESOURCES): Json {
  const specs = [...allPathSpecs(resources).values()].flat();
  return {
    definitions: reachableDefinitions(index, rootsOf(specs), 'v2'),
    info: INFO,
    paths: renderPaths(specs, 'v2'),
    ...SECURITY_V2,
    swagger: '2.0',
  };
}

/** The OpenAPI 3.0 documents, keyed as in the /openapi/v3 index (api/v1, apis/<g>/<v>, ...). */
export function buildOpenApiV3(
  index: SchemaIndex,
  resources: readonly ResourceInfo[] = RESOURCES,
): Map<string, Json> {
  const docs = new Map<string, Json>();
  for (const [key, specs] of [...allPathSpecs(resources)].sort(([a], [b]) => (a < b ? -1 : 1)))
    docs.set(key, {
      components: {
        schemas: reachableDefinitions(index, rootsOf(specs), 'v3'),
        securitySchemes: {
          BearerToken: {
            description: 'Bearer Token authentication',
            in: 'header',
            name: 'authorization',
            type: 'apiKey',
          },
        },
      },
      info: INFO,
      openapi: '3.0.0',
      paths: renderPaths(specs, 'v3'),
      security: [{ BearerToken: [] }],
    });
  return docs;
}

export type { GroupVersion };
