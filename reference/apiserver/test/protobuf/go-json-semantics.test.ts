// The decoded object must be what Go's encoding/json prints for the struct gogo-protobuf fills:
// omitempty drops zero scalars and empty slices and maps but never a struct, pointers print
// exactly when they were on the wire, and Time, IntOrString, Quantity and []byte have their own
// JSON forms. Bodies here are built field by field (support/wire-writer.ts).
import { expect } from 'chai';
import { decodeKubernetesProtobuf } from '../../src/protobuf/kubernetes-protobuf.ts';
import { decodeFailure } from './support/decode-failure.ts';
import { entry, envelope, varint, type WireField } from './support/wire-writer.ts';

const decode = (kind: string, raw: WireField[], apiVersion = 'v1') => {
  const { object } = decodeKubernetesProtobuf(envelope(apiVersion, kind, raw));
  delete object.kind;
  delete object.apiVersion;
  return object;
};
const named = (name: string): WireField => ({ no: 1, bytes: [{ no: 1, bytes: name }] });
const timestamp = (seconds: number | bigint, nanos = 0): WireField[] => [
  { no: 1, varint: seconds },
  { no: 2, varint: nanos },
];

describe('protobuf to JSON, the way Go prints it', () => {
  it('prints a pointer exactly when it was sent, even when false', () => {
    expect(decode('ConfigMap', [named('x'), { no: 4, varint: false }])).to.deep.equal({
      metadata: { name: 'x', creationTimestamp: null },
      immutable: false,
    });
    expect(decode('ConfigMap', [named('x')])).to.deep.equal({
      metadata: { name: 'x', creationTimestamp: null },
    });
  });

  it('omits empty strings and zero numbers unless the json tag lacks omitempty', () => {
    const service = decode('Service', [
      {
        no: 2,
        bytes: [
          {
            no: 1,
            bytes: [
              { no: 1, bytes: '' },
              { no: 5, varint: 0 },
            ],
          },
        ],
      },
    ]);
    // port has no omitempty; targetPort is a struct (IntOrString), which omitempty never drops.
    expect(service.spec).to.deep.equal({ ports: [{ port: 0, targetPort: 0 }] });
    expect(service.metadata).to.deep.equal({ creationTimestamp: null });
    expect(service.status).to.deep.equal({ loadBalancer: {} });
  });

  it('prints a nil slice without omitempty as null', () => {
    expect(decode('Pod', [named('p')]).spec).to.deep.equal({ containers: null });
  });

  it('prints Time as RFC 3339 seconds in UTC, the zero time as null, and drops nanos', () => {
    const meta = decode('Namespace', [
      {
        no: 1,
        bytes: [
          { no: 8, bytes: timestamp(1700000000, 999_999_999) },
          { no: 9, bytes: timestamp(0) },
          { no: 10, varint: 30 },
        ],
      },
    ]).metadata;
    expect(meta).to.deep.equal({
      creationTimestamp: '2023-11-14T22:13:20Z',
      deletionTimestamp: '1970-01-01T00:00:00Z',
      deletionGracePeriodSeconds: 30,
    });
    const zero = decode('Namespace', [
      { no: 1, bytes: [{ no: 9, bytes: timestamp(-62135596800) }] },
    ]).metadata;
    expect(zero).to.deep.equal({ creationTimestamp: null, deletionTimestamp: null });
    const past9999 = decodeFailure(
      envelope('v1', 'Namespace', [{ no: 1, bytes: [{ no: 8, bytes: timestamp(253402300800) }] }]),
    );
    expect(past9999.message).to.equal(
      'Namespace.metadata.creationTimestamp: time 253402300800s is outside years 0001-9999',
    );
  });

  it('reads int64 past 32 bits, and refuses what a JSON number cannot hold exactly', () => {
    expect(
      decode('Namespace', [{ no: 1, bytes: [{ no: 7, varint: 2n ** 40n + 3n }] }]).metadata,
    ).to.deep.equal({
      generation: 2 ** 40 + 3,
      creationTimestamp: null,
    });
    const err = decodeFailure(
      envelope('v1', 'Namespace', [{ no: 1, bytes: [{ no: 7, varint: 2n ** 53n }] }]),
    );
    expect(err.reason).to.equal('InvalidValue');
    expect(err.message).to.equal(
      'Namespace.metadata.generation: int64 9007199254740992 is beyond the integers JSON numbers carry exactly here (±2^53-1)',
    );
  });

  it('reads negative int32 from its ten-byte varint', () => {
    const spec = decode('Pod', [{ no: 2, bytes: [{ no: 25, varint: -5 }] }]).spec;
    expect(varint(-5)).to.have.length(10);
    expect(spec).to.deep.equal({ containers: null, priority: -5 });
  });

  it('prints IntOrString as a number or a string and refuses other types', () => {
    const port = (intOrString: WireField[]) => [
      { no: 2, bytes: [{ no: 1, bytes: [{ no: 4, bytes: intOrString }] }] },
    ];
    const named = decode(
      'Service',
      port([
        { no: 1, varint: 1 },
        { no: 3, bytes: 'https' },
      ]),
    );
    expect(named.spec).to.deep.equal({ ports: [{ port: 0, targetPort: 'https' }] });
    const err = decodeFailure(envelope('v1', 'Service', port([{ no: 1, varint: 2 }])));
    expect(err.message).to.equal('impossible IntOrString.Type 2 in Service.spec.ports[0].targetPort');
  });

  it('prints []byte map values as base64 and strings with invalid UTF-8 as U+FFFD', () => {
    const secret = decode('Secret', [
      entry(2, 'bin', Uint8Array.of(0xff, 0x00)),
      entry(2, 'empty', new Uint8Array(0)),
      entry(4, 'text', Uint8Array.of(0x61, 0xff)),
      { no: 3, bytes: 'Opaque' },
    ]);
    expect(secret).to.deep.equal({
      metadata: { creationTimestamp: null },
      data: { bin: '/wA=', empty: '' },
      stringData: { text: 'a\ufffd' },
      type: 'Opaque',
    });
  });

  it('reads map entries as Go does: the last value of a key wins, a missing value is zero', () => {
    const labels = decode('ConfigMap', [
      {
        no: 1,
        bytes: [
          entry(11, 'app', 'old'),
          entry(11, 'app', 'web'),
          { no: 11, bytes: [{ no: 1, bytes: 'bare' }] },
        ],
      },
    ]);
    expect(labels.metadata).to.deep.equal({ creationTimestamp: null, labels: { app: 'web', bare: '' } });
  });

  it('merges a single message field sent twice and appends repeated ones', () => {
    const ns = decode('Namespace', [
      {
        no: 1,
        bytes: [
          { no: 1, bytes: 'kc' },
          { no: 14, bytes: 'a' },
        ],
      },
      { no: 1, bytes: [entry(11, 'team', 'x'), { no: 14, bytes: 'b' }] },
    ]);
    expect(ns.metadata).to.deep.equal({
      name: 'kc',
      creationTimestamp: null,
      labels: { team: 'x' },
      finalizers: ['a', 'b'],
    });
  });

  it('accepts repeated integers packed or not', () => {
    const packed = { no: 4, bytes: Uint8Array.from([...varint(1000), ...varint(2000)]) };
    const spec = decode('Pod', [
      { no: 2, bytes: [{ no: 14, bytes: [packed, { no: 4, varint: 3000 }] }] },
    ]).spec;
    expect(spec).to.deep.equal({
      containers: null,
      securityContext: { supplementalGroups: [1000, 2000, 3000] },
    });
  });

  it('inlines embedded structs and prints quantities and their zero divisor', () => {
    const container: WireField[] = [
      { no: 1, bytes: 'app' },
      {
        no: 7,
        bytes: [
          { no: 1, bytes: 'FROM_CM' },
          {
            no: 3,
            bytes: [
              {
                no: 3,
                bytes: [
                  { no: 1, bytes: [{ no: 1, bytes: 'settings' }] },
                  { no: 2, bytes: 'k' },
                ],
              },
            ],
          },
        ],
      },
      {
        no: 7,
        bytes: [
          { no: 1, bytes: 'CPU' },
          { no: 3, bytes: [{ no: 2, bytes: [{ no: 2, bytes: 'limits.cpu' }] }] },
        ],
      },
      { no: 8, bytes: [entry(1, 'cpu', [{ no: 1, bytes: '500m' }])] },
      {
        no: 11,
        bytes: [
          { no: 1, bytes: [{ no: 4, bytes: [{ no: 1, varint: 9000 }] }] },
          { no: 2, varint: 5 },
        ],
      },
    ];
    const volume: WireField[] = [
      { no: 1, bytes: 'config' },
      {
        no: 2,
        bytes: [
          {
            no: 19,
            bytes: [
              { no: 1, bytes: [{ no: 1, bytes: 'settings' }] },
              { no: 3, varint: 0o644 },
            ],
          },
        ],
      },
    ];
    const spec = decode('Pod', [
      {
        no: 2,
        bytes: [
          { no: 1, bytes: volume },
          { no: 2, bytes: container },
        ],
      },
    ]).spec;
    expect(spec).to.deep.equal({
      volumes: [{ name: 'config', configMap: { name: 'settings', defaultMode: 420 } }],
      containers: [
        {
          name: 'app',
          env: [
            { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'settings', key: 'k' } } },
            { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '0' } } },
          ],
          resources: { limits: { cpu: '500m' } },
          readinessProbe: { grpc: { port: 9000, service: null }, initialDelaySeconds: 5 },
        },
      ],
    });
  });

  it('prints owner references and managed fields', () => {
    const meta = decode('ConfigMap', [
      {
        no: 1,
        bytes: [
          {
            no: 13,
            bytes: [
              { no: 1, bytes: 'Deployment' },
              { no: 3, bytes: 'web' },
              { no: 6, varint: true },
            ],
          },
          {
            no: 17,
            bytes: [
              { no: 1, bytes: 'kubectl' },
              { no: 4, bytes: timestamp(1700000000) },
              { no: 6, bytes: 'FieldsV1' },
              { no: 7, bytes: [{ no: 1, bytes: '{"f:data":{".":{}}}' }] },
            ],
          },
        ],
      },
    ]).metadata;
    expect(meta).to.deep.equal({
      creationTimestamp: null,
      ownerReferences: [{ apiVersion: '', kind: 'Deployment', name: 'web', uid: '', controller: true }],
      managedFields: [
        {
          manager: 'kubectl',
          time: '2023-11-14T22:13:20Z',
          fieldsType: 'FieldsV1',
          fieldsV1: { 'f:data': { '.': {} } },
        },
      ],
    });
  });

  it('decodes DeleteOptions, keeping a zero grace period', () => {
    const options = decode(
      'DeleteOptions',
      [
        { no: 1, varint: 0 },
        { no: 2, bytes: [{ no: 1, bytes: 'uid-1' }] },
        { no: 4, bytes: 'Foreground' },
        { no: 5, bytes: 'All' },
      ],
      'meta.k8s.io/v1',
    );
    expect(options).to.deep.equal({
      gracePeriodSeconds: 0,
      preconditions: { uid: 'uid-1' },
      propagationPolicy: 'Foreground',
      dryRun: ['All'],
    });
  });
});
