// Unknown-field detection for fieldValidation=Strict|Warn, in the words of upstream's strict
// JSON decoder (sigs.k8s.io/json via apimachinery's serializer): one error per field the Go
// type does not have, `unknown field "spec.containers[0].foo"`, in the order the decoder meets
// them. What the apiserver does with them (apiserver/pkg/endpoints/handlers):
//   - create/update, Strict: 400 BadRequest,
//     `Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo", unknown field "x"`
//   - patch (strategic merge), Strict: 422 Invalid with one cause on field `patch` whose detail
//     is the `strict decoding error: ...` text;
//   - Warn (the default when the parameter is absent): the object is accepted with the fields
//     dropped and one `Warning: 299 - "unknown field \"spec.foo\""` header per error;
//   - Ignore: nothing.
// Duplicate fields (`duplicate field "x"`) need the raw bytes and are not detected here.
import type { Gvk, SchemaIndex, TypeRef } from './schema-model.ts';

/**
 * The strict-decoding errors of `obj` against the schema of `kind` (a GVK or a definition
 * name), e.g. `['unknown field "spec.foo"', 'unknown field "x"']`. Returns [] when everything
 * is known or when the kind has no schema (nothing to compare against). Never mutates `obj`.
 */
export function unknownFields(schemas: SchemaIndex, kind: Gvk | string, obj: unknown): string[] {
  const def = typeof kind === 'string' ? schemas.byName.get(kind) : schemas.kindDefinition(kind);
  if (!def) return [];
  const found: string[] = [];
  walk(schemas, { kind: 'ref', name: def.name }, obj, '', found);
  return found.map((path) => `unknown field ${JSON.stringify(path)}`);
}

function walk(schemas: SchemaIndex, type: TypeRef, value: unknown, path: string, found: string[]): void {
  if (value === null || value === undefined) return;
  switch (type.kind) {
    case 'primitive':
      return;
    case 'array':
      if (Array.isArray(value))
        value.forEach((item, i) => walk(schemas, type.items, item, `${path}[${i}]`, found));
      return;
    case 'map':
      if (isObject(value))
        for (const [key, item] of Object.entries(value))
          walk(schemas, type.values, item, join(path, key), found);
      return;
    case 'ref': {
      const def = schemas.get(type.name);
      if (def.primitive || !isObject(value)) return;
      for (const [field, item] of Object.entries(value)) {
        const fieldType = schemas.fieldType(def.name, field);
        if (fieldType) walk(schemas, fieldType, item, join(path, field), found);
        else found.push(join(path, field));
      }
    }
  }
}

const join = (path: string, field: string): string => (path ? `${path}.${field}` : field);
const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

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
