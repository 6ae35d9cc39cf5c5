import { expect } from 'chai';
import { acceptedTypes, OpenApiDocuments, serverRelativeUrl } from '../../src/openapi/openapi.ts';

const docs = new OpenApiDocuments();
const KUBECTL_V2_ACCEPT = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
const none = new URLSearchParams();

/** Minimal protobuf reader: the fields of one message as [fieldNumber, value] (bytes or varint). */
function fields(buf: Buffer): Array<[number, Buffer | number]> {
  const out: Array<[number, Buffer | number]> = [];
  let i = 0;
  const varint = (): number => {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = buf[i++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  };
  while (i < buf.length) {
    const tag = varint();
    if ((tag & 7) === 0) out.push([tag >> 3, varint()]);
    else if ((tag & 7) === 2) {
      const len = varint();
      out.push([tag >> 3, buf.subarray(i, i + len)]);
      i += len;
    } else throw new Error(`unexpected wire type ${tag & 7}`);
  }
  return out;
}
const field = (buf: Buffer, n: number): Buffer[] =>
  fields(buf)
    .filter(([f]) => f === n)
    .map(([, v]) => v as Buffer);

describe('OpenAPI endpoints', () => {
  it('ignores paths that are not its own', () => {
    expect(docs.serve('/api/v1', none, {})).to.equal(undefined);
    expect(docs.serve('/openapi/v4', none, {})).to.equal(undefined);
  });

  it("answers kubectl's protobuf request for /openapi/v2 with gnostic protobuf", () => {
    const res = docs.serve('/openapi/v2', none, { accept: KUBECTL_V2_ACCEPT })!;
    expect(res.status).to.equal(200);
    expect(res.headers['Content-Type']).to.equal(
      'application/com.github.proto-openapi.spec.v2.v1.0+protobuf',
    );
    // Document: swagger = 1, paths = 8 (NamedPathItem = 2), definitions = 9 (NamedSchema = 1)
    expect(field(res.body, 1)[0]!.toString()).to.equal('2.0');
    const definitionNames = field(field(res.body, 9)[0]!, 1).map((named) => field(named, 1)[0]!.toString());
    expect(definitionNames).to.include('io.k8s.api.core.v1.Pod');
    const pathItems = field(field(res.body, 8)[0]!, 2);
    const podItem = pathItems.find(
      (p) => field(p, 1)[0]!.toString() === '/api/v1/namespaces/{namespace}/pods/{name}',
    )!;
    const patch = field(field(podItem, 2)[0]!, 8)[0]!; // PathItem.patch = 8
    const extensions = field(patch, 13).map((named) => [
      field(named, 1)[0]!.toString(),
      field(field(named, 2)[0]!, 2)[0]!.toString(),
    ]);
    expect(Object.fromEntries(extensions)).to.deep.equal({
      'x-kubernetes-action': '"patch"',
      'x-kubernetes-group-version-kind': '{"group":"","version":"v1","kind":"Pod"}',
    });
    // ParametersItem.parameter(1).non_body_parameter(2).query_parameter_sub_schema(3).name(4)
    const queryNames = field(patch, 8).flatMap((item) =>
      field(item, 1)
        .flatMap((p) => field(p, 2))
        .flatMap((nb) => field(nb, 3))
        .map((q) => field(q, 4)[0]!.toString()),
    );
    expect(queryNames).to.include('fieldValidation');
  });

  it('answers JSON for /openapi/v2 when JSON is asked for, with the same ETag', () => {
    const json = docs.serve('/openapi/v2', none, { accept: 'application/json' })!;
    const proto = docs.serve('/openapi/v2', none, { accept: KUBECTL_V2_ACCEPT })!;
    expect(json.headers['Content-Type']).to.equal('application/json');
    expect(JSON.parse(json.body.toString()).swagger).to.equal('2.0');
    expect(json.headers.ETag)
      .to.equal(proto.headers.ETag)
      .and.match(/^"[0-9A-F]{128}"$/);
    expect(docs.serve('/openapi/v2', none, { accept: 'text/html' })!.status).to.equal(406);
  });

  it('serves the v3 index and group/version documents as JSON', () => {
    const root = docs.serve('/openapi/v3', none, { accept: 'application/json, */*' })!;
    const url = JSON.parse(root.body.toString()).paths['api/v1'].serverRelativeURL as string;
    const [path, query] = url.split('?');
    const res = docs.serve(path!, new URLSearchParams(query), { accept: 'application/json' })!;
    expect(res.status).to.equal(200);
    expect(res.headers['Content-Type']).to.equal('application/json');
    expect(res.headers['Cache-Control']).to.equal('public, immutable');
    expect(res.headers.ETag).to.equal(`"${docs.v3Hash('api/v1')}"`);
    expect(JSON.parse(res.body.toString()).openapi).to.equal('3.0.0');
  });

  it('redirects a stale hash to the current one, and 404s unknown documents', () => {
    const res = docs.serve('/openapi/v3/api/v1', new URLSearchParams({ hash: 'ABC' }), {})!;
    expect(res.status).to.equal(301);
    expect(res.headers.Location).to.equal(serverRelativeUrl('api/v1', docs.v3Hash('api/v1')!));
    expect(docs.serve('/openapi/v3/apis/batch/v1', none, {})!.status).to.equal(404);
  });

  it('answers 304 to a matching If-None-Match and nothing to HEAD bodies', () => {
    const etag = docs.serve('/openapi/v3/api/v1', none, {})!.headers.ETag!;
    expect(docs.serve('/openapi/v3/api/v1', none, { 'if-none-match': etag })!.status).to.equal(304);
    expect(docs.serve('/openapi/v3/api/v1', none, {}, 'HEAD')!.body.length).to.equal(0);
    expect(docs.serve('/openapi/v3/api/v1', none, {}, 'POST')!.status).to.equal(405);
  });

  it('orders Accept clauses by quality, keeping the client order on ties', () => {
    expect(acceptedTypes('application/json;q=0.5, application/yaml, */*;q=0.1')).to.deep.equal([
      'application/yaml',
      'application/json',
      '*/*',
    ]);
    expect(acceptedTypes(undefined)).to.deep.equal(['*/*']);
  });
});
