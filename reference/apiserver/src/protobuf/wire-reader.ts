// A reader for the protobuf wire format (https://protobuf.dev/programming-guides/encoding/): just
// what decoding Kubernetes' proto2 messages needs — tags, varints up to 64 bits, length-delimited
// fields, and skipping fixed32/fixed64 fields it does not know. Groups (wire types 3 and 4) are
// long deprecated and never produced by go-to-protobuf, so they are refused rather than skipped.

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

export const WIRE_TYPE_NAMES: Record<number, string> = {
  0: 'varint',
  1: 'fixed64',
  2: 'length-delimited',
  3: 'start-group',
  4: 'end-group',
  5: 'fixed32',
};

/** Why a byte sequence is not a well-formed protobuf message; `offset` is where reading stopped. */
export class WireFormatError extends Error {
  constructor(
    readonly reason: 'Truncated' | 'Malformed',
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'WireFormatError';
  }
}

export interface Tag {
  fieldNumber: number;
  wireType: WireType;
}

const MAX_FIELD_NUMBER = 2 ** 29 - 1;

/** Reads one message's bytes front to back. Never copies: byte fields are views on the input. */
export class WireReader {
  private pos = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get offset(): number {
    return this.pos;
  }

  get done(): boolean {
    return this.pos >= this.bytes.length;
  }

  readTag(): Tag {
    const start = this.pos;
    const key = this.readVarint();
    const wireType = Number(key & 7n);
    const fieldNumber = Number(key >> 3n);
    if (fieldNumber < 1 || fieldNumber > MAX_FIELD_NUMBER) {
      throw new WireFormatError('Malformed', `invalid field number ${fieldNumber} at offset ${start}`, start);
    }
    if (wireType > 5) {
      throw new WireFormatError('Malformed', `invalid wire type ${wireType} at offset ${start}`, start);
    }
    return { fieldNumber, wireType: wireType as WireType };
  }

  /** An unsigned varint of up to 64 bits (ten bytes at most), as a bigint. */
  readVarint(): bigint {
    const start = this.pos;
    // Seven bits per byte; the low 28 bits are gathered as a number and the rest as a bigint so
    // that the common one- and two-byte varints cost no bigint arithmetic beyond one conversion.
    let low = 0;
    let high = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.bytes.length) {
        throw new WireFormatError('Truncated', `truncated varint at offset ${start}`, start);
      }
      const byte = this.bytes[this.pos++]!;
      if (i < 4) low |= (byte & 0x7f) << (7 * i);
      else high |= BigInt(byte & 0x7f) << BigInt(7 * i - 28);
      if ((byte & 0x80) === 0) {
        if (i === 9 && byte > 1) break; // more than 64 bits
        return BigInt(low >>> 0) | (high << 28n);
      }
    }
    throw new WireFormatError('Malformed', `varint longer than 64 bits at offset ${start}`, start);
  }

  /** The payload of a length-delimited field. */
  readLengthDelimited(): Uint8Array {
    const start = this.pos;
    const length = this.readVarint();
    const remaining = this.bytes.length - this.pos;
    if (length > BigInt(remaining)) {
      throw new WireFormatError(
        'Truncated',
        `truncated message: length at offset ${start} declares ${length} bytes but ${remaining} remain`,
        start,
      );
    }
    const end = this.pos + Number(length);
    const view = this.bytes.subarray(this.pos, end);
    this.pos = end;
    return view;
  }

  /** Passes over one field's value of the given wire type, as a decoder does with unknown fields. */
  skip(wireType: WireType): void {
    switch (wireType) {
      case WireType.Varint:
        this.readVarint();
        return;
      case WireType.Fixed64:
        this.advance(8);
        return;
      case WireType.LengthDelimited:
        this.readLengthDelimited();
        return;
      case WireType.Fixed32:
        this.advance(4);
        return;
      default:
        throw new WireFormatError(
          'Malformed',
          `unsupported wire type ${wireType} (${WIRE_TYPE_NAMES[wireType]}) at offset ${this.pos}`,
          this.pos,
        );
    }
  }

  private advance(count: number): void {
    if (this.pos + count > this.bytes.length) {
      throw new WireFormatError(
        'Truncated',
        `truncated message: ${count}-byte fixed field at offset ${this.pos} but ${this.bytes.length - this.pos} remain`,
        this.pos,
      );
    }
    this.pos += count;
  }
}
