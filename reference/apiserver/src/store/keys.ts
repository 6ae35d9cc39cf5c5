// Key order and key ranges shared by the store backends. etcd orders keys by their UTF-8 bytes;
// JavaScript compares strings by UTF-16 code units, which differs only where a surrogate pair
// (a code point above U+FFFF) meets a code unit in U+E000..U+FFFF. compareKeys fixes that case so
// both backends list keys in the same order.

/** Negative, zero or positive as `a` sorts before, equal to or after `b` in UTF-8 byte order. */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return byteOrderRank(x) - byteOrderRank(y);
  }
  return a.length - b.length;
}

// Surrogates (code points >= U+10000) move above U+E000..U+FFFF; everything else keeps its place.
function byteOrderRank(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit <= 0xdfff ? unit + 0x2000 : unit - 0x800;
}

/** Index of the first element of the sorted `keys` that is >= `key`. */
export function lowerBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareKeys(keys[mid]!, key) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The smallest key a range starting at `prefix` and strictly after `startAfter` may return:
 * `startAfter + "\0"` when that lies inside or past the prefix, else the prefix itself.
 */
export function rangeStart(prefix: string, startAfter: string | undefined): string {
  if (startAfter === undefined) return prefix;
  const next = startAfter + '\0';
  return compareKeys(next, prefix) > 0 ? next : prefix;
}

/**
 * etcd's range end for a prefix: the prefix with its last byte below 0xff incremented and what
 * follows dropped; a single zero byte ("every key") when no such byte exists.
 */
export function prefixRangeEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}
