/*
 * The apiserver's OpenAPI endpoints: /openapi/v2 and /openapi/v3[/<group-version>].
 *
 * What kubectl 1.32 does with them (read from kubectl/cli-runtime/client-go, checked against
 * the real binary in test/openapi/kubectl-openapi.host.test.ts):
 *
 * - `apply -f`, `create -f`, `replace -f` (and anything with --validate=strict, the default) build
 *   a validator before sending anything: GET /openapi/v3 (Accept application/json) and then the
 *   group/version document named there (`serverRelativeURL`, with its `?hash=`). The verifier
 *   (cli-runtime query_param_verifier_v3.go) walks `paths`, takes the first PATCH operation whose
 *   `x-kubernetes-group-version-kind` equals the object's GVK and looks for a parameter named
 *   `fieldValidation`. Found: validation is left to the server and the request carries
 *   `fieldValidation=Strict`. Not found: client-side validation against /openapi/v2. Paths are a
 *   Go map, so every PATCH carrying a GVK (status, scale, ...) must have the parameter.
 * - A GVK whose group/version is missing from the v3 index: kubectl checks whether it is a CRD
 *   (apiextensions.k8s.io listing); if not, the param is "unsupported" and it validates client-side
 *   with v2. `kind: List` is always unsupported, so a List file is validated client-side.
 * - Any other v3 failure (404 on /openapi/v3, bad JSON, a document without `paths`) falls back to
 *   the v2 verifier (fallback_query_param_verifier.go), which needs /openapi/v2.
 * - /openapi/v2 is fetched with Accept application/com.github.proto-openapi.spec.v2@v1.0+protobuf
 *   and the body goes straight to proto.Unmarshal: JSON there fails with "proto: cannot parse
 *   invalid wire-format data" and every apply fails with "failed to download openapi". So v2 is
 *   served as gnostic protobuf (v2-protobuf.ts), JSON only when JSON is asked for. Client-side
 *   validation then reports `ValidationError(Pod.spec): unknown field "foo" in
 *   io.k8s.api.core.v1.PodSpec` and checks `required` lists, which must therefore be exact.
 * - `explain` (explain/v2) reads only v3: the index, then the group/version document as JSON. It
 *   finds the GVK on the get/post/put/patch/delete operation of .../<resource> or
 *   .../<resource>/{name}, then the schema in `components.schemas` whose
 *   `x-kubernetes-group-version-kind` list contains it, and walks `properties`, `items`,
 *   `additionalProperties` and `allOf` (upstream wraps described references as
 *   `{allOf: [{$ref}], default: {}}`), following `#/components/schemas/` references.
 * - Client-side apply of an existing object computes a strategic merge patch from the v3 schema
 *   (`x-kubernetes-patch-merge-key`/`-strategy`) if that GVK's PATCH operation accepts
 *   application/strategic-merge-patch+json.
 * - The v3 index is `{"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=H"}}}`;
 *   H and the ETag are the uppercase hex SHA-512 of the document's JSON (kube-openapi handler3).
 *   A request whose hash is stale is redirected (301) to the current one; a matching hash gets
 *   `Cache-Control: public, immutable`. kubectl caches these on disk by URL.
 */
import { createHash } from 'node:crypto';
import { RESOURCES, type ResourceInfo } from '../resources.ts';
import { buildOpenApiV2, buildOpenApiV3, type Json } from './documents.ts';
import type { SchemaIndex } from './schema-model.ts';
import { buildSchemaIndex } from './schemas.ts';
import { encodeSwaggerProto } from './v2-protobuf.ts';

export interface OpenApiResponse {
  status: number;
  headers: Record<string, string>;
  /** Binary for protobuf; a handler must write it as bytes, not as a string. */
  body: Buffer;
}

export type RequestHeaders = Record<string, string | string[] | undefined>;

const V2_PROTO_TYPES = [
  'application/com.github.proto-openapi.spec.v2@v1.0+protobuf',
  'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
];
const V2_PROTO_CONTENT_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

interface Rendered {
  json: Buffer;
  hash: string;
}

const render = (doc: unknown): Rendered => {
  const json = Buffer.from(JSON.stringify(doc));
  return { json, hash: createHash('sha512').update(json).digest('hex').toUpperCase() };
};

/**
 * The OpenAPI documents of one resource table, rendered on first use and kept: the documents
 * are a pure function of the table, so their bytes and hashes never change while it runs.
 */
export class OpenApiDocuments {
  readonly index: SchemaIndex;
  private v2?: Rendered & { proto: Buffer; doc: Json };
  private v3?: { docs: Map<string, Rendered & { doc: Json }>; root: Rendered };

  constructor(private readonly resources: readonly ResourceInfo[] = RESOURCES) {
    this.index = buildSchemaIndex(resources);
  }

  /** The Swagger 2.0 document (parsed form). */
  v2Document(): Json {
    return this.renderedV2().doc;
  }

  /** The v3 documents keyed as in the index: 'api/v1', 'apis/discovery.k8s.io/v1', ... */
  v3Documents(): Map<string, Json> {
    return new Map([...this.renderedV3().docs].map(([k, v]) => [k, v.doc]));
  }

  /** The /openapi/v3 index: `{paths: {<key>: {serverRelativeURL}}}`. */
  v3Root(): Json {
    return JSON.parse(this.renderedV3().root.json.toString()) as Json;
  }

  v3Hash(key: string): string | undefined {
    return this.renderedV3().docs.get(key)?.hash;
  }

  /**
   * Answers a request for /openapi/v2 or /openapi/v3[/...]; undefined for any other path. Never
   * throws for a well-formed path; unknown documents are 404, unacceptable types 406.
   */
  serve(
    path: string,
    query: URLSearchParams,
    headers: RequestHeaders,
    method = 'GET',
  ): OpenApiResponse | undefined {
    const clean = path.replace(/\/+$/, '');
    if (clean !== '/openapi/v2' && clean !== '/openapi/v3' && !clean.startsWith('/openapi/v3/'))
      return undefined;
    if (method !== 'GET' && method !== 'HEAD') return text(405, 'method not allowed');
    const accept = acceptedTypes(header(headers, 'accept'));
    let result: OpenApiResponse;
    if (clean === '/openapi/v2') {
      const v2 = this.renderedV2();
      const type = accept.find(
        (t) => t === 'application/json' || V2_PROTO_TYPES.includes(t) || isWildcard(t),
      );
      if (!type) return text(406, 'not acceptable');
      const proto = V2_PROTO_TYPES.includes(type);
      result = content(
        proto ? v2.proto : v2.json,
        proto ? V2_PROTO_CONTENT_TYPE : 'application/json',
        v2.hash,
      );
    } else if (clean === '/openapi/v3') {
      const root = this.renderedV3().root;
      result = content(root.json, 'application/json', root.hash);
    } else {
      const key = clean.slice('/openapi/v3/'.length);
      const doc = this.renderedV3().docs.get(key);
      if (!doc) return text(404, `no OpenAPI v3 document for ${key}`);
      if (!accept.some((t) => t === 'application/json' || isWildcard(t))) return text(406, 'not acceptable');
      const asked = query.get('hash');
      if (asked && asked !== doc.hash)
        return {
          status: 301,
          headers: { Location: serverRelativeUrl(key, doc.hash), 'Content-Length': '0' },
          body: Buffer.alloc(0),
        };
      result = content(doc.json, 'application/json', doc.hash);
      if (asked) {
        result.headers['Cache-Control'] = 'public, immutable';
        result.headers.Expires = new Date(Date.now() + 365 * 24 * 3600 * 1000).toUTCString();
      }
    }
    if (header(headers, 'if-none-match') === result.headers.ETag)
      return { status: 304, headers: { ETag: result.headers.ETag!, Vary: 'Accept' }, body: Buffer.alloc(0) };
    return method === 'HEAD' ? { ...result, body: Buffer.alloc(0) } : result;
  }

  private renderedV2(): Rendered & { proto: Buffer; doc: Json } {
    if (!this.v2) {
      const doc = buildOpenApiV2(this.index, this.resources);
      this.v2 = { ...render(doc), proto: encodeSwaggerProto(doc), doc };
    }
    return this.v2;
  }

  private renderedV3(): { docs: Map<string, Rendered & { doc: Json }>; root: Rendered } {
    if (!this.v3) {
      const docs = new Map<string, Rendered & { doc: Json }>();
      for (const [key, doc] of buildOpenApiV3(this.index, this.resources))
        docs.set(key, { ...render(doc), doc });
      const paths = Object.fromEntries(
        [...docs].map(([key, { hash }]) => [key, { serverRelativeURL: serverRelativeUrl(key, hash) }]),
      );
      this.v3 = { docs, root: render({ paths }) };
    }
    return this.v3;
  }
}

export function serverRelativeUrl(key: string, hash: string): string {
  return `/openapi/v3/${key}?hash=${hash}`;
}

/** Convenience for a handler: `serveOpenApi(docs, url.pathname, url.searchParams, req.headers, req.method)`. */
export function serveOpenApi(
  docs: OpenApiDocuments,
  path: string,
  query: URLSearchParams,
  headers: RequestHeaders,
  method = 'GET',
): OpenApiResponse | undefined {
  return docs.serve(path, query, headers, method);
}

function header(headers: RequestHeaders, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

const isWildcard = (t: string): boolean => t === '*/*' || t === 'application/*';

/** Media types of an Accept header, best first (by q, stable), parameters other than q dropped. */
export function acceptedTypes(accept: string | undefined): string[] {
  const clauses = (accept && accept.trim() ? accept : '*/*').split(',').map((part, order) => {
    const [type = '', ...params] = part.split(';').map((s) => s.trim());
    const q = params.find((p) => p.startsWith('q='));
    return { type: type.toLowerCase(), q: q ? Number(q.slice(2)) : 1, order };
  });
  return clauses
    .filter((c) => c.type && c.q > 0)
    .sort((a, b) => b.q - a.q || a.order - b.order)
    .map((c) => c.type);
}

function content(body: Buffer, type: string, hash: string): OpenApiResponse {
  return {
    status: 200,
    headers: {
      'Content-Type': type,
      'Content-Length': String(body.length),
      ETag: `"${hash}"`,
      Vary: 'Accept',
    },
    body,
  };
}

function text(status: number, message: string): OpenApiResponse {
  const body = Buffer.from(message);
  return {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(body.length) },
    body,
  };
}
