// Encodes a Swagger 2.0 JSON document as gnostic's openapi_v2.Document protobuf
// (github.com/google/gnostic-models/openapiv2/OpenAPIv2.proto). kubectl's discovery client asks
// /openapi/v2 for application/com.github.proto-openapi.spec.v2@v1.0+protobuf and runs
// proto.Unmarshal on whatever comes back, so JSON there fails with "cannot parse invalid
// wire-format data". Only the fields this kit's documents use are encoded; field numbers are
// the .proto's. Vendor extensions are NamedAny{name, Any{yaml}}: JSON text is valid YAML.
import type { Json } from './documents.ts';

class Writer {
  private readonly chunks: Buffer[] = [];

  private varint(value: number): void {
    const bytes: number[] = [];
    let v = value;
    while (v > 0x7f) {
      bytes.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    bytes.push(v);
    this.chunks.push(Buffer.from(bytes));
  }

  private tag(field: number, wire: 0 | 2): void {
    this.varint(field * 8 + wire);
  }

  string(field: number, value: unknown): this {
    if (typeof value !== 'string' || value === '') return this;
    const bytes = Buffer.from(value, 'utf8');
    this.tag(field, 2);
    this.varint(bytes.length);
    this.chunks.push(bytes);
    return this;
  }

  strings(field: number, values: unknown): this {
    if (Array.isArray(values)) for (const v of values) this.string(field, String(v));
    return this;
  }

  bool(field: number, value: unknown): this {
    if (value !== true) return this;
    this.tag(field, 0);
    this.varint(1);
    return this;
  }

  message(field: number, inner: Writer | undefined): this {
    if (!inner) return this;
    const bytes = inner.finish();
    this.tag(field, 2);
    this.varint(bytes.length);
    this.chunks.push(bytes);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Any { string yaml = 2 } */
const any = (value: unknown): Writer => new Writer().string(2, JSON.stringify(value));

/** repeated NamedAny vendor_extension: every x- key. */
function vendorExtensions(w: Writer, field: number, obj: Json): Writer {
  for (const [name, value] of Object.entries(obj))
    if (name.startsWith('x-')) w.message(field, new Writer().string(1, name).message(2, any(value)));
  return w;
}

function schema(s: Json): Writer {
  const w = new Writer().string(1, s.$ref).string(2, s.format).string(3, s.title).string(4, s.description);
  if (s.default !== undefined) w.message(5, any(s.default));
  w.strings(19, s.required);
  if (Array.isArray(s.enum)) for (const e of s.enum) w.message(20, any(e));
  if (isObject(s.additionalProperties))
    w.message(21, new Writer().message(1, schema(s.additionalProperties)));
  else if (typeof s.additionalProperties === 'boolean')
    w.message(21, new Writer().bool(2, s.additionalProperties));
  if (typeof s.type === 'string') w.message(22, new Writer().string(1, s.type));
  if (isObject(s.items)) w.message(23, new Writer().message(1, schema(s.items)));
  if (Array.isArray(s.allOf)) for (const sub of s.allOf) w.message(24, schema(sub as Json));
  if (isObject(s.properties)) {
    const props = new Writer();
    for (const [name, sub] of Object.entries(s.properties))
      props.message(1, new Writer().string(1, name).message(2, schema(sub as Json)));
    w.message(25, props);
  }
  return vendorExtensions(w, 31, s);
}

/** ParametersItem { Parameter parameter = 1 { BodyParameter = 1 | NonBodyParameter = 2 } } */
function parameter(p: Json): Writer {
  let param: Writer;
  if (p.in === 'body') {
    const body = new Writer().string(1, p.description).string(2, p.name).string(3, p.in).bool(4, p.required);
    if (isObject(p.schema)) body.message(5, schema(p.schema));
    param = new Writer().message(1, body);
  } else if (p.in === 'path') {
    // PathParameterSubSchema: required 1, in 2, description 3, name 4, type 5, format 6, unique_items 19
    const sub = new Writer().bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name);
    sub.string(5, p.type).string(6, p.format).bool(19, p.uniqueItems);
    param = new Writer().message(2, new Writer().message(4, sub));
  } else {
    // QueryParameterSubSchema: required 1, in 2, description 3, name 4, type 6, format 7, unique_items 20
    const sub = new Writer().bool(1, p.required).string(2, p.in).string(3, p.description).string(4, p.name);
    sub.string(6, p.type).string(7, p.format).bool(20, p.uniqueItems);
    param = new Writer().message(2, new Writer().message(3, sub));
  }
  return new Writer().message(1, param);
}

function operation(op: Json): Writer {
  const w = new Writer()
    .strings(1, op.tags)
    .string(2, op.summary)
    .string(3, op.description)
    .string(5, op.operationId);
  w.strings(6, op.produces).strings(7, op.consumes);
  if (Array.isArray(op.parameters)) for (const p of op.parameters) w.message(8, parameter(p as Json));
  if (isObject(op.responses)) {
    const responses = new Writer();
    for (const [code, r] of Object.entries(op.responses) as [string, Json][]) {
      const response = new Writer().string(1, r.description);
      if (isObject(r.schema)) response.message(2, new Writer().message(1, schema(r.schema)));
      responses.message(1, new Writer().string(1, code).message(2, new Writer().message(1, response)));
    }
    w.message(9, responses);
  }
  w.strings(10, op.schemes);
  return vendorExtensions(w, 13, op);
}

const METHOD_FIELDS: Record<string, number> = {
  get: 2,
  put: 3,
  post: 4,
  delete: 5,
  options: 6,
  head: 7,
  patch: 8,
};

function pathItem(item: Json): Writer {
  const w = new Writer();
  for (const [method, field] of Object.entries(METHOD_FIELDS))
    if (isObject(item[method])) w.message(field, operation(item[method]));
  if (Array.isArray(item.parameters)) for (const p of item.parameters) w.message(9, parameter(p as Json));
  return vendorExtensions(w, 10, item);
}

/** The protobuf form of a Swagger 2.0 document built by buildOpenApiV2. */
export function encodeSwaggerProto(doc: Json): Buffer {
  const w = new Writer().string(1, doc.swagger);
  if (isObject(doc.info)) w.message(2, new Writer().string(1, doc.info.title).string(2, doc.info.version));
  w.strings(6, doc.consumes).strings(7, doc.produces);
  if (isObject(doc.paths)) {
    const paths = new Writer();
    for (const [name, item] of Object.entries(doc.paths))
      paths.message(2, new Writer().string(1, name).message(2, pathItem(item as Json)));
    w.message(8, paths);
  }
  if (isObject(doc.definitions)) {
    const defs = new Writer();
    for (const [name, s] of Object.entries(doc.definitions))
      defs.message(1, new Writer().string(1, name).message(2, schema(s as Json)));
    w.message(9, defs);
  }
  if (Array.isArray(doc.security))
    for (const req of doc.security as Json[]) {
      const sr = new Writer();
      for (const [name, scopes] of Object.entries(req))
        sr.message(1, new Writer().string(1, name).message(2, new Writer().strings(1, scopes)));
      w.message(12, sr);
    }
  if (isObject(doc.securityDefinitions)) {
    const defs = new Writer();
    for (const [name, d] of Object.entries(doc.securityDefinitions) as [string, Json][]) {
      // SecurityDefinitionsItem.api_key_security = 2: ApiKeySecurity { type 1, name 2, in 3, description 4 }
      const key = new Writer().string(1, d.type).string(2, d.name).string(3, d.in).string(4, d.description);
      defs.message(1, new Writer().string(1, name).message(2, new Writer().message(2, key)));
    }
    w.message(13, defs);
  }
  return vendorExtensions(w, 16, doc).finish();
}
