// Unknown-field detection for fieldValidation=Strict|Warn, in the words of upstream's strict
// JSON decoder (sigs.k8s.io/json via apimachinery's serializer): one error per field the Go
// type does not have, `unknown field "spec.containers[0].foo"`, in the order the decoder meets
// them. What the apiserver does with them (apiserver/pkg/endpoints/handlers):
//   - create/update, Strict: 400 BadRequest,
//     `Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo", unknown field "x"`
//   - patch (strategic merge), Strict: 422 Invalid with one cause on field `patch` whose detail
//     is the `strict decoding error: ...` text;
//   - Warn (the default when the parameter is absent): the object is accepted, with one
//     `Warning: 299 - "unknown field \"spec.foo\""` header per error;
//   - Ignore: accepted, with neither.
// Accepted objects are stored without their unknown fields, which decoding into upstream's Go
// types drops (pruneUnknownFields).
// Duplicate fields (`duplicate field "data"`) need the request's text: strictDecodingErrors takes
// its tree (json-tree.ts) and reports both kinds in document order, as the decoder meets them.
import { JsonTreeArray, JsonTreeObject, type JsonTreeValue } from './json-tree.ts';
import type { Gvk, SchemaIndex, TypeDef, TypeRef } from './schema-model.ts';

/** A field path from the object's root: member names and array indices. */
type Segment = string | number;

interface Finding {
  problem: 'unknown field' | 'duplicate field';
  path: Segment[];
}

/**
 * The strict-decoding errors of `obj` against the schema of `kind` (a GVK or a definition
 * name), e.g. `['unknown field "spec.foo"', 'unknown field "x"']`. Returns [] when everything
 * is known or when the kind has no schema (nothing to compare against). Never mutates `obj`.
 */
export function unknownFields(schemas: SchemaIndex, kind: Gvk | string, obj: unknown): string[] {
  return messages(findings(schemas, kind, obj));
}

/**
 * The strict-decoding errors of a JSON document given as its tree (parseJsonTree): unknown and
 * duplicate fields in document order, each once, at most 100 (sigs.k8s.io/json's limits). As
 * upstream's decoder does, a repeated unknown field is reported as unknown only, and nothing
 * inside an unknown field is looked at.
 */
export function strictDecodingErrors(schemas: SchemaIndex, kind: Gvk | string, doc: JsonTreeValue): string[] {
  return messages(findings(schemas, kind, doc));
}

/**
 * `obj` without the fields the schema of `kind` does not have, as decoding into upstream's Go
 * types leaves it. Returns `obj` itself when nothing is unknown (or the kind has no schema),
 * otherwise a pruned copy; never mutates `obj`. Maps (labels, data, …) keep every key.
 */
export function pruneUnknownFields<T>(schemas: SchemaIndex, kind: Gvk | string, obj: T): T {
  const unknown = findings(schemas, kind, obj).filter((f) => f.problem === 'unknown field');
  if (unknown.length === 0) return obj;
  const pruned = structuredClone(obj);
  // Nothing inside an unknown field is visited, so no path found lies within another.
  for (const { path } of unknown) {
    let parent = pruned as unknown as Record<Segment, unknown>;
    for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<Segment, unknown>;
    delete parent[path.at(-1)!];
  }
  return pruned;
}

function findings(schemas: SchemaIndex, kind: Gvk | string, value: unknown): Finding[] {
  const def: TypeDef | undefined =
    typeof kind === 'string' ? schemas.byName.get(kind) : schemas.kindDefinition(kind);
  if (!def) return [];
  const found: Finding[] = [];
  walk(schemas, { kind: 'ref', name: def.name }, value, [], found);
  return found;
}

/**
 * Follows `value` (a parsed JSON value or a JSON tree) along its schema type, as the decoder
 * follows the Go type. Primitive definitions (Quantity, Time, IntOrString, FieldsV1) decode
 * themselves, so nothing inside them is checked.
 */
function walk(schemas: SchemaIndex, type: TypeRef, value: unknown, path: Segment[], found: Finding[]): void {
  switch (type.kind) {
    case 'primitive':
      return;
    case 'array':
      itemsOf(value)?.forEach((item, i) => walk(schemas, type.items, item, [...path, i], found));
      return;
    case 'map': {
      const seen = new Set<string>();
      for (const [key, item] of membersOf(value) ?? []) {
        if (seen.has(key)) found.push({ problem: 'duplicate field', path: [...path, key] });
        seen.add(key);
        walk(schemas, type.values, item, [...path, key], found);
      }
      return;
    }
    case 'ref': {
      const def = schemas.get(type.name);
      if (def.primitive) return;
      const seen = new Set<string>();
      for (const [field, item] of membersOf(value) ?? []) {
        const fieldType = schemas.fieldType(def.name, field);
        if (!fieldType) {
          found.push({ problem: 'unknown field', path: [...path, field] });
          continue;
        }
        if (seen.has(field)) found.push({ problem: 'duplicate field', path: [...path, field] });
        seen.add(field);
        walk(schemas, fieldType, item, [...path, field], found);
      }
    }
  }
}

function membersOf(value: unknown): Array<[string, unknown]> | undefined {
  if (value instanceof JsonTreeObject) return value.members;
  return isObject(value) ? Object.entries(value) : undefined;
}

function itemsOf(value: unknown): unknown[] | undefined {
  if (value instanceof JsonTreeArray) return value.items;
  return Array.isArray(value) ? value : undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** sigs.k8s.io/json's path form: `spec.containers[0].name`, a map key as one more member. */
function pathString(path: readonly Segment[]): string {
  let out = '';
  for (const segment of path)
    out += typeof segment === 'number' ? `[${segment}]` : out ? `.${segment}` : segment;
  return out;
}

/** The decoder keeps each distinct error once, and at most 100 of them. */
function messages(found: readonly Finding[]): string[] {
  const unique = new Set(found.map(({ problem, path }) => `${problem} ${JSON.stringify(pathString(path))}`));
  return [...unique].slice(0, 100);
}

/** `strict decoding error: unknown field "a", unknown field "b"` (runtime.strictDecodingError). */
export function strictDecodingMessage(errors: readonly string[]): string {
  return `strict decoding error: ${errors.join(', ')}`;
}

/** The 400 message for create/update under fieldValidation=Strict (handlers' transformDecodeError). */
export function cannotBeHandledMessage(gvk: Gvk, errors: readonly string[]): string {
  return `${gvk.kind} in version ${JSON.stringify(gvk.version)} cannot be handled as a ${gvk.kind}: ${strictDecodingMessage(errors)}`;
}

/** Warning header values for fieldValidation=Warn: `299 - "unknown field \"spec.foo\""`. */
export function fieldValidationWarnings(errors: readonly string[]): string[] {
  return errors.map((e) => `299 - ${JSON.stringify(e)}`);
}
