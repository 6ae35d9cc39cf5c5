// Field tables: for each protobuf message, which field number carries which JSON field and how its
// Go type serialises. Rows are written the way the Go struct reads, one string per field:
//
//   '<number> <jsonName> <goType> [inline] [always]'
//
// goType is `string`, `bool`, `int32`, `int64`, `[]byte`, `Time`, `IntOrString`, `Quantity`,
// `FieldsV1` or a message name, optionally prefixed by `*` (a pointer: emitted exactly when it
// was on the wire), `[]` (a slice) or `map[string]` (a map, sent as repeated {key=1, value=2}).
// Go's encoding/json omits empty values only with `omitempty`, which Kubernetes' json tags carry on
// almost every field; `always` marks the ones without it. `inline` is `json:",inline"`: the
// embedded message's fields join the parent object.
//
// Field numbers and names come from upstream's generated.proto files (k8s.io/api core/v1,
// k8s.io/apimachinery meta/v1, util/intstr, api/resource); pointer-ness and omitempty from the Go
// types those files are generated from.

export type ScalarType = 'string' | 'bool' | 'int32' | 'int64' | 'bytes';
/** Types with their own wire message and a custom JSON form. */
export type SpecialType = 'Time' | 'IntOrString' | 'Quantity' | 'FieldsV1';
export type ValueType =
  | { kind: 'scalar'; scalar: ScalarType }
  | { kind: 'special'; special: SpecialType }
  | { kind: 'message'; message: string };

export interface FieldSpec {
  number: number;
  json: string;
  value: ValueType;
  shape: 'single' | 'repeated' | 'map';
  pointer: boolean;
  always: boolean;
  inline: boolean;
}

export interface MessageTable {
  name: string;
  /** In Go struct order, which is the order of keys in the JSON object. */
  fields: readonly FieldSpec[];
  byNumber: ReadonlyMap<number, FieldSpec>;
}

const SCALARS: readonly string[] = ['string', 'bool', 'int32', 'int64'];
const SPECIALS: readonly string[] = ['Time', 'IntOrString', 'Quantity', 'FieldsV1'];

function parseValueType(type: string): ValueType {
  if (type === '[]byte') return { kind: 'scalar', scalar: 'bytes' };
  if (SCALARS.includes(type)) return { kind: 'scalar', scalar: type as ScalarType };
  if (SPECIALS.includes(type)) return { kind: 'special', special: type as SpecialType };
  if (/^[A-Z][A-Za-z0-9]*$/.test(type)) return { kind: 'message', message: type };
  throw new Error(`unknown type "${type}"`);
}

/** Parses one row; throws naming the row when it does not fit the grammar above. */
export function parseFieldRow(row: string): FieldSpec {
  const [numberText, json, goType, ...flags] = row.trim().split(/\s+/);
  const number = Number(numberText);
  if (!Number.isInteger(number) || number < 1 || !json || !goType) {
    throw new Error(`field row "${row}": expected "<number> <jsonName> <goType> [inline] [always]"`);
  }
  const unknownFlag = flags.find((f) => f !== 'inline' && f !== 'always');
  if (unknownFlag) throw new Error(`field row "${row}": unknown flag "${unknownFlag}"`);
  let type = goType;
  let shape: FieldSpec['shape'] = 'single';
  let pointer = false;
  if (type.startsWith('map[string]')) {
    shape = 'map';
    type = type.slice('map[string]'.length);
  } else if (type.startsWith('[]') && type !== '[]byte') {
    shape = 'repeated';
    type = type.slice(2);
  } else if (type.startsWith('*')) {
    pointer = true;
    type = type.slice(1);
  }
  let value: ValueType;
  try {
    value = parseValueType(type);
  } catch (err) {
    throw new Error(`field row "${row}": ${(err as Error).message}`);
  }
  const inline = flags.includes('inline');
  if (inline && (value.kind !== 'message' || shape !== 'single' || pointer)) {
    throw new Error(`field row "${row}": only a plain embedded message can be inline`);
  }
  return { number, json, value, shape, pointer, always: flags.includes('always'), inline };
}

export function defineMessage(name: string, rows: readonly string[]): MessageTable {
  const fields = rows.map(parseFieldRow);
  const byNumber = new Map<number, FieldSpec>();
  for (const field of fields) {
    if (byNumber.has(field.number)) throw new Error(`message ${name}: field number ${field.number} twice`);
    byNumber.set(field.number, field);
  }
  return { name, fields, byNumber };
}

/** Builds a lookup from name to table out of `{ Name: rows }` groups, refusing duplicate names. */
export function defineMessages(
  ...groups: Array<Record<string, readonly string[]>>
): Map<string, MessageTable> {
  const tables = new Map<string, MessageTable>();
  for (const group of groups) {
    for (const [name, rows] of Object.entries(group)) {
      if (tables.has(name)) throw new Error(`message ${name} defined twice`);
      tables.set(name, defineMessage(name, rows));
    }
  }
  return tables;
}
