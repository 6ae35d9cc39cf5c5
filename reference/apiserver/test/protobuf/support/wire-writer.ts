// A protobuf wire-format writer for tests: builds the bodies the decoder is tested against, field
// by field, including ones no well-behaved client would send (bad wire types, truncations).

export type WireField =
  | { no: number; varint: bigint | number | boolean }
  | { no: number; bytes: Uint8Array | string | WireField[] }
  | { no: number; fixed32: number }
  | { no: number; fixed64: bigint }
  | { no: number; wireType: number; raw: number[] };

export function varint(value: bigint | number | boolean): number[] {
  let v = BigInt.asUintN(64, BigInt(typeof value === 'boolean' ? Number(value) : value));
  const out: number[] = [];
  do {
    let byte = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) byte |= 0x80;
    out.push(byte);
  } while (v > 0n);
  return out;
}

const tag = (no: number, wireType: number) => varint((BigInt(no) << 3n) | BigInt(wireType));

/** Encodes fields in the order given. */
export function message(fields: WireField[]): Uint8Array {
  const out: number[] = [];
  for (const field of fields) {
    if ('varint' in field) out.push(...tag(field.no, 0), ...varint(field.varint));
    else if ('fixed32' in field) {
      const b = Buffer.alloc(4);
      b.writeUInt32LE(field.fixed32);
      out.push(...tag(field.no, 5), ...b);
    } else if ('fixed64' in field) {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(field.fixed64);
      out.push(...tag(field.no, 1), ...b);
    } else if ('raw' in field) out.push(...tag(field.no, field.wireType), ...field.raw);
    else {
      const payload =
        typeof field.bytes === 'string'
          ? Buffer.from(field.bytes, 'utf8')
          : Array.isArray(field.bytes)
            ? message(field.bytes)
            : field.bytes;
      out.push(...tag(field.no, 2), ...varint(payload.length), ...payload);
    }
  }
  return Uint8Array.from(out);
}

/** The `k8s\x00` prefix and a runtime.Unknown envelope around `raw`. */
export function envelope(apiVersion: string, kind: string, raw: WireField[] | Uint8Array): Buffer {
  const unknown = message([
    {
      no: 1,
      bytes: [
        { no: 1, bytes: apiVersion },
        { no: 2, bytes: kind },
      ],
    },
    { no: 2, bytes: raw instanceof Uint8Array ? raw : message(raw) },
    { no: 3, bytes: '' },
    { no: 4, bytes: '' },
  ]);
  return Buffer.concat([Buffer.from('k8s\x00', 'latin1'), unknown]);
}

/** A map entry {key=1, value=2} as go-to-protobuf writes map fields. */
export const entry = (no: number, key: string, value: string | Uint8Array | WireField[]): WireField => ({
  no,
  bytes: [
    { no: 1, bytes: key },
    { no: 2, bytes: value },
  ],
});
