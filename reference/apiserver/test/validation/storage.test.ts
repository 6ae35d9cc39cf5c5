// Expected texts are copied from pkg/apis/core/validation/validation.go
// (ValidatePersistentVolumeSpec, ValidatePersistentVolumeUpdate, ValidatePersistentVolumeClaimSpec,
// ValidatePersistentVolumeClaimUpdate).
import { expect } from 'chai';
import { validate } from '../../src/validation/core-v1.ts';
import { at, edited, messages, persistentVolume, persistentVolumeClaim, stored } from './fixtures.ts';

describe('validation: PersistentVolume', () => {
  const create = (o: Record<string, unknown>): string[] => messages(validate('PersistentVolume', o));

  it('accepts a defaulted hostPath volume', () => {
    expect(create(persistentVolume())).to.deep.equal([]);
  });

  it('requires capacity.storage and access modes', () => {
    const pv = edited(persistentVolume(), (o) => {
      at(o, 'spec').capacity = {};
      at(o, 'spec').accessModes = [];
    });
    expect(create(pv)).to.deep.equal([
      'spec.accessModes: Required value',
      'spec.capacity: Required value',
      'spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage"',
    ]);
    const zero = edited(persistentVolume(), (o) => (at(o, 'spec').capacity = { storage: '0' }));
    expect(create(zero)).to.deep.equal([
      'spec.capacity[storage]: Invalid value: "0": must be greater than zero',
    ]);
  });

  it('checks access modes and reclaim policy against their supported values', () => {
    const pv = edited(persistentVolume(), (o) => {
      at(o, 'spec').accessModes = ['ReadWriteSometimes', 'ReadWriteOncePod', 'ReadOnlyMany'];
      at(o, 'spec').persistentVolumeReclaimPolicy = 'Keep';
    });
    expect(create(pv)).to.deep.equal([
      'spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"',
      'spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes',
      'spec.persistentVolumeReclaimPolicy: Unsupported value: "Keep": supported values: "Delete", "Recycle", "Retain"',
    ]);
  });

  it('wants exactly one volume source; local volumes need node affinity', () => {
    const none = edited(persistentVolume(), (o) => delete at(o, 'spec').hostPath);
    expect(create(none)).to.deep.equal(['spec: Required value: must specify a volume type']);
    const two = edited(persistentVolume(), (o) => (at(o, 'spec').local = { path: '/mnt/disk' }));
    expect(create(two)).to.deep.equal(['spec.local: Forbidden: may not specify more than 1 volume type']);
    const local = edited(none, (o) => (at(o, 'spec').local = { path: '/mnt/disk' }));
    expect(create(local)).to.deep.equal([
      'spec.nodeAffinity: Required value: Local volume requires node affinity',
    ]);
  });

  it('checks node affinity as a node selector (validateVolumeNodeAffinity)', () => {
    const withAffinity = (nodeAffinity: unknown) =>
      create(edited(persistentVolume(), (o) => (at(o, 'spec').nodeAffinity = nodeAffinity)));
    expect(withAffinity({})).to.deep.equal([
      'spec.nodeAffinity.required: Required value: must specify required node constraints',
    ]);
    expect(withAffinity({ required: { nodeSelectorTerms: [] } })).to.deep.equal([
      'spec.nodeAffinity.required.nodeSelectorTerms: Required value: must have at least one node selector term',
    ]);
    const term = { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [] }] };
    expect(withAffinity({ required: { nodeSelectorTerms: [term] } })).to.deep.equal([
      "spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
    ]);
  });

  it('keeps the volume source immutable on update', () => {
    const old = stored(persistentVolume());
    const moved = edited(old, (o) => (at(o, 'spec', 'hostPath').path = '/tmp/other'));
    const errs = messages(validate('PersistentVolume', moved, old));
    expect(errs).to.have.length(1);
    expect(errs[0]?.split('\n')[0]).to.equal(
      'spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation',
    );
  });
});

describe('validation: PersistentVolumeClaim', () => {
  const create = (o: Record<string, unknown>): string[] => messages(validate('PersistentVolumeClaim', o));

  it('accepts a defaulted claim', () => {
    expect(create(persistentVolumeClaim())).to.deep.equal([]);
  });

  it('requires access modes and a storage request', () => {
    const pvc = edited(persistentVolumeClaim(), (o) => {
      at(o, 'spec').accessModes = [];
      at(o, 'spec').resources = {};
    });
    expect(create(pvc)).to.deep.equal([
      'spec.accessModes: Required value: at least 1 access mode is required',
      'spec.resources[storage]: Required value',
    ]);
  });

  it('lets a bound claim grow its request, nothing else', () => {
    const old = stored(persistentVolumeClaim());
    old.status = { phase: 'Bound', capacity: { storage: '1Gi' } };
    const grown = edited(old, (o) => (at(o, 'spec', 'resources', 'requests').storage = '2Gi'));
    expect(messages(validate('PersistentVolumeClaim', grown, old))).to.deep.equal([]);
    const shrunk = edited(old, (o) => (at(o, 'spec', 'resources', 'requests').storage = '512Mi'));
    expect(messages(validate('PersistentVolumeClaim', shrunk, old))).to.deep.equal([
      'spec.resources.requests.storage: Forbidden: field can not be less than status.capacity',
    ]);
    const modes = edited(old, (o) => (at(o, 'spec').accessModes = ['ReadWriteMany']));
    const [err] = messages(validate('PersistentVolumeClaim', modes, old));
    expect(err?.split('\n')[0]).to.equal(
      'spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    );
  });

  it('treats a request change of an unbound claim as a spec change', () => {
    const old = stored(persistentVolumeClaim());
    const grown = edited(old, (o) => (at(o, 'spec', 'resources', 'requests').storage = '2Gi'));
    const errs = messages(validate('PersistentVolumeClaim', grown, old));
    expect(errs).to.have.length(1);
    expect(errs[0]).to.match(/^spec: Forbidden: spec is immutable after creation/);
  });
});
