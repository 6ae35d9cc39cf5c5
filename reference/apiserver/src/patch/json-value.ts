// Decoded JSON values and the few Go-isms the patch code needs to reproduce upstream's error
// texts: how Go's encoding/json names a value's kind, how fmt's %v prints a decoded value, and
// what reflect.TypeOf says about it (the apiserver decodes with PreserveInts, so whole numbers are
// int64 and the rest float64).

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A deep copy; the patch functions work on copies so that their inputs are never mutated. */
export function cloneJson<T>(value: T): T {
  return structuredClone(value);
}

export function hasOwn(object: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(object, key);
}

/** Sets an own data property, also for the key "__proto__" (plain assignment would not). */
export function setOwn(object: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(object, key, { value, writable: true, enumerable: true, configurable: true });
}

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  }
  if (isJsonObject(a) && isJsonObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** The word Go's encoding/json uses for a value in "json: cannot unmarshal X into ...". */
export function goJsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value === 'object' ? 'object' : typeof value;
}

export const GO_MAP_TYPE = 'map[string]interface {}';
export const GO_SLICE_TYPE = '[]interface {}';

/** reflect.TypeOf(value).String() for a decoded value, as `%s` prints it (nil prints `%!s(<nil>)`). */
export function goTypeName(value: unknown): string {
  if (value === null || value === undefined) return '%!s(<nil>)';
  if (Array.isArray(value)) return GO_SLICE_TYPE;
  if (typeof value === 'object') return GO_MAP_TYPE;
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64';
  if (typeof value === 'boolean') return 'bool';
  return 'string';
}

/** fmt's `%v` of a decoded value: `map[a:1 b:[x y]]`, `<nil>`; map keys sorted as fmt sorts them. */
export function goFormat(value: unknown): string {
  if (value === null || value === undefined) return '<nil>';
  if (Array.isArray(value)) return `[${value.map(goFormat).join(' ')}]`;
  if (typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => `${k}:${goFormat((value as Record<string, unknown>)[k])}`);
    return `map[${entries.join(' ')}]`;
  }
  return String(value);
}
