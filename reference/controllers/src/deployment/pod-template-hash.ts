// The pod-template-hash a Deployment gives the ReplicaSet of each template (ComputeHash in
// pkg/controller/controller_utils.go): FNV-32a over the template, then the collision count as
// 8 little-endian bytes when set, printed as a decimal and encoded with rand.SafeEncodeString.
// Upstream hashes Go's spew dump of the struct, which only Go can reproduce; this hashes the
// template's canonical JSON (keys sorted) instead. The value is only ever compared with itself:
// which ReplicaSet belongs to a template is decided by comparing templates (equalIgnoreHash).
import type * as k8s from '@kubernetes/client-node';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';
/** rand.SafeEncodeString's alphabet: no vowels (no words), no confusable characters. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** JSON with object keys sorted at every level, so equal templates hash alike. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** FNV-1a, 32 bits, over bytes. */
export function fnv32a(bytes: Uint8Array, seed = 0x811c9dc5): number {
  let hash = seed >>> 0;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** rand.SafeEncodeString: each byte of `s` picks a letter of ALPHANUMS. */
export function safeEncodeString(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) out += ALPHANUMS[byte % ALPHANUMS.length];
  return out;
}

export function computeHash(template: k8s.V1PodTemplateSpec | undefined, collisionCount?: number): string {
  let hash = fnv32a(Buffer.from(canonicalJson(template ?? {}), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = Buffer.alloc(8);
    bytes.writeUInt32LE(collisionCount >>> 0, 0);
    hash = fnv32a(bytes, hash);
  }
  return safeEncodeString(String(hash));
}
