// Decode-level type checking: what upstream's JSON decoder rejects before any validation runs.
// Upstream answers 400 BadRequest with Go's decoding error, e.g.
//   Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct
//   field PodSpec.spec.containers of type []v1.Container
// This file checks a plain JSON object against a small schema of the served types and returns
// the first such error (Go's decoder also reports the first type mismatch in document order).
// Sources: Go's encoding/json (UnmarshalTypeError), k8s.io/apiserver/pkg/endpoints/handlers/rest.go
// (transformDecodeError), resource.Quantity / intstr.IntOrString / metav1.Time UnmarshalJSON.

import { isObj } from './access.ts';
import { badRequestStatus, type Status } from './field-error.ts';
import { goQuote } from './go-format.ts';
import { parseQuantity, isQuantity } from './quantity.ts';
import { SCHEMAS, type SchemaNode, type StructNode } from './types-schema.ts';

export interface DecodeError {
  /** Go's error text, e.g. `json: cannot unmarshal string into Go struct field ...`. */
  message: string;
  /** Where the bad value sits, in field-path form (`spec.containers[0].ports`). */
  path: string;
  value: unknown;
}

const INT_RANGE = { int32: [-2147483648, 2147483647], int64: [-(2 ** 63), 2 ** 63] } as const;

/** How Go's decoder names a JSON value in its errors. */
function jsonKind(v: unknown): string {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  return 'object';
}

/** The Go type a node decodes into, as `%v` of reflect.Type prints it. */
export function goTypeName(node: SchemaNode): string {
  switch (node.k) {
    case 'string':
      return node.go ?? 'string';
    case 'int':
      return node.go;
    case 'bool':
      return 'bool';
    case 'struct':
      return `v1.${node.name}`;
    case 'slice':
      return `[]${goTypeName(node.of)}`;
    case 'map':
      return node.go ?? `map[string]${goTypeName(node.of)}`;
    case 'bytes':
      return '[]uint8';
    default:
      return 'interface {}';
  }
}

interface Context {
  /** Innermost struct type name (UnmarshalTypeError.Struct). */
  struct: string;
  /** JSON field names from the root, without indices (UnmarshalTypeError.Field). */
  field: string;
  /** Field path with indices, for our own reporting. */
  path: string;
}

function typeError(value: unknown, valueText: string, type: string, ctx: Context): DecodeError {
  const where = ctx.struct ? `Go struct field ${ctx.struct}.${ctx.field}` : 'Go value';
  return {
    message: `json: cannot unmarshal ${valueText} into ${where} of type ${type}`,
    path: ctx.path,
    value,
  };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function firstBadBase64Byte(s: string): number | undefined {
  let seen = 0;
  let padding = false;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] ?? '';
    if (ch === '\r' || ch === '\n') continue;
    if (ch === '=') padding = true;
    else if (padding || !/[A-Za-z0-9+/]/.test(ch)) return i;
    seen++;
  }
  return seen % 4 === 0 ? undefined : s.length - (seen % 4);
}

function check(node: SchemaNode, v: unknown, ctx: Context): DecodeError | undefined {
  if (v === null || v === undefined) return undefined; // null decodes to the zero value anywhere
  switch (node.k) {
    case 'any':
      return undefined;
    case 'string':
      return typeof v === 'string' ? undefined : typeError(v, jsonKind(v), goTypeName(node), ctx);
    case 'bool':
      return typeof v === 'boolean' ? undefined : typeError(v, jsonKind(v), 'bool', ctx);
    case 'int': {
      if (typeof v !== 'number') return typeError(v, jsonKind(v), node.go, ctx);
      const [lo, hi] = INT_RANGE[node.go];
      return Number.isInteger(v) && v >= lo && v <= hi
        ? undefined
        : typeError(v, `number ${v}`, node.go, ctx);
    }
    case 'quantity': {
      const q = parseQuantity(v);
      return isQuantity(q) ? undefined : { message: q.error, path: ctx.path, value: v };
    }
    case 'intOrString':
      if (typeof v === 'string') return undefined;
      if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647)
        return undefined;
      return typeError(v, typeof v === 'number' ? `number ${v}` : jsonKind(v), 'int32', {
        ...ctx,
        struct: '',
      });
    case 'time':
      if (typeof v !== 'string') return typeError(v, jsonKind(v), 'string', { ...ctx, struct: '' });
      if (RFC3339.test(v)) return undefined;
      return {
        message: `parsing time ${goQuote(v)} as "2006-01-02T15:04:05Z07:00": cannot parse ${goQuote(v)} as "2006"`,
        path: ctx.path,
        value: v,
      };
    case 'bytes': {
      if (typeof v !== 'string') return typeError(v, jsonKind(v), '[]uint8', ctx);
      const bad = firstBadBase64Byte(v);
      return bad === undefined
        ? undefined
        : { message: `illegal base64 data at input byte ${bad}`, path: ctx.path, value: v };
    }
    case 'slice':
      if (!Array.isArray(v)) return typeError(v, jsonKind(v), goTypeName(node), ctx);
      for (let i = 0; i < v.length; i++) {
        const err = check(node.of, v[i], { ...ctx, path: `${ctx.path}[${i}]` });
        if (err) return err;
      }
      return undefined;
    case 'map':
      if (!isObj(v)) return typeError(v, jsonKind(v), goTypeName(node), ctx);
      for (const [k, e] of Object.entries(v)) {
        const err = check(node.of, e, { ...ctx, path: `${ctx.path}[${k}]` });
        if (err) return err;
      }
      return undefined;
    case 'struct':
      return checkStruct(node, v, ctx);
  }
}

function checkStruct(node: StructNode, v: unknown, ctx: Context): DecodeError | undefined {
  if (!isObj(v)) return typeError(v, jsonKind(v), goTypeName(node), ctx);
  const fields = node.fields();
  for (const [key, value] of Object.entries(v)) {
    const child = fields[key];
    if (!child) continue; // unknown fields are dropped by the decoder (strict mode is not modelled)
    const inner: Context = {
      struct: node.name,
      field: ctx.field ? `${ctx.field}.${key}` : key,
      path: ctx.path ? `${ctx.path}.${key}` : key,
    };
    const err = check(child, value, inner);
    if (err) return err;
  }
  return undefined;
}

/** The first decode error of `obj` as a `kind` (core/v1), or undefined when it decodes. */
export function checkTypes(kind: string, obj: unknown): DecodeError | undefined {
  const schema = SCHEMAS[kind];
  if (!schema) return undefined;
  if (!isObj(obj)) {
    return {
      message: `json: cannot unmarshal ${jsonKind(obj)} into Go value of type v1.${kind}`,
      path: '',
      value: obj,
    };
  }
  return checkStruct(schema, obj, { struct: '', field: '', path: '' });
}

/** transformDecodeError's 400: `Pod in version "v1" cannot be handled as a Pod: <err>`. */
export function decodeErrorStatus(kind: string, version: string, err: DecodeError): Status {
  return badRequestStatus(
    `${kind} in version ${goQuote(version)} cannot be handled as a ${kind}: ${err.message}`,
  );
}
