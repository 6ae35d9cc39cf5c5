import { expect } from 'chai';
import { buildSchemaIndex } from '../../src/openapi/schemas.ts';
import {
  cannotBeHandledMessage,
  fieldValidationWarnings,
  strictDecodingMessage,
  unknownFields,
} from '../../src/openapi/unknown-fields.ts';

const schemas = buildSchemaIndex();
const POD = { group: '', version: 'v1', kind: 'Pod' };

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
