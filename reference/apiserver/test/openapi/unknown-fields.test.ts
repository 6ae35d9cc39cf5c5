import { expect } from 'chai';
import { buildSchemaIndex } from '../../src/openapi/schemas.ts';
import { parseJsonTree } from '../../src/openapi/json-tree.ts';
import {
  cannotBeHandledMessage,
  fieldValidationWarnings,
  pruneUnknownFields,
  strictDecodingErrors,
  strictDecodingMessage,
  unknownFields,
} from '../../src/openapi/unknown-fields.ts';

const schemas = buildSchemaIndex();
const POD = { group: '', version: 'v1', kind: 'Pod' };
const CONFIG_MAP = { group: '', version: 'v1', kind: 'ConfigMap' };

describe('unknownFields', () => {
  it('finds nothing in a well-formed pod, including free-form maps and int-or-string', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { anything: 'goes' }, annotations: { 'a/b': 'c' } },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'busybox',
            resources: { limits: { cpu: 1, memory: '1Gi' } },
            livenessProbe: { httpGet: { port: 'http', path: '/' }, periodSeconds: 3 },
            ports: [{ containerPort: 80, name: 'http' }],
          },
        ],
        volumes: [{ name: 'v', configMap: { name: 'cm', items: [{ key: 'k', path: 'p' }] } }],
        affinity: {
          podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone' }] },
        },
      },
      status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] },
    };
    expect(unknownFields(schemas, POD, pod)).to.deep.equal([]);
  });

  it('reports unknown fields with upstream paths, in document order', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      x: 1,
      metadata: { name: 'p', bogus: true },
      spec: {
        foo: 'bar',
        containers: [{ name: 'a' }, { name: 'b', livenessProbe: { httpGet: { port: 80, extra: 1 } } }],
      },
    };
    expect(unknownFields(schemas, POD, pod)).to.deep.equal([
      'unknown field "x"',
      'unknown field "metadata.bogus"',
      'unknown field "spec.foo"',
      'unknown field "spec.containers[1].livenessProbe.httpGet.extra"',
    ]);
  });

  it('is case-sensitive, as the strict JSON decoder is', () => {
    expect(unknownFields(schemas, POD, { spec: { Containers: [] } })).to.deep.equal([
      'unknown field "spec.Containers"',
    ]);
  });

  it('tells the two Event kinds apart by GVK', () => {
    const core = { group: '', version: 'v1', kind: 'Event' };
    const events = { group: 'events.k8s.io', version: 'v1', kind: 'Event' };
    expect(unknownFields(schemas, core, { involvedObject: {}, note: 'x' })).to.deep.equal([
      'unknown field "note"',
    ]);
    expect(unknownFields(schemas, events, { involvedObject: {}, note: 'x' })).to.deep.equal([
      'unknown field "involvedObject"',
    ]);
  });

  it('checks other kinds and accepts definition names', () => {
    const svc = { spec: { ports: [{ port: 80, targetPort: 'http', bad: 1 }] } };
    expect(unknownFields(schemas, { group: '', version: 'v1', kind: 'Service' }, svc)).to.deep.equal([
      'unknown field "spec.ports[0].bad"',
    ]);
    expect(
      unknownFields(schemas, 'io.k8s.api.coordination.v1.Lease', { spec: { holderIdentity: 'a', ttl: 3 } }),
    ).to.deep.equal(['unknown field "spec.ttl"']);
    expect(unknownFields(schemas, { group: 'x', version: 'v1', kind: 'Y' }, { a: 1 })).to.deep.equal([]);
  });

  it('formats the Strict and Warn answers as upstream does', () => {
    const errors = ['unknown field "spec.foo"', 'unknown field "x"'];
    expect(strictDecodingMessage(errors)).to.equal(
      'strict decoding error: unknown field "spec.foo", unknown field "x"',
    );
    expect(cannotBeHandledMessage(POD, errors)).to.equal(
      'Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo", unknown field "x"',
    );
    expect(fieldValidationWarnings(errors)).to.deep.equal([
      '299 - "unknown field \\"spec.foo\\""',
      '299 - "unknown field \\"x\\""',
    ]);
  });
});

describe('strictDecodingErrors', () => {
  const errorsOf = (kind: typeof POD, text: string) =>
    strictDecodingErrors(schemas, kind, parseJsonTree(text));

  it('reports a repeated field with its path, after the unknown fields met before it', () => {
    expect(
      errorsOf(
        CONFIG_MAP,
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x","unknownMeta":"x"},"data":{"a":"1"},"data":{"b":"2"}}',
      ),
    ).to.deep.equal(['unknown field "metadata.unknownMeta"', 'duplicate field "data"']);
    expect(cannotBeHandledMessage(CONFIG_MAP, errorsOf(CONFIG_MAP, '{"data":{},"data":{}}'))).to.equal(
      'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "data"',
    );
  });

  it('reports repeated map keys and repeated fields in lists, in document order', () => {
    const text = JSON.stringify({
      metadata: { labels: { a: '1', z: '2' } },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    })
      .replace('"z":"2"', '"z":"2","a":"3"')
      .replace('"image":"i"', '"image":"i","x":1,"image":"j"');
    expect(errorsOf(POD, text)).to.deep.equal([
      'duplicate field "metadata.labels.a"',
      'unknown field "spec.containers[0].x"',
      'duplicate field "spec.containers[0].image"',
    ]);
  });

  it('reports a repeated unknown field once, as unknown, and looks at nothing inside it', () => {
    expect(errorsOf(POD, '{"bogus":{"a":1,"a":2},"bogus":3,"spec":{"x":1,"x":2}}')).to.deep.equal([
      'unknown field "bogus"',
      'unknown field "spec.x"',
    ]);
  });

  it('does not look inside types that decode themselves, and stops at 100 errors', () => {
    expect(errorsOf(POD, '{"metadata":{"managedFields":[{"fieldsV1":{"f:a":{},"f:a":{}}}]}}')).to.deep.equal(
      [],
    );
    const many = `{"metadata":{${Array.from({ length: 150 }, (_, i) => `"u${i}":1`).join(',')}}}`;
    const errors = errorsOf(POD, many);
    expect(errors).to.have.length(100);
    expect(errors[99]).to.equal('unknown field "metadata.u99"');
  });
});

describe('pruneUnknownFields', () => {
  it('drops unknown fields at any depth and keeps every key of a map', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      bogus: true,
      metadata: { name: 'p', unknownMeta: 'x', labels: { anything: 'goes' }, annotations: { 'a/b': 'c' } },
      spec: {
        containers: [
          { name: 'a', extra: 1 },
          { name: 'b', resources: { limits: { 'x/y': '1' } } },
        ],
      },
    };
    const frozen = structuredClone(pod);
    expect(pruneUnknownFields(schemas, POD, pod)).to.deep.equal({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', labels: { anything: 'goes' }, annotations: { 'a/b': 'c' } },
      spec: { containers: [{ name: 'a' }, { name: 'b', resources: { limits: { 'x/y': '1' } } }] },
    });
    expect(pod, 'the argument is not changed').to.deep.equal(frozen);
  });

  it('returns the object itself when nothing is unknown, or when the kind has no schema', () => {
    const cm = { metadata: { name: 'c' }, data: { k: 'v' } };
    expect(pruneUnknownFields(schemas, CONFIG_MAP, cm)).to.equal(cm);
    const other = { a: 1 };
    expect(pruneUnknownFields(schemas, { group: 'x', version: 'v1', kind: 'Y' }, other)).to.equal(other);
  });
});
