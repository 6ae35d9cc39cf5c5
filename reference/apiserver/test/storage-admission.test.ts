// The create-time storage admission plugins: DefaultStorageClass (a claim that asks for no class
// gets the newest default StorageClass; "" and the beta annotation are requests of their own) and
// StorageObjectInUseProtection (the pvc-protection / pv-protection finalizers on create, never
// re-added on update), as pure rules and through the in-process apiserver over its real store.
import { expect } from 'chai';
import request from 'supertest';
import {
  admitDefaultStorageClass,
  defaultClassName,
} from '../src/validation/default-storage-class-admission.ts';
import {
  PV_PROTECTION_FINALIZER,
  PVC_PROTECTION_FINALIZER,
  addProtectionFinalizer,
} from '../src/validation/storage-object-in-use-admission.ts';
import { startTestApi, type TestApi } from './support/test-api.ts';

const DEFAULT = 'storageclass.kubernetes.io/is-default-class';
const CLASSES = '/apis/storage.k8s.io/v1/storageclasses';
const CLAIMS = '/api/v1/namespaces/default/persistentvolumeclaims';
const VOLUMES = '/api/v1/persistentvolumes';

const storageClass = (name: string, annotations: Record<string, string> = {}, created?: string) => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name, annotations, ...(created ? { creationTimestamp: created } : {}) },
  provisioner: 'kconform.io/test',
});
const claim = (name: string, spec: Record<string, unknown> = {}, annotations?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, ...(annotations ? { annotations } : {}) },
  spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...spec },
});
const classOf = (c: unknown) => (c as { spec: { storageClassName?: string } }).spec.storageClassName;

describe('apiserver: DefaultStorageClass admission (rules)', () => {
  const classes = [
    storageClass('old', { [DEFAULT]: 'true' }, '2026-01-01T00:00:00Z'),
    storageClass('new-b', { [DEFAULT]: 'true' }, '2026-02-01T00:00:00Z'),
    storageClass(
      'new-a',
      { 'storageclass.beta.kubernetes.io/is-default-class': 'true' },
      '2026-02-01T00:00:00Z',
    ),
    storageClass('newest-not-default', { [DEFAULT]: 'false' }, '2026-03-01T00:00:00Z'),
  ];

  it('picks the newest default class, ties by name, and nothing when no class is marked "true"', () => {
    expect(defaultClassName(classes)).to.equal('new-a');
    expect(defaultClassName(classes.slice(0, 2))).to.equal('new-b');
    expect(defaultClassName([classes[3]!])).to.equal(undefined);
    expect(defaultClassName([])).to.equal(undefined);
  });

  it('sets the default on a claim without a class; keeps "", a named class and the beta annotation', () => {
    const input = claim('c');
    expect(classOf(admitDefaultStorageClass(input, classes))).to.equal('new-a');
    expect(input.spec, 'the input is not mutated').to.not.have.property('storageClassName');
    expect(classOf(admitDefaultStorageClass(claim('c', { storageClassName: '' }), classes))).to.equal('');
    expect(classOf(admitDefaultStorageClass(claim('c', { storageClassName: 'x' }), classes))).to.equal('x');
    const beta = claim('c', {}, { 'volume.beta.kubernetes.io/storage-class': 'fast' });
    expect(classOf(admitDefaultStorageClass(beta, classes))).to.equal(undefined);
    expect(classOf(admitDefaultStorageClass(claim('c'), []))).to.equal(undefined);
  });
});

describe('apiserver: StorageObjectInUseProtection admission (rules)', () => {
  it('adds the finalizer of the kind once, after the ones given, and touches no other kind', () => {
    const pvc = { metadata: { name: 'c', finalizers: ['example.com/x'] } };
    expect(
      (addProtectionFinalizer('PersistentVolumeClaim', pvc) as typeof pvc).metadata.finalizers,
    ).to.deep.equal(['example.com/x', PVC_PROTECTION_FINALIZER]);
    expect(pvc.metadata.finalizers, 'the input is not mutated').to.deep.equal(['example.com/x']);
    const pv = { metadata: { name: 'v', finalizers: [PV_PROTECTION_FINALIZER] } };
    expect(addProtectionFinalizer('PersistentVolume', pv)).to.equal(pv);
    const pod = { metadata: { name: 'p' } };
    expect(addProtectionFinalizer('Pod', pod)).to.equal(pod);
  });
});

describe('apiserver: storage admission on create (in-process, embedded store)', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
  });
  afterEach(async () => {
    await api.close();
  });

  const post = async (path: string, body: object) =>
    (await request(api.handler).post(path).send(body).expect(201)).body;
  const get = async (path: string) => (await request(api.handler).get(path).expect(200)).body;

  it('leaves a claim without a class as it is while no class is default, and gives it the newest default after', async () => {
    await post(CLASSES, storageClass('plain'));
    expect(classOf(await post(CLAIMS, claim('before')))).to.equal(undefined);

    await post(CLASSES, storageClass('first', { [DEFAULT]: 'true' }));
    const first = await get(`${CLASSES}/first`);
    // creationTimestamp has whole seconds: the second default must be created in a later second.
    const firstSecond = Date.parse(first.metadata.creationTimestamp as string);
    while (Math.floor(Date.now() / 1000) * 1000 <= firstSecond) await new Promise((r) => setTimeout(r, 50));
    await post(CLASSES, storageClass('second', { [DEFAULT]: 'true' }));

    expect(classOf(await post(CLAIMS, claim('after')))).to.equal('second');
    expect(classOf(await get(`${CLAIMS}/after`)), 'as stored').to.equal('second');
    expect(classOf(await post(CLAIMS, claim('none', { storageClassName: '' })))).to.equal('');
    expect(classOf(await post(CLAIMS, claim('named', { storageClassName: 'plain' })))).to.equal('plain');
    expect(classOf(await get(`${CLAIMS}/before`)), 'an existing claim is not changed').to.equal(undefined);
    const dryRun = (await request(api.handler).post(`${CLAIMS}?dryRun=All`).send(claim('dry')).expect(201))
      .body;
    expect(classOf(dryRun), 'a dry run is admitted too').to.equal('second');
  });

  it('lets a claim without a class be given one once, and refuses any other class change', async () => {
    const created = await post(CLAIMS, claim('late'));
    const named = { ...created, spec: { ...created.spec, storageClassName: 'gold' } };
    const updated = (await request(api.handler).put(`${CLAIMS}/late`).send(named).expect(200)).body;
    expect(classOf(updated)).to.equal('gold');
    const changed = { ...updated, spec: { ...updated.spec, storageClassName: 'silver' } };
    const refused = (await request(api.handler).put(`${CLAIMS}/late`).send(changed).expect(422)).body;
    expect(refused.message).to.match(
      /^PersistentVolumeClaim "late" is invalid: spec: Forbidden: spec is immutable after creation/,
    );
  });

  it('protects new claims and volumes with their finalizer, which holds a delete until it is removed and is not re-added', async () => {
    const pvc = await post(CLAIMS, claim('kept', { storageClassName: '' }));
    expect(pvc.metadata.finalizers).to.deep.equal([PVC_PROTECTION_FINALIZER]);
    const pv = await post(VOLUMES, {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv-kept' },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        hostPath: { path: '/tmp/pv-kept' },
      },
    });
    expect(pv.metadata.finalizers).to.deep.equal([PV_PROTECTION_FINALIZER]);

    // An update without the finalizer removes it for good: admission runs on create only.
    const bare = { ...pv, metadata: { ...pv.metadata, finalizers: [] } };
    const updated = (await request(api.handler).put(`${VOLUMES}/pv-kept`).send(bare).expect(200)).body;
    expect(updated.metadata.finalizers ?? []).to.deep.equal([]);

    // (The status code of a delete that waits is not what this checks.)
    await request(api.handler).delete(`${CLAIMS}/kept`);
    const deleting = await get(`${CLAIMS}/kept`);
    expect(deleting.metadata.deletionTimestamp, 'the claim waits with a deletionTimestamp').to.be.a('string');
    expect(deleting.metadata.finalizers).to.deep.equal([PVC_PROTECTION_FINALIZER]);
    const released = { ...deleting, metadata: { ...deleting.metadata, finalizers: [] } };
    await request(api.handler).put(`${CLAIMS}/kept`).send(released).expect(200);
    await request(api.handler).get(`${CLAIMS}/kept`).expect(404);
  });
});
