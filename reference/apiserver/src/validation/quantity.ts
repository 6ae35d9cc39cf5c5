// Resource quantities ("500m", "1Gi", "2e3"): parsing, comparison and the canonical string
// upstream prints (and stores) for them. Values are exact: mantissa × 10^exponent in BigInt.
// Source: k8s.io/apimachinery/pkg/api/resource/{quantity,amount,suffix}.go.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** value = mantissa × 10^exponent */
  mantissa: bigint;
  exponent: number;
  format: QuantityFormat;
}

/** resource.ErrFormatWrong */
export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const NUMERIC_ERROR = 'unable to parse numeric part of quantity';
const SUFFIX_ERROR = "unable to parse quantity's suffix";

const DECIMAL_SUFFIXES: Record<string, number> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIXES: Record<string, number> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const MAX_EXPONENT_DIGITS = 4;

/** Parses a quantity; returns the upstream error text instead of throwing on bad input. */
export function parseQuantity(input: unknown): Quantity | { error: string } {
  let s: string;
  if (typeof input === 'number' && Number.isFinite(input)) s = String(input);
  else if (typeof input === 'string') s = input.trim();
  else return { error: QUANTITY_FORMAT_ERROR };
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?([eEinumkKMGTP]*[-+]?[0-9]*)$/.exec(s);
  if (!m || s.length === 0) return { error: QUANTITY_FORMAT_ERROR };
  const [, sign = '', whole = '', frac = '', suffix = ''] = m;
  if (whole.length === 0 && frac.length === 0)
    return { error: s.includes('.') ? NUMERIC_ERROR : QUANTITY_FORMAT_ERROR };
  let mantissa = BigInt((whole || '0') + frac);
  if (sign === '-') mantissa = -mantissa;
  let exponent = -frac.length;
  let format: QuantityFormat;
  if (suffix in DECIMAL_SUFFIXES) {
    format = 'DecimalSI';
    exponent += DECIMAL_SUFFIXES[suffix] ?? 0;
  } else if (suffix in BINARY_SUFFIXES) {
    format = 'BinarySI';
    mantissa *= 1024n ** BigInt(BINARY_SUFFIXES[suffix] ?? 0);
  } else {
    const e = /^[eE]([-+]?[0-9]+)$/.exec(suffix);
    if (!e || (e[1] ?? '').replace(/^[-+]/, '').length > MAX_EXPONENT_DIGITS) return { error: SUFFIX_ERROR };
    format = 'DecimalExponent';
    exponent += Number(e[1]);
  }
  return { mantissa, exponent, format };
}

export const isQuantity = (q: Quantity | { error: string }): q is Quantity => !('error' in q);

/** Parses and returns undefined for bad input (validators see decoded values only). */
export function quantityOf(input: unknown): Quantity | undefined {
  const q = parseQuantity(input);
  return isQuantity(q) ? q : undefined;
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

/** -1, 0 or 1, like Quantity.Cmp. */
export function compareQuantities(a: Quantity, b: Quantity): number {
  const e = Math.min(a.exponent, b.exponent);
  const x = a.mantissa * pow10(a.exponent - e);
  const y = b.mantissa * pow10(b.exponent - e);
  return x < y ? -1 : x > y ? 1 : 0;
}

export const isNegative = (q: Quantity): boolean => q.mantissa < 0n;
export const isZeroQuantity = (q: Quantity): boolean => q.mantissa === 0n;

/** Quantity.Value(): rounded up (away from zero) to an integer. */
export function quantityValue(q: Quantity): bigint {
  if (q.exponent >= 0) return q.mantissa * pow10(q.exponent);
  const d = pow10(-q.exponent);
  const t = q.mantissa / d;
  return q.mantissa % d === 0n ? t : q.mantissa > 0n ? t + 1n : t - 1n;
}

/** Quantity.MilliValue() % 1000 == 0: whether the quantity is a whole number. */
export function isWholeNumber(q: Quantity): boolean {
  return q.exponent >= 0 || q.mantissa % pow10(-q.exponent) === 0n;
}

/** RoundUp(-3), as SetDefaults_ResourceList does: no precision below milli-units. */
export function roundUpToMilli(q: Quantity): Quantity {
  if (q.exponent >= -3) return q;
  const d = pow10(-3 - q.exponent);
  let m = q.mantissa / d;
  if (q.mantissa % d !== 0n) m += q.mantissa > 0n ? 1n : -1n;
  return { mantissa: m, exponent: -3, format: q.format };
}

const DECIMAL_SUFFIX_BY_EXPONENT = new Map(Object.entries(DECIMAL_SUFFIXES).map(([k, v]) => [v, k]));
const BINARY_SUFFIX_BY_POWER = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Quantity.String() after defaulting: `0.5` → `500m`, `1024Mi` → `1Gi`, `1000m` → `1`. */
export function canonicalQuantity(input: Quantity): string {
  const q = roundUpToMilli(input);
  if (q.mantissa === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const lo = { mantissa: -1024n, exponent: 0, format } as Quantity;
    const hi = { mantissa: 1024n, exponent: 0, format } as Quantity;
    if (compareQuantities(q, lo) > 0 && compareQuantities(q, hi) < 0) format = 'DecimalSI';
    else if (!isWholeNumber(q)) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let n = quantityValue(q);
    let power = 0;
    while (n % 1024n === 0n && power < BINARY_SUFFIX_BY_POWER.length - 1) {
      n /= 1024n;
      power++;
    }
    return `${n}${BINARY_SUFFIX_BY_POWER[power] ?? ''}`;
  }
  let m = q.mantissa;
  let e = q.exponent;
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  const r = ((e % 3) + 3) % 3;
  m *= pow10(r);
  e -= r;
  if (format === 'DecimalSI') {
    const suffix = DECIMAL_SUFFIX_BY_EXPONENT.get(e);
    if (suffix !== undefined) return `${m}${suffix}`;
  }
  return e === 0 ? `${m}` : `${m}e${e}`;
}

/** The canonical string of a raw JSON quantity, or the input unchanged when it does not parse. */
export function canonicalQuantityText(input: unknown): unknown {
  const q = quantityOf(input);
  return q ? canonicalQuantity(q) : input;
}
