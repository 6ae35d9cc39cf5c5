// The PersistentVolume controller against the reference apiserver (no kubelet): binding to the
// smallest fitting volume with upstream's phases and annotations, a claim nothing fits staying
// Pending with FailedBinding, reclaim by Retain / Delete / Recycle, a claim naming a volume too
// small for it, and dynamic provisioning by the local provisioner (Immediate, WaitForFirstConsumer,
// and a size it cannot honour), with the directories it makes and removes under --volume-root.
import { expect } from 'chai';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { DEFAULT_CLASS_NAME } from '../src/volume/default-storage-class.ts';
import { LOCAL_PROVISIONER } from '../src/volume/local-provisioner.ts';
import {
  eventsFor,
  eventually,
  startTestCluster,
  type TestCluster,
  unlessGone,
} from './support/control-plane.ts';

const NS = 'volumes';

describe('controllers: persistent volumes against the apiserver', function () {
  this.timeout(120_000);
  let c: TestCluster;
  let volumeRoot: string;

  const volume = (
    name: string,
    size: string,
    policy = 'Retain',
    extra: Partial<k8s.V1PersistentVolumeSpec> = {},
  ): k8s.V1PersistentVolume => ({
    metadata: { name },
    spec: {
      capacity: { storage: size },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: policy,
      storageClassName: '',
      hostPath: { path: join(c.dir, 'static', name) },
      ...extra,
    },
  });
  const claim = (name: string, size: string, extra: Partial<k8s.V1PersistentVolumeClaimSpec> = {}) => ({
    metadata: { name, namespace: NS },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      storageClassName: '',
      ...extra,
    },
  });
  const readClaim = (name: string) => c.core.readNamespacedPersistentVolumeClaim({ name, namespace: NS });
  const readVolume = (name: string) => unlessGone(c.core.readPersistentVolume({ name }));
  const boundClaim = (name: string) =>
    eventually(
      `claim ${name} Bound`,
      () => readClaim(name),
      (x) => x.status?.phase === 'Bound',
    );
  const volumePhase = (name: string, phase: string) =>
    eventually(
      `volume ${name} ${phase}`,
      () => readVolume(name),
      (v) => v?.status?.phase === phase,
    );
  const gone = (name: string) =>
    eventually(
      `volume ${name} deleted`,
      () => readVolume(name),
      (v) => v === undefined,
    );
  const eventSeen = (name: string, reason: string) =>
    eventually(
      `event ${reason} on ${name}`,
      () => eventsFor(c.core, NS, name),
      (events) => events.some((e) => e.reason === reason),
    ).then((events) => events.find((e) => e.reason === reason)!);

  before(async () => {
    c = await startTestCluster(['persistentvolume-binder', 'pvc-protection', 'pv-protection'], (dir) => ({
      resyncIntervalMs: 2_000,
      volumeRoot: join(dir, 'volumes'),
    }));
    volumeRoot = join(c.dir, 'volumes');
    await c.core.createNamespace({ body: { metadata: { name: NS } } });
  });

  after(async () => {
    await c?.stop();
  });

  it('binds a claim to the smallest volume that fits, never a too-small one, with phases and annotations', async () => {
    for (const [name, size] of [
      ['pv-small', '500Mi'],
      ['pv-right', '1Gi'],
      ['pv-big', '5Gi'],
    ] as const) {
      await c.core.createPersistentVolume({ body: volume(name, size) });
    }
    await volumePhase('pv-small', 'Available');
    await c.core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('data', '800Mi') });
    const bound = await boundClaim('data');
    expect(bound.spec?.volumeName).to.equal('pv-right');
    expect(bound.metadata?.annotations).to.include({
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
    });
    expect(bound.status?.capacity?.storage).to.equal('1Gi');
    expect(bound.status?.accessModes).to.deep.equal(['ReadWriteOnce']);
    const pv = await volumePhase('pv-right', 'Bound');
    expect(pv!.spec?.claimRef).to.include({ namespace: NS, name: 'data', uid: bound.metadata?.uid });
    expect(pv!.metadata?.annotations?.['pv.kubernetes.io/bound-by-controller']).to.equal('yes');
    expect((await readVolume('pv-small'))?.status?.phase).to.equal('Available');
  });

  it('leaves a claim nothing fits Pending with FailedBinding, and binds it once a volume appears', async () => {
    await c.core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('huge', '100Ti') });
    const event = await eventSeen('huge', 'FailedBinding');
    expect(event).to.include({
      type: 'Normal',
      message: 'no persistent volumes available for this claim and no storage class is set',
      source: 'persistentvolume-controller',
    });
    expect((await readClaim('huge')).status?.phase).to.equal('Pending');
    await c.core.createPersistentVolume({ body: volume('pv-huge', '200Ti') });
    expect((await boundClaim('huge')).spec?.volumeName).to.equal('pv-huge');
  });

  it('refuses a claim that names a volume too small for it, with VolumeMismatch', async () => {
    await c.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('named', '2Gi', { volumeName: 'pv-small' }),
    });
    const event = await eventSeen('named', 'VolumeMismatch');
    expect(event).to.include({
      type: 'Warning',
      message: 'Cannot bind to requested volume "pv-small": requested PV is too small',
    });
    expect((await readClaim('named')).status?.phase).to.equal('Pending');
  });

  it('keeps a Retain volume Released with its data, deletes a Delete one with its /tmp directory, fails a Recycle one', async () => {
    // Retain: pv-right, bound to "data" above.
    await c.core.deleteNamespacedPersistentVolumeClaim({ name: 'data', namespace: NS });
    const released = await volumePhase('pv-right', 'Released');
    expect(released!.spec?.claimRef?.name, 'the claimRef stays').to.equal('data');

    const dir = join(c.dir, 'static', 'pv-delete'); // c.dir is under /tmp
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'file'), 'data');
    await c.core.createPersistentVolume({
      body: volume('pv-delete', '3Gi', 'Delete', { storageClassName: 'manual' }),
    });
    await c.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('deleting', '3Gi', { storageClassName: 'manual' }),
    });
    await boundClaim('deleting');
    await c.core.deleteNamespacedPersistentVolumeClaim({ name: 'deleting', namespace: NS });
    await gone('pv-delete');
    expect(existsSync(dir), 'the hostPath directory under /tmp is removed').to.equal(false);

    await c.core.createPersistentVolume({
      body: volume('pv-recycle', '3Gi', 'Recycle', { storageClassName: 'old' }),
    });
    await c.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('recycling', '3Gi', { storageClassName: 'old' }),
    });
    await boundClaim('recycling');
    await c.core.deleteNamespacedPersistentVolumeClaim({ name: 'recycling', namespace: NS });
    const failed = await volumePhase('pv-recycle', 'Failed');
    expect(failed!.status?.message).to.equal('No recycler plugin found for the volume!');
    const events = await eventsFor(c.core, 'default', 'pv-recycle');
    expect(events).to.deep.include({
      reason: 'VolumeFailedRecycle',
      message: 'No recycler plugin found for the volume!',
      type: 'Warning',
      source: 'persistentvolume-controller',
    });
  });

  it('creates the default StorageClass kconform-local served by the local provisioner', async () => {
    const sc = await eventually(
      'StorageClass kconform-local',
      () => c.storage.readStorageClass({ name: DEFAULT_CLASS_NAME }),
      () => true,
    );
    expect(sc.provisioner).to.equal(LOCAL_PROVISIONER);
    expect(sc.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class']).to.equal('true');
    expect(sc.volumeBindingMode).to.equal('WaitForFirstConsumer');
    expect(sc.reclaimPolicy).to.equal('Delete');
  });

  it('provisions a directory and a bound volume for an Immediate class, and removes both when the claim goes', async () => {
    await c.storage.createStorageClass({
      body: { metadata: { name: 'now' }, provisioner: LOCAL_PROVISIONER, volumeBindingMode: 'Immediate' },
    });
    await c.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('dyn', '64Mi', { storageClassName: 'now' }),
    });
    const bound = await boundClaim('dyn');
    const name = `pvc-${bound.metadata?.uid}`;
    expect(bound.spec?.volumeName).to.equal(name);
    expect(bound.metadata?.annotations?.['volume.kubernetes.io/storage-provisioner']).to.equal(
      LOCAL_PROVISIONER,
    );
    const event = await eventSeen('dyn', 'ProvisioningSucceeded');
    expect(event.message).to.equal(`Successfully provisioned volume ${name} using ${LOCAL_PROVISIONER}`);
    const pv = (await readVolume(name))!;
    expect(pv.spec?.persistentVolumeReclaimPolicy).to.equal('Delete');
    expect(pv.spec?.storageClassName).to.equal('now');
    const path = pv.spec!.hostPath!.path;
    expect(path.startsWith(volumeRoot + '/'), `${path} under the volume root`).to.equal(true);
    expect(existsSync(path)).to.equal(true);

    await c.core.deleteNamespacedPersistentVolumeClaim({ name: 'dyn', namespace: NS });
    await gone(name);
    expect(existsSync(path), 'its directory is removed').to.equal(false);
  });

  it('waits for a consumer with WaitForFirstConsumer, and provisions once a node is selected', async () => {
    await c.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('late', '64Mi', { storageClassName: DEFAULT_CLASS_NAME }),
    });
    const event = await eventSeen('late', 'WaitForFirstConsumer');
    expect(event).to.include({
      type: 'Normal',
      message: 'waiting for first consumer to be created before binding',
    });
    expect((await readClaim('late')).status?.phase).to.equal('Pending');
    const entries = readdirSync(volumeRoot);
    expect(
      entries.some((e) => e.endsWith('_late')),
      'nothing provisioned yet',
    ).to.equal(false);

    const pending = await readClaim('late');
    pending.metadata!.annotations = {
      ...pending.metadata?.annotations,
      'volume.kubernetes.io/selected-node': 'node-1',
    };
    await c.core.replaceNamespacedPersistentVolumeClaim({ name: 'late', namespace: NS, body: pending });
    const bound = await boundClaim('late');
    expect(bound.spec?.volumeName).to.equal(`pvc-${bound.metadata?.uid}`);
  });

  it('leaves a claim its provisioner cannot honour Pending with ProvisioningFailed, and keeps working', async () => {
    await c.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('impossible', '8Ei', { storageClassName: 'now' }),
    });
    const event = await eventSeen('impossible', 'ProvisioningFailed');
    expect(event.type).to.equal('Warning');
    expect(event.message).to.match(
      new RegExp(
        `^failed to provision volume with StorageClass "now": insufficient capacity under ${volumeRoot}: requested 8Ei, \\S+ free$`,
      ),
    );
    expect((await readClaim('impossible')).status?.phase).to.equal('Pending');
    await c.core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('after', '1Mi', { storageClassName: 'now' }),
    });
    await boundClaim('after');
  });
});
