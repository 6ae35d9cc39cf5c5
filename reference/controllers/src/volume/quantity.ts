// Storage quantities compared exactly, as upstream's resource.Quantity.Cmp does: `1Gi` and
// `1073741824` are equal, `1G` is smaller than `1Gi`. Values are kept as a rational (numerator over
// a power-of-ten denominator) in BigInt, so no size loses precision however large.

const BINARY: Record<string, bigint> = {
  Ki: 1n << 10n,
  Mi: 1n << 20n,
  Gi: 1n << 30n,
  Ti: 1n << 40n,
  Pi: 1n << 50n,
  Ei: 1n << 60n,
};
const DECIMAL_EXP: Record<string, number> = {
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

/** A quantity as `num / 10^scale` (scale ≥ 0). */
interface Exact {
  num: bigint;
  scale: number;
}

const QUANTITY = /^([+-]?)(\d+\.?\d*|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]))?$/;

function exact(text: string): Exact | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const [whole = '', frac = ''] = m[2]!.split('.');
  let num = BigInt((whole || '0') + frac);
  let scale = frac.length;
  if (m[1] === '-') num = -num;
  const suffix = m[4] ?? '';
  if (m[3]) {
    const e = Number(m[3].slice(1));
    if (e >= 0) num *= 10n ** BigInt(e);
    else scale -= e;
  } else if (BINARY[suffix]) {
    num *= BINARY[suffix]!;
  } else {
    const e = DECIMAL_EXP[suffix]!;
    if (e >= 0) num *= 10n ** BigInt(e);
    else scale -= e;
  }
  return { num, scale };
}

/** -1, 0 or 1 as `a` is smaller, equal or larger than `b`; a malformed or missing value counts as 0. */
export function compareQuantities(a: string | undefined, b: string | undefined): number {
  const x = (a && exact(a)) || { num: 0n, scale: 0 };
  const y = (b && exact(b)) || { num: 0n, scale: 0 };
  const scale = Math.max(x.scale, y.scale);
  const left = x.num * 10n ** BigInt(scale - x.scale);
  const right = y.num * 10n ** BigInt(scale - y.scale);
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The quantity in whole bytes (rounded up), for comparing with free disk space. */
export function quantityBytes(text: string | undefined): bigint {
  const q = (text && exact(text)) || { num: 0n, scale: 0 };
  const d = 10n ** BigInt(q.scale);
  return (q.num + d - 1n) / d;
}

/** Bytes in the largest binary unit that divides them exactly (`5Gi`, `1536Mi`, `7`). */
export function formatBytes(bytes: bigint): string {
  for (const unit of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki']) {
    const size = BINARY[unit]!;
    if (bytes >= size && bytes % size === 0n) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}
