// Reading plain-JSON objects the way Go reads decoded structs: a missing, null or wrongly typed
// field reads as the zero value. Validators use these so that no input can make them throw; the
// wrong types themselves are reported by types-check.ts before validation runs.

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object, or `{}` for anything else (Go's zero struct). */
export const obj = (v: unknown): Obj => (isObj(v) ? v : {});

/** The array, or `[]` for anything else (Go's nil slice). */
export const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The string, or `''`. */
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A finite number, or 0 (Go's zero int). */
export const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

/** Whether a pointer-typed field is set (Go: non-nil). */
export const isSet = (v: unknown): boolean => v !== undefined && v !== null;

/** A `map[string]string`: entries whose value is not a string read as `''`. */
export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v))) out[k] = str(val);
  return out;
}

/** A `[]string`: non-string entries read as `''`. */
export const strList = (v: unknown): string[] => list(v).map(str);

/** Go's `len(s)` for a string: UTF-8 bytes, not UTF-16 units. */
export const byteLen = (s: string): number => Buffer.byteLength(s, 'utf8');

/**
 * A deep copy of a JSON value (pure functions copy before they change anything). Plain objects
 * and arrays are copied by hand, several times faster than structuredClone on a busy apiserver;
 * anything else that is not a primitive (a Date, a Buffer) goes to structuredClone.
 */
export function clone<T>(v: T): T {
  if (typeof v !== 'object' || v === null) return v;
  if (Array.isArray(v)) return v.map(clone) as T;
  const proto = Object.getPrototypeOf(v) as unknown;
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    const value = clone((v as Record<string, unknown>)[key]);
    // A "__proto__" key from a request body stays data, as structuredClone keeps it.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
    else out[key] = value;
  }
  return out as T;
}

/** Go's zero value test on an untyped JSON value (what `omitempty` would drop). */
function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isObj(v)) return Object.keys(v).length === 0;
  return false;
}

/** Drops zero values recursively, so `{a: []}` and `{}` compare equal as upstream's structs do. */
export function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (isObj(v)) {
    const out: Obj = {};
    for (const k of Object.keys(v).sort()) {
      const n = normalize(v[k]);
      if (!isZero(n)) out[k] = n;
    }
    return out;
  }
  return v;
}

/**
 * apiequality.Semantic.DeepEqual approximated on JSON: nil and empty slices/maps are equal, and
 * a field left out equals its zero value (true for non-pointer Go fields).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a) ?? null) === JSON.stringify(normalize(b) ?? null);
}

/**
 * A short diff of two JSON values, one line per changed leaf (`- path: old` / `+ path: new`).
 * Upstream prints a go-cmp diff of the Go structs here; this keeps its shape (a typed header and
 * +/- lines) but not its exact text, which depends on Go's type names and layout.
 */
export function describeDiff(typeName: string, before: unknown, after: unknown): string {
  const lines: string[] = [];
  const walk = (path: string, a: unknown, b: unknown): void => {
    if (semanticEqual(a, b)) return;
    if (isObj(a) && isObj(b)) {
      for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        walk(path ? `${path}.${k}` : k, a[k], b[k]);
      }
      return;
    }
    if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
      a.forEach((e, i) => walk(`${path}[${i}]`, e, b[i]));
      return;
    }
    if (!isZero(normalize(a))) lines.push(`- \t${path}: ${JSON.stringify(normalize(a))}`);
    if (!isZero(normalize(b))) lines.push(`+ \t${path}: ${JSON.stringify(normalize(b))}`);
  };
  walk('', before, after);
  return [`  ${typeName}{`, ...lines, '  }', ''].join('\n');
}
