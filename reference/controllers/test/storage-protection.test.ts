// Storage object in-use protection and default classes against the reference apiserver (no
// kubelet): the pvc-protection controller keeps a deleted claim while a scheduled pod names it
// (finished or not, as upstream) and lets it go once the pod is deleted; the pv-protection
// controller keeps a deleted volume while it is Bound; both put back a finalizer someone
// removed; and the PersistentVolume controller gives a claim made while no class was default
// the default class once there is one (retroactive assignment); a namespace whose claim a pod
// uses is still removed, claim after pod. Pods are created already bound
// to a node name (no scheduler), and a pod is finished by writing its status as a kubelet would.
import { expect } from 'chai';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { DEFAULT_CLASS_NAME } from '../src/volume/default-storage-class.ts';
import { LOCAL_PROVISIONER } from '../src/volume/local-provisioner.ts';
import { PVC_PROTECTION_FINALIZER, PV_PROTECTION_FINALIZER } from '../src/volume/protection.ts';
import {
  eventsFor,
  eventually,
  notFound,
  startTestCluster,
  type TestCluster,
  unlessGone,
} from './support/control-plane.ts';

const NS = 'protection';

describe('controllers: storage protection and default classes against the apiserver', function () {
  this.timeout(120_000);
  let c: TestCluster;

  const claim = (name: string, storageClassName?: string): k8s.V1PersistentVolumeClaim => ({
    metadata: { name, namespace: NS },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Mi' } },
      ...(storageClassName !== undefined ? { storageClassName } : {}),
    },
  });
  const pod = (name: string, claimName: string, nodeName?: string): k8s.V1Pod => ({
    metadata: { name, namespace: NS },
    spec: {
      ...(nodeName ? { nodeName } : {}),
      containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
    },
  });
  const readClaim = (name: string) =>
    unlessGone(c.core.readNamespacedPersistentVolumeClaim({ name, namespace: NS }));
  const readVolume = (name: string) => unlessGone(c.core.readPersistentVolume({ name }));
  const claimGone = (name: string) =>
    eventually(
      `claim ${name} deleted`,
      () => readClaim(name),
      (x) => x === undefined,
    );
  const deleteClaim = (name: string) => c.core.deleteNamespacedPersistentVolumeClaim({ name, namespace: NS });
  const deletePodNow = (name: string) =>
    c.core.deleteNamespacedPod({ name, namespace: NS, gracePeriodSeconds: 0 });

  before(async () => {
    c = await startTestCluster(
      ['persistentvolume-binder', 'pvc-protection', 'pv-protection', 'namespace'],
      (dir) => ({
        resyncIntervalMs: 2_000,
        volumeRoot: join(dir, 'volumes'),
      }),
    );
    await c.core.createNamespace({ body: { metadata: { name: NS } } });
  });

  after(async () => {
    await c?.stop();
  });

  it('keeps a deleted claim that a scheduled pod uses, finished or not, and removes it once the pod is deleted', async () => {
    for (const name of ['used', 'finished', 'unscheduled', 'unused']) {
      await c.core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim(name, '') });
    }
    await c.core.createNamespacedPod({ namespace: NS, body: pod('user', 'used', 'node-1') });
    await c.core.createNamespacedPod({ namespace: NS, body: pod('done', 'finished', 'node-1') });
    await c.core.createNamespacedPod({ namespace: NS, body: pod('waiting', 'unscheduled') });
    const done = await c.core.readNamespacedPod({ name: 'done', namespace: NS });
    done.status = { ...done.status, phase: 'Succeeded' };
    await c.core.replaceNamespacedPodStatus({ name: 'done', namespace: NS, body: done });

    for (const name of ['used', 'finished', 'unscheduled', 'unused']) await deleteClaim(name);
    // The claims nothing scheduled uses go: the controller has looked at this batch by then.
    await claimGone('unused');
    await claimGone('unscheduled');
    for (const name of ['used', 'finished']) {
      const kept = await readClaim(name);
      expect(kept?.metadata?.deletionTimestamp, `${name} waits with a deletionTimestamp`).to.not.equal(
        undefined,
      );
      expect(kept?.metadata?.finalizers).to.deep.equal([PVC_PROTECTION_FINALIZER]);
    }

    await deletePodNow('user');
    await claimGone('used');
    expect(await readClaim('finished'), 'a finished pod still holds its claim').to.not.equal(undefined);
    await deletePodNow('done');
    await claimGone('finished');
  });

  it('lets a namespace whose claim a pod uses be deleted: the claim goes after the pod, then the namespace', async () => {
    const ns = 'protection-ns';
    await c.core.createNamespace({ body: { metadata: { name: ns } } });
    await c.core.createNamespacedPersistentVolumeClaim({
      namespace: ns,
      body: { ...claim('kept', ''), metadata: { name: 'kept', namespace: ns } },
    });
    await c.core.createNamespacedPod({
      namespace: ns,
      body: { ...pod('user', 'kept', 'node-1'), metadata: { name: 'user', namespace: ns } },
    });
    await c.core.deleteNamespace({ name: ns });
    // No kubelet here: the pod stays Terminating, and the claim (deleted by the namespace
    // controller) waits for it.
    const waiting = await eventually(
      'claim kept being deleted',
      () => c.core.readNamespacedPersistentVolumeClaim({ name: 'kept', namespace: ns }),
      (x) => x.metadata?.deletionTimestamp !== undefined,
    );
    expect(waiting.metadata?.finalizers).to.deep.equal([PVC_PROTECTION_FINALIZER]);
    const terminating = await c.core.readNamespacedPod({ name: 'user', namespace: ns });
    expect(terminating.metadata?.deletionTimestamp, 'the pod waits for its kubelet').to.not.equal(undefined);
    // Play the kubelet: the pod is gone; the claim follows, then the namespace.
    await c.core.deleteNamespacedPod({ name: 'user', namespace: ns, gracePeriodSeconds: 0 });
    await eventually(
      `namespace ${ns} removed`,
      async () => {
        try {
          await c.core.readNamespace({ name: ns });
          return false;
        } catch (err) {
          if (notFound(err)) return true;
          throw err;
        }
      },
      (gone) => gone,
      60_000,
    );
  });

  it('keeps a deleted volume while it is Bound, and lets it go once its claim is gone', async () => {
    await c.core.createPersistentVolume({
      body: {
        metadata: { name: 'pv-held' },
        spec: {
          capacity: { storage: '1Mi' },
          accessModes: ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: 'held',
          hostPath: { path: join(c.dir, 'pv-held') },
        },
      },
    });
    await c.core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('holder', 'held') });
    await eventually(
      'claim holder Bound',
      () => readClaim('holder'),
      (x) => x?.status?.phase === 'Bound',
    );
    await c.core.deletePersistentVolume({ name: 'pv-held' });
    const held = await readVolume('pv-held');
    expect(held?.metadata?.deletionTimestamp).to.not.equal(undefined);
    expect(held?.metadata?.finalizers).to.deep.equal([PV_PROTECTION_FINALIZER]);
    expect(held?.status?.phase).to.equal('Bound');

    await deleteClaim('holder');
    await claimGone('holder');
    await eventually(
      'volume pv-held deleted',
      () => readVolume('pv-held'),
      (v) => v === undefined,
    );
  });

  it('puts back a protection finalizer that was removed from a claim or a volume not being deleted', async () => {
    await c.core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('bare', '') });
    await eventually(
      'finalizers of claim bare removed',
      async () => {
        const current = (await readClaim('bare'))!;
        current.metadata!.finalizers = [];
        await c.core.replaceNamespacedPersistentVolumeClaim({ name: 'bare', namespace: NS, body: current });
        return true;
      },
      () => true,
    );
    const again = await eventually(
      'the pvc-protection finalizer back on claim bare',
      () => readClaim('bare'),
      (x) => (x?.metadata?.finalizers ?? []).includes(PVC_PROTECTION_FINALIZER),
    );
    expect(again?.metadata?.finalizers).to.deep.equal([PVC_PROTECTION_FINALIZER]);

    await c.core.createPersistentVolume({
      body: {
        metadata: { name: 'pv-bare' },
        spec: {
          capacity: { storage: '1Mi' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'bare',
          hostPath: { path: join(c.dir, 'pv-bare') },
        },
      },
    });
    // The PersistentVolume controller writes the volume too: retry a write that conflicts.
    await eventually(
      'finalizers of volume pv-bare removed',
      async () => {
        const current = (await readVolume('pv-bare'))!;
        current.metadata!.finalizers = [];
        await c.core.replacePersistentVolume({ name: 'pv-bare', body: current });
        return true;
      },
      () => true,
    );
    await eventually(
      'the pv-protection finalizer back on volume pv-bare',
      () => readVolume('pv-bare'),
      (v) => (v?.metadata?.finalizers ?? []).includes(PV_PROTECTION_FINALIZER),
    );
  });

  it('gives a claim made while no class was default the default class once one appears, and provisions for it', async () => {
    // The binder made kconform-local the default at start: take that away first.
    const local = await eventually(
      `StorageClass ${DEFAULT_CLASS_NAME}`,
      () => c.storage.readStorageClass({ name: DEFAULT_CLASS_NAME }),
      () => true,
    );
    local.metadata!.annotations = { 'storageclass.kubernetes.io/is-default-class': 'false' };
    await c.storage.replaceStorageClass({ name: DEFAULT_CLASS_NAME, body: local });

    await c.core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('classless') });
    expect((await readClaim('classless'))?.spec?.storageClassName, 'no default at create').to.equal(
      undefined,
    );
    const waiting = await eventually(
      'FailedBinding on classless',
      () => eventsFor(c.core, NS, 'classless'),
      (events) => events.some((e) => e.reason === 'FailedBinding'),
    );
    expect(waiting.find((e) => e.reason === 'FailedBinding')?.message).to.equal(
      'no persistent volumes available for this claim and no storage class is set',
    );

    await c.storage.createStorageClass({
      body: {
        metadata: {
          name: 'late-default',
          annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' },
        },
        provisioner: LOCAL_PROVISIONER,
        volumeBindingMode: 'Immediate',
      },
    });
    const bound = await eventually(
      'claim classless Bound',
      () => readClaim('classless'),
      (x) => x?.status?.phase === 'Bound',
    );
    expect(bound?.spec?.storageClassName).to.equal('late-default');
    expect(bound?.spec?.volumeName).to.equal(`pvc-${bound?.metadata?.uid}`);

    // A claim that asked for no class with "" keeps it.
    await c.core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('no-class', '') });
    await eventually(
      'FailedBinding on no-class',
      () => eventsFor(c.core, NS, 'no-class'),
      (events) => events.some((e) => e.reason === 'FailedBinding'),
    );
    expect((await readClaim('no-class'))?.spec?.storageClassName).to.equal('');
    // And a claim created now gets the default from the apiserver's admission at once.
    await c.core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('admitted') });
    expect((await readClaim('admitted'))?.spec?.storageClassName).to.equal('late-default');
  });
});
