// Expected texts are copied from pkg/apis/core/validation/validation.go (ValidateNamespace,
// ValidateConfigMap[Update], ValidateSecret[Update], ValidateNode, ValidateEndpoints,
// ValidateReplicationControllerSpec, ValidatePodTemplateSpecForRC, ValidateServiceAccount),
// pkg/apis/core/validation/events.go (legacyValidateEvent) and
// k8s.io/apimachinery/pkg/api/validation/path/name.go.
import { expect } from 'chai';
import { validate } from '../../src/validation/core-v1.ts';
import {
  at,
  defaulted,
  edited,
  LABEL_MSG,
  messages,
  replicationController,
  stored,
  SUBDOMAIN_MSG,
} from './fixtures.ts';

const create = (kind: string, o: unknown): string[] => messages(validate(kind, o));

describe('validation: Namespace', () => {
  it('names namespaces by DNS label and forbids a namespace on them', () => {
    expect(create('Namespace', defaulted('Namespace', { metadata: { name: 'team-a' } }))).to.deep.equal([]);
    expect(create('Namespace', { metadata: { name: 'team.a', namespace: 'x' } })).to.deep.equal([
      'metadata.name: Invalid value: "team.a": must not contain dots',
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
  });

  it('checks spec.finalizers on the list path', () => {
    expect(create('Namespace', { metadata: { name: 'a' }, spec: { finalizers: ['custom'] } })).to.deep.equal([
      'spec.finalizers: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });
});

describe('validation: ConfigMap and Secret', () => {
  const meta = { name: 'cfg', namespace: 'default' };

  it('checks keys and the 1 MiB total, reported on "[]" as upstream does', () => {
    expect(
      create('ConfigMap', { metadata: meta, data: { 'a b': '1', ok: 'x' }, binaryData: { ok: 'eA==' } }),
    ).to.deep.equal([
      "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
      'data[ok]: Invalid value: "ok": duplicate of key present in binaryData',
    ]);
    expect(create('ConfigMap', { metadata: meta, data: { big: 'x'.repeat(1024 * 1024 + 1) } })).to.deep.equal(
      ['[]: Too long: must have at most 1048576 bytes'],
    );
  });

  it('keeps immutable ConfigMaps immutable', () => {
    const old = stored({ metadata: meta, data: { a: '1' }, immutable: true });
    const changed = edited(old, (o) => {
      o.data = { a: '2' };
      o.immutable = false;
    });
    expect(messages(validate('ConfigMap', changed, old))).to.deep.equal([
      'immutable: Forbidden: field is immutable when `immutable` is set',
      'data: Forbidden: field is immutable when `immutable` is set',
    ]);
  });

  it('checks secret types and keeps the type immutable', () => {
    const tls = defaulted('Secret', {
      metadata: meta,
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': 'eA==' },
    });
    expect(create('Secret', tls)).to.deep.equal(['data[tls.key]: Required value']);
    const sa = defaulted('Secret', { metadata: meta, type: 'kubernetes.io/service-account-token' });
    expect(create('Secret', sa)).to.deep.equal([
      'metadata.annotations[kubernetes.io/service-account.name]: Required value',
    ]);
    const old = stored(defaulted('Secret', { metadata: meta, stringData: { a: 'b' } }));
    expect(messages(validate('Secret', old, old))).to.deep.equal([]);
    const retyped = edited(old, (o) => (o.type = 'kubernetes.io/basic-auth'));
    expect(messages(validate('Secret', retyped, old))).to.deep.equal([
      'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
      'data[username]: Required value',
      'data[password]: Required value',
    ]);
  });
});

describe('validation: Node, Endpoints, ServiceAccount, Event', () => {
  it('checks node names and taints (reported under metadata.taints, as upstream does)', () => {
    const node = {
      metadata: { name: 'node-1' },
      spec: { taints: [{ key: 'k', effect: 'Sometimes' }], podCIDRs: ['10.0.0.0/33'] },
    };
    expect(create('Node', node)).to.deep.equal([
      'metadata.taints[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"',
      'spec.podCIDRs[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ]);
  });

  it('checks endpoint addresses and ports', () => {
    const ep = defaulted('Endpoints', {
      metadata: { name: 'web', namespace: 'default' },
      subsets: [
        { addresses: [{ ip: '127.0.0.1' }, { ip: 'x' }], ports: [{ port: 80 }, { name: 'b', port: 0 }] },
        { ports: [{ port: 81 }] },
      ],
    });
    expect(create('Endpoints', ep)).to.deep.equal([
      'subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'subsets[0].addresses[1].ip: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'subsets[0].addresses[1].ip: Invalid value: "x": must be a valid IP address',
      'subsets[0].ports[0].name: Required value',
      'subsets[0].ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`',
    ]);
  });

  it('names service accounts by subdomain', () => {
    expect(create('ServiceAccount', { metadata: { name: 'Bad', namespace: 'default' } })).to.deep.equal([
      `metadata.name: Invalid value: "Bad": ${SUBDOMAIN_MSG}`,
    ]);
  });

  it('events: involvedObject namespace must match; names only as path segments', () => {
    const event = {
      metadata: { name: 'e1', namespace: 'default' },
      involvedObject: { kind: 'Pod', namespace: 'other' },
    };
    expect(create('Event', event)).to.deep.equal([
      'involvedObject.namespace: Invalid value: "other": does not match event.namespace',
    ]);
    const slash = {
      metadata: { name: 'a/b', namespace: 'default' },
      involvedObject: { namespace: 'default' },
    };
    expect(create('Event', slash)).to.deep.equal([
      'metadata.name: Invalid value: "a/b": may not contain \'/\'',
    ]);
  });
});

describe('validation: ReplicationController', () => {
  it('accepts a defaulted controller whose selector comes from the template', () => {
    expect(create('ReplicationController', replicationController())).to.deep.equal([]);
  });

  it('wants a matching selector, non-negative replicas, Always restart', () => {
    const rc = edited(replicationController(), (o) => {
      at(o, 'spec').selector = { app: 'other' };
      at(o, 'spec').replicas = -1;
      at(o, 'spec', 'template', 'spec').restartPolicy = 'Never';
    });
    expect(create('ReplicationController', rc)).to.deep.equal([
      'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      'spec.template.metadata.labels: Invalid value: map[string]string{"app":"rc"}: `selector` does not match template `labels`',
      'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
    ]);
  });

  it('requires a template and a selector', () => {
    expect(
      create('ReplicationController', { metadata: { name: 'rc', namespace: 'default' }, spec: {} }),
    ).to.deep.equal(['spec.selector: Required value', 'spec.template: Required value']);
  });

  it('validates the template spec with template paths', () => {
    const rc = edited(
      replicationController(),
      (o) => (at(o, 'spec', 'template', 'spec', 'containers', 0).name = 'App'),
    );
    expect(create('ReplicationController', rc)).to.deep.equal([
      `spec.template.spec.containers[0].name: Invalid value: "App": ${LABEL_MSG}`,
    ]);
  });
});
