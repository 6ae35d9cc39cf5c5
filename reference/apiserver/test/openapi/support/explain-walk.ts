// A model of `kubectl explain` (kubectl/pkg/explain/v2/templates/plaintext.tmpl) over one v3
// group/version document: find the GVK on the resource's operations, the schema carrying that
// GVK, then follow the field path through properties, items, additionalProperties and allOf.
import type { Json } from '../../../src/openapi/documents.ts';

export interface ExplainResult {
  gvk: Record<string, string>;
  /** The field's schema as written in its parent (before resolving $ref/allOf). */
  field?: Json;
  /** The resolved schema whose FIELDS kubectl would list. */
  resolved: Json;
  /** kubectl's type guess for the field: string, integer, Object, []Container, map[string]string, ... */
  typeGuess?: string;
}

const asJson = (v: unknown): Json | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined;

function resolveRef(doc: Json, schema: Json): Json {
  const ref = schema.$ref;
  if (typeof ref !== 'string') return schema;
  const name = ref.replace('#/components/schemas/', '');
  const target = asJson(asJson(asJson(doc.components)?.schemas)?.[name]);
  if (!target) throw new Error(`unresolved $ref ${ref}`);
  return target;
}

/** Like the template's `output`: descend one field, through items/additionalProperties/allOf. */
function descend(doc: Json, schema: Json, field: string): Json | undefined {
  const resolved = resolveRef(doc, schema);
  const props = asJson(resolved.properties);
  if (props && asJson(props[field])) return asJson(props[field]);
  for (const next of [
    asJson(resolved.items),
    asJson(resolved.additionalProperties),
    ...((resolved.allOf as Json[]) ?? []),
  ])
    if (next) {
      const found = descend(doc, next, field);
      if (found) return found;
    }
  return undefined;
}

/** The schema kubectl lists FIELDS of: follow $ref, a single allOf, items, additionalProperties. */
function listed(doc: Json, schema: Json): Json {
  const resolved = resolveRef(doc, schema);
  const allOf = resolved.allOf as Json[] | undefined;
  if (!resolved.properties && allOf?.length === 1) return listed(doc, allOf[0]!);
  const inner = asJson(resolved.items) ?? asJson(resolved.additionalProperties);
  return inner && !resolved.properties ? listed(doc, inner) : resolved;
}

export function typeGuess(doc: Json, schema: Json): string {
  if (asJson(schema.items)) return `[]${typeGuess(doc, asJson(schema.items)!)}`;
  if (asJson(schema.additionalProperties))
    return `map[string]${typeGuess(doc, asJson(schema.additionalProperties)!)}`;
  const allOf = schema.allOf as Json[] | undefined;
  if (allOf?.length === 1 && !schema.properties) return typeGuess(doc, allOf[0]!);
  if (typeof schema.$ref === 'string') {
    const target = resolveRef(doc, schema);
    if (!target.type || target.type === 'object') return schema.$ref.split('.').pop() ?? 'Object';
    return String(target.type);
  }
  return schema.type === 'object' || !schema.type ? 'Object' : String(schema.type);
}

/** Explains `resource` (plural) at `fieldPath` in a v3 document; throws where kubectl would fail. */
export function explain(doc: Json, prefix: string, resource: string, fieldPath: string[]): ExplainResult {
  const paths = asJson(doc.paths) ?? {};
  const candidates = [
    `${prefix}/${resource}`,
    `${prefix}/${resource}/{name}`,
    `${prefix}/namespaces/{namespace}/${resource}`,
    `${prefix}/namespaces/{namespace}/${resource}/{name}`,
  ];
  let gvk: Record<string, string> | undefined;
  for (const p of candidates)
    for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
      const op = asJson(asJson(paths[p])?.[method]);
      gvk ??= op?.['x-kubernetes-group-version-kind'] as Record<string, string> | undefined;
    }
  if (!gvk) throw new Error(`GVR ${prefix}/${resource} not found in OpenAPI schema`);
  const schemas = asJson(asJson(doc.components)?.schemas) ?? {};
  const root = Object.values(schemas)
    .map(asJson)
    .find((s) =>
      ((s?.['x-kubernetes-group-version-kind'] as Record<string, string>[] | undefined) ?? []).some(
        (g) => g.group === gvk!.group && g.version === gvk!.version && g.kind === gvk!.kind,
      ),
    );
  if (!root) throw new Error(`GVK ${JSON.stringify(gvk)} not found in OpenAPI schema`);
  let current: Json = root;
  let field: Json | undefined;
  for (const name of fieldPath) {
    field = descend(doc, current, name);
    if (!field) throw new Error(`field "${name}" does not exist`);
    current = field;
  }
  return {
    gvk,
    field,
    resolved: listed(doc, current),
    ...(field ? { typeGuess: typeGuess(doc, field) } : {}),
  };
}
