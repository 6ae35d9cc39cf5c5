// Decodes a protobuf message by its field table and prints it as Go's encoding/json would print the
// Go struct gogo-protobuf fills from the same bytes: this is exactly the JSON body the client would
// have sent had it chosen JSON. Reading follows gogo's generated Unmarshal: unknown field numbers
// are skipped, a known number with the wrong wire type is an error, a repeated occurrence of a
// single message field merges into the first, scalars and map keys keep the last value, repeated
// numbers accept both packed and unpacked encodings.
import type { FieldSpec, MessageTable, ValueType } from './field-table.ts';
import { ProtobufDecodeError } from './protobuf-decode-error.ts';
import { WIRE_TYPE_NAMES, WireFormatError, WireReader, WireType } from './wire-reader.ts';

/** A message as read: field number → value (an array for repeated fields, a Map for maps). */
export type DecodedMessage = Map<number, unknown>;

/** Go's zero time, 0001-01-01T00:00:00Z, in Unix seconds: time.Unix of it is IsZero(). */
const GO_ZERO_TIME_SECONDS = -62135596800;
const MAX_RFC3339_SECONDS = 253402300799; // 9999-12-31T23:59:59Z

export class MessageDecoder {
  constructor(private readonly tables: ReadonlyMap<string, MessageTable>) {}

  table(name: string): MessageTable {
    const table = this.tables.get(name);
    if (!table) throw new Error(`no field table for message ${name}`);
    return table;
  }

  /** Reads `bytes` as message `name`; `path` names it in error messages (e.g. `Pod.spec`). */
  decode(bytes: Uint8Array, name: string, path = name): DecodedMessage {
    return this.decodeInto(new Map(), bytes, this.table(name), path);
  }

  /** The JSON object Go would print for a decoded message of table `name`. */
  toJson(message: DecodedMessage, name: string): Record<string, unknown> {
    const table = this.table(name);
    const out: Record<string, unknown> = {};
    for (const field of table.fields) {
      const value = message.get(field.number);
      if (field.inline) {
        Object.assign(
          out,
          this.toJson((value as DecodedMessage | undefined) ?? new Map(), messageName(field)),
        );
      } else if (field.shape === 'repeated') {
        const list = (value as unknown[] | undefined) ?? [];
        if (list.length > 0) out[field.json] = list.map((v) => this.valueToJson(v, field.value));
        else if (field.always) out[field.json] = null; // a nil slice
      } else if (field.shape === 'map') {
        const map = (value as Map<string, unknown> | undefined) ?? new Map<string, unknown>();
        if (map.size > 0) {
          const obj: Record<string, unknown> = {};
          for (const key of [...map.keys()].sort()) obj[key] = this.valueToJson(map.get(key), field.value);
          out[field.json] = obj;
        } else if (field.always) out[field.json] = null;
      } else if (field.pointer) {
        if (message.has(field.number)) out[field.json] = this.valueToJson(value, field.value);
        else if (field.always) out[field.json] = null; // a nil pointer without omitempty
      } else {
        const present = message.has(field.number) ? value : zeroValue(field.value);
        // omitempty never omits a struct, so messages and the special types are always printed.
        if (field.value.kind === 'scalar' && !field.always && isEmptyScalar(present)) continue;
        out[field.json] = this.valueToJson(present, field.value);
      }
    }
    return out;
  }

  private valueToJson(value: unknown, type: ValueType): unknown {
    if (type.kind === 'message') return this.toJson(value as DecodedMessage, type.message);
    if (type.kind === 'scalar' && type.scalar === 'bytes')
      return Buffer.from(value as Uint8Array).toString('base64');
    return value; // scalars and the special types are stored in their JSON form
  }

  private decodeInto(
    out: DecodedMessage,
    bytes: Uint8Array,
    table: MessageTable,
    path: string,
  ): DecodedMessage {
    const reader = new WireReader(bytes);
    try {
      while (!reader.done) {
        const tag = reader.readTag();
        const field = table.byNumber.get(tag.fieldNumber);
        if (!field) {
          reader.skip(tag.wireType);
          continue;
        }
        this.readField(reader, tag.wireType, field, out, `${path}.${field.json}`, table.name);
      }
    } catch (err) {
      if (err instanceof WireFormatError)
        throw new ProtobufDecodeError(err.reason, `${err.message} (in ${path})`);
      throw err;
    }
    return out;
  }

  private readField(
    reader: WireReader,
    wireType: WireType,
    field: FieldSpec,
    out: DecodedMessage,
    path: string,
    messageName: string,
  ): void {
    const expected = wireTypeOf(field.value);
    if (field.shape === 'repeated') {
      const list = (out.get(field.number) as unknown[] | undefined) ?? [];
      out.set(field.number, list);
      if (expected === WireType.Varint && wireType === WireType.LengthDelimited) {
        const packed = new WireReader(reader.readLengthDelimited());
        while (!packed.done) list.push(this.readValue(packed, field.value, `${path}[${list.length}]`));
        return;
      }
      checkWireType(wireType, expected, field, messageName);
      list.push(this.readValue(reader, field.value, `${path}[${list.length}]`));
    } else if (field.shape === 'map') {
      checkWireType(wireType, WireType.LengthDelimited, field, messageName);
      const map = (out.get(field.number) as Map<string, unknown> | undefined) ?? new Map<string, unknown>();
      out.set(field.number, map);
      const [key, value] = this.readMapEntry(reader.readLengthDelimited(), field, path);
      map.set(key, value);
    } else {
      checkWireType(wireType, expected, field, messageName);
      const existing = out.get(field.number);
      if (field.value.kind === 'message' && existing instanceof Map) {
        this.decodeInto(existing, reader.readLengthDelimited(), this.table(field.value.message), path);
      } else {
        out.set(field.number, this.readValue(reader, field.value, path));
      }
    }
  }

  private readMapEntry(bytes: Uint8Array, field: FieldSpec, path: string): [string, unknown] {
    const reader = new WireReader(bytes);
    let key = '';
    let value: unknown = zeroValue(field.value);
    try {
      while (!reader.done) {
        const tag = reader.readTag();
        if (tag.fieldNumber === 1) {
          checkWireType(
            tag.wireType,
            WireType.LengthDelimited,
            { ...field, json: `${field.json} key` },
            'map',
          );
          key = this.readValue(reader, { kind: 'scalar', scalar: 'string' }, path) as string;
        } else if (tag.fieldNumber === 2) {
          checkWireType(
            tag.wireType,
            wireTypeOf(field.value),
            { ...field, json: `${field.json} value` },
            'map',
          );
          value = this.readValue(reader, field.value, `${path}[${JSON.stringify(key)}]`);
        } else {
          reader.skip(tag.wireType);
        }
      }
    } catch (err) {
      if (err instanceof WireFormatError)
        throw new ProtobufDecodeError(err.reason, `${err.message} (in ${path})`);
      throw err;
    }
    return [key, value];
  }

  private readValue(reader: WireReader, type: ValueType, path: string): unknown {
    if (type.kind === 'message') return this.decode(reader.readLengthDelimited(), type.message, path);
    if (type.kind === 'special') return this.readSpecial(reader.readLengthDelimited(), type.special, path);
    switch (type.scalar) {
      case 'string':
        return utf8(reader.readLengthDelimited());
      case 'bytes':
        return reader.readLengthDelimited().slice();
      case 'bool':
        return reader.readVarint() !== 0n;
      case 'int32':
        return Number(BigInt.asIntN(32, reader.readVarint()));
      case 'int64':
        return int64(reader.readVarint(), path);
    }
  }

  /** Time, IntOrString, Quantity and FieldsV1, read into the JSON value their Go types print. */
  private readSpecial(bytes: Uint8Array, special: string, path: string): unknown {
    switch (special) {
      case 'Time': {
        // metav1.Time writes nothing for the zero time and ignores nanos when reading.
        if (bytes.length === 0) return null;
        const seconds = (this.decode(bytes, 'Timestamp', path).get(1) as number | undefined) ?? 0;
        return formatRfc3339(seconds, path);
      }
      case 'IntOrString': {
        const wire = this.decode(bytes, 'IntOrStringWire', path);
        const type = (wire.get(1) as number | undefined) ?? 0;
        if (type === 0) return (wire.get(2) as number | undefined) ?? 0;
        if (type === 1) return (wire.get(3) as string | undefined) ?? '';
        throw new ProtobufDecodeError('InvalidValue', `impossible IntOrString.Type ${type} in ${path}`);
      }
      case 'Quantity':
        return (this.decode(bytes, 'QuantityWire', path).get(1) as string | undefined) ?? '0';
      default: {
        const raw = this.decode(bytes, 'FieldsV1Wire', path).get(1) as Uint8Array | undefined;
        if (!raw || raw.length === 0) return null;
        try {
          return JSON.parse(utf8(raw));
        } catch {
          throw new ProtobufDecodeError('InvalidValue', `${path} is not valid JSON`);
        }
      }
    }
  }
}

function messageName(field: FieldSpec): string {
  if (field.value.kind !== 'message') throw new Error(`field ${field.json} is not a message`);
  return field.value.message;
}

function wireTypeOf(type: ValueType): WireType {
  if (
    type.kind === 'scalar' &&
    (type.scalar === 'bool' || type.scalar === 'int32' || type.scalar === 'int64')
  ) {
    return WireType.Varint;
  }
  return WireType.LengthDelimited;
}

function checkWireType(actual: WireType, expected: WireType, field: FieldSpec, messageName: string): void {
  if (actual === expected) return;
  throw new ProtobufDecodeError(
    'WrongWireType',
    `wrong wire type ${actual} (${WIRE_TYPE_NAMES[actual]}) for field ${messageName}.${field.json} ` +
      `(number ${field.number}), which is ${WIRE_TYPE_NAMES[expected]}`,
  );
}

function zeroValue(type: ValueType): unknown {
  if (type.kind === 'message') return new Map();
  if (type.kind === 'special')
    return { Time: null, IntOrString: 0, Quantity: '0', FieldsV1: null }[type.special];
  return { string: '', bytes: new Uint8Array(0), bool: false, int32: 0, int64: 0 }[type.scalar];
}

function isEmptyScalar(value: unknown): boolean {
  return (
    value === '' || value === false || value === 0 || (value instanceof Uint8Array && value.length === 0)
  );
}

function utf8(bytes: Uint8Array): string {
  // Go keeps invalid UTF-8 in strings and encoding/json prints it as U+FFFD; so does this.
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

function int64(varint: bigint, path: string): number {
  const value = BigInt.asIntN(64, varint);
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new ProtobufDecodeError(
      'InvalidValue',
      `${path}: int64 ${value} is beyond the integers JSON numbers carry exactly here (±2^53-1)`,
    );
  }
  return Number(value);
}

/** metav1.Time's JSON form: RFC 3339 in UTC to the second, null for Go's zero time. */
function formatRfc3339(seconds: number, path: string): string | null {
  if (seconds === GO_ZERO_TIME_SECONDS) return null;
  if (seconds < GO_ZERO_TIME_SECONDS || seconds > MAX_RFC3339_SECONDS) {
    throw new ProtobufDecodeError('InvalidValue', `${path}: time ${seconds}s is outside years 0001-9999`);
  }
  const iso = new Date(seconds * 1000).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ within that range
  return `${iso.slice(0, 19)}Z`;
}
