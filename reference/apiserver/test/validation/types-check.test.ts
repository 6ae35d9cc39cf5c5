// Expected texts follow Go's encoding/json UnmarshalTypeError ("json: cannot unmarshal X into Go
// struct field S.path of type T", the field path from the root since Go 1.20), the custom
// UnmarshalJSON of resource.Quantity / intstr.IntOrString, and
// k8s.io/apiserver/pkg/endpoints/handlers/rest.go transformDecodeError.
import { expect } from 'chai';
import { validate } from '../../src/validation/core-v1.ts';
import { errorMessage } from '../../src/validation/field-error.ts';
import { checkTypes, decodeErrorStatus } from '../../src/validation/types-check.ts';

const message = (kind: string, o: unknown): string | undefined => checkTypes(kind, o)?.message;

describe('validation: decode-level type checks', () => {
  it('names a wrong slice, struct and scalar as Go does', () => {
    expect(message('Pod', { spec: { containers: 'nginx' } })).to.equal(
      'json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container',
    );
    expect(message('Pod', { spec: 'x' })).to.equal(
      'json: cannot unmarshal string into Go struct field Pod.spec of type v1.PodSpec',
    );
    expect(message('Pod', { spec: { containers: [{ name: 5 }] } })).to.equal(
      'json: cannot unmarshal number into Go struct field Container.spec.containers.name of type string',
    );
    expect(message('Pod', { spec: { containers: [{ ports: [{ containerPort: '80' }] }] } })).to.equal(
      'json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
    );
    expect(message('Pod', { spec: { containers: [{ ports: [{ protocol: 6 }] }] } })).to.equal(
      'json: cannot unmarshal number into Go struct field ContainerPort.spec.containers.ports.protocol of type v1.Protocol',
    );
    expect(message('Pod', { spec: { terminationGracePeriodSeconds: 1.5 } })).to.equal(
      'json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64',
    );
    expect(message('Pod', { metadata: { labels: { a: true } } })).to.equal(
      'json: cannot unmarshal bool into Go struct field ObjectMeta.metadata.labels of type string',
    );
    expect(message('Service', { spec: { ports: [{ port: 99999999999 }] } })).to.equal(
      'json: cannot unmarshal number 99999999999 into Go struct field ServicePort.spec.ports.port of type int32',
    );
  });

  it('reports quantities, int-or-strings, times and base64 data as their decoders do', () => {
    expect(message('Pod', { spec: { containers: [{ resources: { limits: { cpu: 'lots' } } }] } })).to.equal(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
    expect(message('Service', { spec: { ports: [{ targetPort: true }] } })).to.equal(
      'json: cannot unmarshal bool into Go value of type int32',
    );
    expect(message('Pod', { metadata: { creationTimestamp: 'yesterday' } })).to.equal(
      'parsing time "yesterday" as "2006-01-02T15:04:05Z07:00": cannot parse "yesterday" as "2006"',
    );
    expect(message('Secret', { data: { a: 'not base64!' } })).to.equal('illegal base64 data at input byte 3');
    expect(message('Secret', { data: { a: 5 } })).to.equal(
      'json: cannot unmarshal number into Go struct field Secret.data of type []uint8',
    );
  });

  it('accepts null anywhere, unknown fields, and well-typed objects', () => {
    expect(
      checkTypes('Pod', { spec: { containers: null, unknown: { x: 1 } }, metadata: { labels: { a: 'b' } } }),
    ).to.equal(undefined);
    expect(
      checkTypes('Pod', { spec: { containers: [{ resources: { limits: { cpu: 1, memory: '1Gi' } } }] } }),
    ).to.equal(undefined);
    expect(checkTypes('Lease', 'anything')).to.equal(undefined);
    expect(message('Pod', [])).to.equal('json: cannot unmarshal array into Go value of type v1.Pod');
  });

  it('gives the 400 Status upstream sends, and a TypeInvalid error from validate', () => {
    const err = checkTypes('Pod', { spec: { containers: 'nginx' } });
    expect(err?.path).to.equal('spec.containers');
    expect(err && decodeErrorStatus('Pod', 'v1', err)).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container',
      reason: 'BadRequest',
      code: 400,
    });
    const errs = validate('Pod', { spec: { containers: 'nginx' } });
    expect(errs.map(errorMessage)).to.deep.equal([
      'spec.containers: Invalid value: "nginx": json: cannot unmarshal string into Go struct field PodSpec.spec.containers of type []v1.Container',
    ]);
    expect(errs[0]?.type).to.equal('FieldValueTypeInvalid');
  });
});
