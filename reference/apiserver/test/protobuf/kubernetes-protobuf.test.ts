import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeKubernetesProtobuf,
  PROTOBUF_MEDIA_TYPE,
  PROTOBUF_SCHEME_NAME,
} from '../../src/protobuf/kubernetes-protobuf.ts';
import { ProtobufDecodeError } from '../../src/protobuf/protobuf-decode-error.ts';
import { decodeFailure } from './support/decode-failure.ts';
import { envelope, message } from './support/wire-writer.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');

describe('Kubernetes protobuf bodies', () => {
  it('has the media type kubectl sends', () => {
    expect(PROTOBUF_MEDIA_TYPE).to.equal('application/vnd.kubernetes.protobuf');
  });

  describe('bodies captured from kubectl 1.32 (fixtures/, refreshed by the @host test)', () => {
    const names = readdirSync(FIXTURES)
      .filter((f) => f.endsWith('.pb'))
      .map((f) => f.slice(0, -3));

    it('has fixtures to decode', () => expect(names.length).to.be.at.least(5));

    for (const name of names) {
      it(`${name}.pb decodes to ${name}.json`, () => {
        const expected = JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8'));
        const decoded = decodeKubernetesProtobuf(readFileSync(join(FIXTURES, `${name}.pb`)));
        expect(decoded.object).to.deep.equal(expected);
        expect([decoded.apiVersion, decoded.kind]).to.deep.equal([expected.apiVersion, expected.kind]);
      });
    }

    it('never fails on a cut-short body with anything but a ProtobufDecodeError', () => {
      const body = readFileSync(join(FIXTURES, 'service-clusterip.pb'));
      let failures = 0;
      for (let length = 0; length < body.length; length++) {
        try {
          decodeKubernetesProtobuf(body.subarray(0, length));
        } catch (err) {
          expect(err, `cut at ${length}`).to.be.instanceOf(ProtobufDecodeError);
          failures++;
        }
      }
      // Cuts that end exactly after the envelope's raw field leave a shorter but valid envelope.
      expect(failures).to.be.greaterThan(body.length - 4);
    });
  });

  describe('the envelope', () => {
    it('returns kind and apiVersion from typeMeta, first in the object', () => {
      const decoded = decodeKubernetesProtobuf(
        envelope('v1', 'Namespace', [{ no: 1, bytes: [{ no: 1, bytes: 'kc' }] }]),
      );
      expect(decoded.apiVersion).to.equal('v1');
      expect(decoded.kind).to.equal('Namespace');
      expect(Object.keys(decoded.object)).to.deep.equal(['kind', 'apiVersion', 'metadata', 'spec', 'status']);
      expect(decoded.object).to.deep.equal({
        kind: 'Namespace',
        apiVersion: 'v1',
        metadata: { name: 'kc', creationTimestamp: null },
        spec: {},
        status: {},
      });
    });

    it('refuses an empty body and one without the k8s\\x00 prefix', () => {
      expect(decodeFailure(new Uint8Array(0)).message).to.equal(
        'empty data: a protobuf body starts with "k8s\\x00"',
      );
      const json = decodeFailure(Buffer.from('{"kind":"Namespace"}'));
      expect(json.reason).to.equal('NotProtobuf');
      expect(json.message).to.equal(
        'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] ("k8s\\x00")',
      );
      expect(decodeFailure(Buffer.from('k8s')).reason).to.equal('NotProtobuf');
    });

    it('refuses a kind it has no table for, in upstream words', () => {
      const token = decodeFailure(envelope('authentication.k8s.io/v1', 'TokenRequest', []));
      expect(token.reason).to.equal('NotRegistered');
      expect(token.message).to.equal(
        `no kind "TokenRequest" is registered for version "authentication.k8s.io/v1" in scheme "${PROTOBUF_SCHEME_NAME}"`,
      );
      expect(decodeFailure(envelope('apps/v1', 'Pod', [])).message).to.match(
        /^no kind "Pod" is registered for version "apps\/v1" in scheme/,
      );
    });

    it('accepts DeleteOptions in any group version, as upstream registers it in each', () => {
      for (const apiVersion of ['v1', 'meta.k8s.io/v1', 'apps/v1']) {
        expect(decodeKubernetesProtobuf(envelope(apiVersion, 'DeleteOptions', [])).object).to.deep.equal({
          kind: 'DeleteOptions',
          apiVersion,
        });
      }
    });

    it('refuses an envelope without kind or apiVersion', () => {
      expect(decodeFailure(envelope('v1', '', [])).message).to.equal(
        `Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:"v1", Kind:""}'`,
      );
      const noVersion = decodeFailure(envelope('', 'Namespace', []));
      expect(noVersion.reason).to.equal('MissingKind');
      expect(noVersion.message).to.equal(
        `Object 'apiVersion' is missing in 'runtime.TypeMeta{APIVersion:"", Kind:"Namespace"}'`,
      );
    });

    it('refuses a content encoding or a content type other than protobuf', () => {
      const typeMeta = {
        no: 1,
        bytes: [
          { no: 1, bytes: 'v1' },
          { no: 2, bytes: 'Namespace' },
        ],
      };
      const gzip = Buffer.concat([
        Buffer.from('k8s\x00', 'latin1'),
        message([typeMeta, { no: 3, bytes: 'gzip' }]),
      ]);
      expect(decodeFailure(gzip).message).to.equal('unsupported contentEncoding "gzip" in protobuf envelope');
      const asJson = Buffer.concat([
        Buffer.from('k8s\x00', 'latin1'),
        message([typeMeta, { no: 4, bytes: 'application/json' }]),
      ]);
      expect(decodeFailure(asJson).reason).to.equal('Unsupported');
      const explicit = Buffer.concat([
        Buffer.from('k8s\x00', 'latin1'),
        message([typeMeta, { no: 4, bytes: PROTOBUF_MEDIA_TYPE }]),
      ]);
      expect(decodeKubernetesProtobuf(explicit).kind).to.equal('Namespace');
    });

    it('names the message a truncation happened in', () => {
      const cutEnvelope = decodeFailure(readFileSync(join(FIXTURES, 'namespace.pb')).subarray(0, 30));
      expect(cutEnvelope.reason).to.equal('Truncated');
      expect(cutEnvelope.message).to.equal(
        'truncated message: length at offset 18 declares 26 bytes but 7 remain (in Unknown)',
      );
      // metadata claims 10 bytes but the Namespace message holds only 2 after it
      const raw = Uint8Array.of(0x0a, 0x0a, 0x0a, 0x02);
      expect(decodeFailure(envelope('v1', 'Namespace', raw)).message).to.equal(
        'truncated message: length at offset 1 declares 10 bytes but 2 remain (in Namespace)',
      );
      const inName = Uint8Array.of(0x0a, 0x02, 0x0a, 0x05);
      expect(decodeFailure(envelope('v1', 'Namespace', inName)).message).to.equal(
        'truncated message: length at offset 1 declares 5 bytes but 0 remain (in Namespace.metadata)',
      );
    });

    it('refuses a known field with the wrong wire type', () => {
      const err = decodeFailure(envelope('v1', 'Namespace', [{ no: 1, bytes: [{ no: 1, varint: 7 }] }]));
      expect(err.reason).to.equal('WrongWireType');
      expect(err.message).to.equal(
        'wrong wire type 0 (varint) for field ObjectMeta.name (number 1), which is length-delimited',
      );
      const generation = decodeFailure(
        envelope('v1', 'Namespace', [{ no: 1, bytes: [{ no: 7, bytes: '3' }] }]),
      );
      expect(generation.message).to.equal(
        'wrong wire type 2 (length-delimited) for field ObjectMeta.generation (number 7), which is varint',
      );
    });

    it('skips unknown fields of every wire type, in the envelope and at any depth', () => {
      const unknowns = [
        { no: 99, varint: 2n ** 60n },
        { no: 98, fixed32: 1 },
        { no: 97, fixed64: 1n },
        { no: 96, bytes: 'future' },
      ];
      const raw = message([
        ...unknowns,
        {
          no: 1,
          bytes: [...unknowns, { no: 1, bytes: 'kc' }, { no: 16, bytes: [{ no: 1, bytes: 'initializer' }] }],
        },
        { no: 2, bytes: [{ no: 1, bytes: 'kubernetes' }, ...unknowns] },
      ]);
      const body = Buffer.concat([
        Buffer.from('k8s\x00', 'latin1'),
        message([
          ...unknowns,
          {
            no: 1,
            bytes: [{ no: 1, bytes: 'v1' }, { no: 2, bytes: 'Namespace' }, ...unknowns],
          },
          { no: 2, bytes: raw },
        ]),
      ]);
      expect(decodeKubernetesProtobuf(body).object).to.deep.equal({
        kind: 'Namespace',
        apiVersion: 'v1',
        metadata: { name: 'kc', creationTimestamp: null },
        spec: { finalizers: ['kubernetes'] },
        status: {},
      });
    });
  });
});
