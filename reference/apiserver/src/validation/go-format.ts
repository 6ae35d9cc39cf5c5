// How upstream prints a field error's bad value. Upstream formats values with Go's fmt verbs
// (`%q` for strings, `%v` for numbers and booleans, `%#v` for everything else), so the messages a
// client reads depend on Go's printing rules; this file reproduces the ones our values reach.
// Source: k8s.io/apimachinery/pkg/util/validation/field/errors.go (ErrorBody), Go's strconv.Quote.

/**
 * A value whose Go representation is known up front: a `%#v` of a typed Go value (a
 * `[]string{...}`, a struct) or what a `String()` method prints. Printed verbatim.
 */
export class GoRepr {
  constructor(readonly repr: string) {}
  toString(): string {
    return this.repr;
  }
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const NAMED_ESCAPES: Record<number, string> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
};

/** Go's `strconv.Quote` (what `%q` prints for a string). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    let cp = ch.codePointAt(0) ?? 0;
    // A lone surrogate cannot come out of Go's JSON decoder: it decodes it as U+FFFD.
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    const c = String.fromCodePoint(cp);
    if (cp === 0x22 || cp === 0x5c) out += '\\' + c;
    else if (PRINTABLE.test(c)) out += c;
    else if (NAMED_ESCAPES[cp] !== undefined) out += NAMED_ESCAPES[cp];
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

/** Go's `%v` for a float64: shortest digits, `%e` form when the exponent is < -4 or >= 6. */
export function goFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mantissa = '0', expText = '0'] = x.toExponential().split('e');
  const exp = Number(expText);
  // For the shortest representation Go decides with precision 6 (strconv/ftoa.go, %g).
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    return `${mantissa}e${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  return String(x);
}

/** A JSON number as upstream prints it: integers as Go ints, other values as Go float64s. */
export function goNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return BigInt(n).toString();
  return goFloat(n);
}

/** `%#v` of a `[]string` (nil prints as `[]string(nil)`). */
export function goStringSlice(values: readonly string[] | null | undefined, type = '[]string'): GoRepr {
  if (values === null || values === undefined) return new GoRepr(`${type}(nil)`);
  return new GoRepr(`${type}{${values.map(goQuote).join(', ')}}`);
}

/** `%#v` of a `map[string]string`: Go prints map keys sorted; nil prints as `map[string]string(nil)`. */
export function goStringMap(
  map: Readonly<Record<string, string>> | null | undefined,
  type = 'map[string]string',
): GoRepr {
  if (map === null || map === undefined) return new GoRepr(`${type}(nil)`);
  const keys = Object.keys(map).sort();
  return new GoRepr(`${type}{${keys.map((k) => `${goQuote(k)}:${goQuote(map[k] ?? '')}`).join(', ')}}`);
}

/** A best-effort `%#v` for an untyped JSON value (the typed cases use GoRepr). */
function goSharpV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof GoRepr) return v.repr;
  if (Array.isArray(v)) {
    if (v.every((e) => typeof e === 'string')) return goStringSlice(v as string[]).repr;
    return `[]interface {}{${v.map(goSharpV).join(', ')}}`;
  }
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.every(([, e]) => typeof e === 'string')) {
      return goStringMap(v as Record<string, string>).repr;
    }
    const keys = entries.map(([k]) => k).sort();
    const body = keys.map((k) => `${goQuote(k)}:${goSharpV((v as Record<string, unknown>)[k])}`);
    return `map[string]interface {}{${body.join(', ')}}`;
  }
  return String(v);
}

/**
 * What follows `Invalid value: ` in an upstream message. A nil value prints as `"null"` (upstream
 * replaces it by the string "null" and then quotes it), strings are `%q`-quoted, numbers and
 * booleans bare, GoRepr values verbatim, other values with a `%#v` approximation.
 */
export function formatBadValue(v: unknown): string {
  if (v === null || v === undefined) return '"null"';
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'bigint') return v.toString();
  return goSharpV(v);
}
