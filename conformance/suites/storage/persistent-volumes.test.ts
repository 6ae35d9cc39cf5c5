// Static PersistentVolumes: binding to the smallest fitting volume, a claim nothing fits staying
// Pending with FailedBinding, data outliving the pod that wrote it, and the Retain and Delete
// reclaim policies. Each test uses a storageClassName of its own (`<namespace>-<test>`), so no
// volume of anyone else can match its claims, and its volumes are named after the namespace.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { execMustSucceed } from '../../lib/exec.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget } from '../../lib/wait.ts';
import { podUntil } from '../probes/probe-pods.ts';
import {
  MOUNT,
  boundClaim,
  claim,
  claimPod,
  deletePodAndWait,
  eventWithReason,
  hostPathVolume,
  schedulableNode,
  useStorageNamespace,
  volumeUntil,
} from './storage-objects.ts';

describe('storage: persistent volumes', () => {
  useSpecTimeouts();
  const { ns, volumes, className, pvName, createClaim } = useStorageNamespace('storage-pv');
  const succeeded = (name: string, budget: Budget) =>
    podUntil(ns.cluster, ns.name, name, 'Succeeded', (p) => p.status?.phase === 'Succeeded', budget.left());

  it('[STORAGE-PVC-BINDS-SMALLEST-FIT] a claim binds to the smallest volume big enough, never a too-small one', async () => {
    const budget = new Budget(spec('STORAGE-PVC-BINDS-SMALLEST-FIT').timeout);
    const cls = className('fit');
    for (const size of ['1Gi', '2Gi', '3Gi']) {
      await volumes.create(
        ns.cluster,
        hostPathVolume(pvName(`fit-${size.toLowerCase()}`), { className: cls, size, policy: 'Delete' }),
      );
    }
    for (const size of ['1gi', '2gi', '3gi']) {
      await volumeUntil(
        ns.cluster,
        pvName(`fit-${size}`),
        'Available',
        (v) => v?.status?.phase === 'Available',
        budget.left(),
      );
    }
    const created = await createClaim(claim('fit', cls, '1536Mi'));
    const bound = await boundClaim(ns.cluster, ns.name, 'fit', budget.left());
    expect(bound.spec?.volumeName, 'the volume bound').to.equal(pvName('fit-2gi'));
    expect(bound.status?.capacity?.storage, 'status.capacity').to.equal('2Gi');
    expect(bound.status?.accessModes, 'status.accessModes').to.deep.equal(['ReadWriteOnce']);
    const pv = await volumeUntil(
      ns.cluster,
      pvName('fit-2gi'),
      'Bound',
      (v) => v?.status?.phase === 'Bound',
      budget.left(),
    );
    expect(pv?.spec?.claimRef, 'claimRef of the bound volume').to.include({
      namespace: ns.name,
      name: 'fit',
      uid: created.metadata?.uid,
    });
    for (const other of ['fit-1gi', 'fit-3gi']) {
      const v = await ns.cluster.core.readPersistentVolume({ name: pvName(other) });
      expect([v.status?.phase, v.spec?.claimRef], other).to.deep.equal(['Available', undefined]);
    }
  });

  it('[STORAGE-PVC-PENDING-NO-FIT] a claim no volume can hold stays Pending with a FailedBinding event', async () => {
    const budget = new Budget(spec('STORAGE-PVC-PENDING-NO-FIT').timeout);
    await createClaim(claim('enormous', '', '1Ei'));
    const event = await eventWithReason(
      ns.cluster,
      ns.name,
      'PersistentVolumeClaim',
      'enormous',
      'FailedBinding',
      budget.left(),
    );
    expect(event.message).to.equal(
      'no persistent volumes available for this claim and no storage class is set',
    );
    const pending = await ns.cluster.core.readNamespacedPersistentVolumeClaim({
      name: 'enormous',
      namespace: ns.name,
    });
    expect([pending.status?.phase, pending.spec?.volumeName ?? '']).to.deep.equal(['Pending', '']);

    const cls = className('small');
    await volumes.create(
      ns.cluster,
      hostPathVolume(pvName('small'), { className: cls, size: '1Gi', policy: 'Delete' }),
    );
    await volumeUntil(
      ns.cluster,
      pvName('small'),
      'Available',
      (v) => v?.status?.phase === 'Available',
      budget.left(),
    );
    await createClaim(claim('too-big', cls, '2Gi'));
    // The claim names a class with no StorageClass object: the control plane reports that it
    // cannot provision for it, which is also the evidence that it looked at the claim.
    const provisioning = await eventWithReason(
      ns.cluster,
      ns.name,
      'PersistentVolumeClaim',
      'too-big',
      'ProvisioningFailed',
      budget.left(),
    );
    expect(provisioning.message).to.equal(`storageclass.storage.k8s.io "${cls}" not found`);
    const small = await ns.cluster.core.readPersistentVolume({ name: pvName('small') });
    const tooBig = await ns.cluster.core.readNamespacedPersistentVolumeClaim({
      name: 'too-big',
      namespace: ns.name,
    });
    expect([tooBig.status?.phase, tooBig.spec?.volumeName ?? ''], 'claim too-big').to.deep.equal([
      'Pending',
      '',
    ]);
    expect([small.status?.phase, small.spec?.claimRef], 'the too-small volume').to.deep.equal([
      'Available',
      undefined,
    ]);
  });

  it('[STORAGE-PVC-DATA-OUTLIVES-POD] a new pod mounting the claim reads what a deleted pod wrote', async () => {
    const budget = new Budget(spec('STORAGE-PVC-DATA-OUTLIVES-POD').timeout);
    const hostname = await schedulableNode(ns.cluster);
    const cls = className('data');
    await volumes.create(
      ns.cluster,
      hostPathVolume(pvName('data'), { className: cls, size: '64Mi', policy: 'Delete', hostname }),
    );
    await createClaim(claim('data', cls, '64Mi'));
    await boundClaim(ns.cluster, ns.name, 'data', budget.left());
    const token = randomBytes(8).toString('hex');
    await ns.cluster.core.createNamespacedPod({
      namespace: ns.name,
      body: claimPod('writer', 'data', `echo ${token} > ${MOUNT}/token`),
    });
    const writer = await succeeded('writer', budget);
    await deletePodAndWait(ns.cluster, ns.name, 'writer', budget.left());

    await ns.cluster.core.createNamespacedPod({
      namespace: ns.name,
      body: claimPod('reader', 'data', 'sleep 3600', 'Always'),
    });
    const reader = await podUntil(
      ns.cluster,
      ns.name,
      'reader',
      'Running',
      (p) => p.status?.phase === 'Running',
      budget.left(),
    );
    expect(reader.spec?.nodeName, 'the reader runs where the writer ran').to.equal(writer.spec?.nodeName);
    const read = await execMustSucceed(
      ns.cluster,
      { namespace: ns.name, pod: 'reader', container: 'app' },
      ['cat', `${MOUNT}/token`],
      budget.left(),
    );
    expect(read.trim(), 'the file the writer left').to.equal(token);
    await deletePodAndWait(ns.cluster, ns.name, 'reader', budget.left());
    await ns.cluster.core.deleteNamespacedPersistentVolumeClaim({ name: 'data', namespace: ns.name });
  });

  it('[STORAGE-PV-RETAIN-KEEPS-DATA] a Retain volume is Released with its data when its claim goes, and can be claimed again', async () => {
    const budget = new Budget(spec('STORAGE-PV-RETAIN-KEEPS-DATA').timeout);
    const hostname = await schedulableNode(ns.cluster);
    const cls = className('retain');
    const name = pvName('retain');
    await volumes.create(
      ns.cluster,
      hostPathVolume(name, { className: cls, size: '64Mi', policy: 'Retain', hostname }),
    );
    const first = await createClaim(claim('first', cls, '64Mi'));
    await boundClaim(ns.cluster, ns.name, 'first', budget.left());
    const token = randomBytes(8).toString('hex');
    await ns.cluster.core.createNamespacedPod({
      namespace: ns.name,
      body: claimPod('retain-writer', 'first', `echo ${token} > ${MOUNT}/token`),
    });
    await succeeded('retain-writer', budget);
    await deletePodAndWait(ns.cluster, ns.name, 'retain-writer', budget.left());

    await ns.cluster.core.deleteNamespacedPersistentVolumeClaim({ name: 'first', namespace: ns.name });
    const released = await volumeUntil(
      ns.cluster,
      name,
      'Released',
      (v) => v?.status?.phase === 'Released',
      budget.left(),
    );
    expect(released?.spec?.claimRef, 'the claimRef names the deleted claim').to.include({
      name: 'first',
      uid: first.metadata?.uid,
    });

    await ns.cluster.core.patchPersistentVolume(
      { name, body: [{ op: 'remove', path: '/spec/claimRef' }] },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    await volumeUntil(
      ns.cluster,
      name,
      'Available again',
      (v) => v?.status?.phase === 'Available',
      budget.left(),
    );
    await createClaim(claim('second', cls, '64Mi', name));
    const second = await boundClaim(ns.cluster, ns.name, 'second', budget.left());
    expect(second.spec?.volumeName).to.equal(name);
    await ns.cluster.core.createNamespacedPod({
      namespace: ns.name,
      body: claimPod('retain-reader', 'second', `cat ${MOUNT}/token`),
    });
    await succeeded('retain-reader', budget);
    const log = await ns.cluster.core.readNamespacedPodLog({
      name: 'retain-reader',
      namespace: ns.name,
      container: 'app',
    });
    expect(log.trim(), 'the data kept on the Released volume').to.equal(token);

    // Clean up through the Delete policy, so the host path goes too where the cluster can remove it.
    await deletePodAndWait(ns.cluster, ns.name, 'retain-reader', budget.left());
    await ns.cluster.core.patchPersistentVolume(
      { name, body: { spec: { persistentVolumeReclaimPolicy: 'Delete' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await ns.cluster.core.deleteNamespacedPersistentVolumeClaim({ name: 'second', namespace: ns.name });
  });

  it('[STORAGE-PV-DELETE-RECLAIM] a Delete volume is deleted when its claim is', async () => {
    const budget = new Budget(spec('STORAGE-PV-DELETE-RECLAIM').timeout);
    const cls = className('delete');
    const name = pvName('delete');
    await volumes.create(
      ns.cluster,
      hostPathVolume(name, { className: cls, size: '64Mi', policy: 'Delete' }),
    );
    await createClaim(claim('doomed', cls, '64Mi'));
    await boundClaim(ns.cluster, ns.name, 'doomed', budget.left());
    await ns.cluster.core.deleteNamespacedPersistentVolumeClaim({ name: 'doomed', namespace: ns.name });
    await volumeUntil(ns.cluster, name, 'deleted', (v) => v === undefined, budget.left());
    const gone = await ns.cluster.core.readPersistentVolume({ name }).then(
      () => 200,
      (err: unknown) => (err as { code?: number }).code,
    );
    expect(gone, 'GET of the reclaimed volume').to.equal(404);
  });
});
