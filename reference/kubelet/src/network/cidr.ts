// IPv4 CIDR arithmetic for the pod range: pure functions, unit-tested without a host.

export interface Ipv4Cidr {
  /** The network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

export function parseIpv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new Error(`"${text}" is not an IPv4 address`);
  }
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0);
}

export function formatIpv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Parses `a.b.c.d/n`; host bits must be zero, so a typo does not silently pick another range. */
export function parseCidr(text: string): Ipv4Cidr {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(text);
  if (!match) throw new Error(`"${text}" is not an IPv4 CIDR (a.b.c.d/n)`);
  const base = parseIpv4(match[1]!);
  const prefix = Number(match[2]);
  if (prefix > 32) throw new Error(`"${text}": prefix length ${prefix} is over 32`);
  if (base % 2 ** (32 - prefix) !== 0) {
    throw new Error(
      `"${text}" has host bits set; did you mean ${formatCidr({ base: mask(base, prefix), prefix })}?`,
    );
  }
  return { base, prefix };
}

export function formatCidr(cidr: Ipv4Cidr): string {
  return `${formatIpv4(cidr.base)}/${cidr.prefix}`;
}

function mask(value: number, prefix: number): number {
  const size = 2 ** (32 - prefix);
  return value - (value % size);
}

export function cidrContains(cidr: Ipv4Cidr, address: string): boolean {
  return mask(parseIpv4(address), cidr.prefix) === cidr.base;
}

/**
 * The `index`-th subnet of length `sliceprefix` inside `range`: node i of 10.244.0.0/16 gets
 * 10.244.i.0/24. Throws when the range has no such slice.
 */
export function sliceCidr(range: string, index: number, slicePrefix = 24): string {
  const parent = parseCidr(range);
  if (slicePrefix < parent.prefix || slicePrefix > 30) {
    throw new Error(`cannot cut /${slicePrefix} slices out of ${range}`);
  }
  const count = 2 ** (slicePrefix - parent.prefix);
  if (!Number.isInteger(index) || index < 0 || index >= count) {
    throw new Error(`slice index ${index} is outside ${range}, which holds ${count} /${slicePrefix} slices`);
  }
  return formatCidr({ base: parent.base + index * 2 ** (32 - slicePrefix), prefix: slicePrefix });
}

/** The first usable address of a subnet: the bridge's gateway address (10.244.1.0/24 → 10.244.1.1). */
export function firstHost(cidr: string): string {
  return formatIpv4(parseCidr(cidr).base + 1);
}
