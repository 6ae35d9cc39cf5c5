// In-use protection of claims and volumes (upstream's StorageObjectInUseProtection: a finalizer
// on every new claim and volume, held while a pod uses the claim or the volume is Bound), and
// the default StorageClass given to a claim that names none (the DefaultStorageClass admission,
// optional feature DynamicProvisioning). Static volumes are hostPath volumes under /tmp of a
// class of the test's own; the one a pod mounts is pinned to one schedulable node.
import { expect } from 'chai';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget } from '../../lib/wait.ts';
import { podUntil } from '../probes/probe-pods.ts';
import {
  boundClaim,
  claim,
  claimPod,
  claimUntil,
  defaultStorageClasses,
  deletePodAndWait,
  hostPathVolume,
  schedulableNode,
  useStorageNamespace,
  volumeUntil,
} from './storage-objects.ts';

const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
const PV_PROTECTION = 'kubernetes.io/pv-protection';

describe('storage: in-use protection and the default class', () => {
  useSpecTimeouts();
  const { ns, volumes, className, pvName, createClaim } = useStorageNamespace('storage-protect');
  const deleteClaim = (name: string) =>
    ns.cluster.core.deleteNamespacedPersistentVolumeClaim({ name, namespace: ns.name });
  const claimGone = (name: string, budget: Budget) =>
    claimUntil(ns.cluster, ns.name, name, 'removed', (c) => c === undefined, budget.left());
  const volumeGone = (name: string, budget: Budget) =>
    volumeUntil(ns.cluster, name, 'removed', (v) => v === undefined, budget.left());

  it('[STORAGE-PVC-IN-USE-PROTECTION] a claim a pod uses is not removed until the pod is gone', async () => {
    const budget = new Budget(spec('STORAGE-PVC-IN-USE-PROTECTION').timeout);
    const hostname = await schedulableNode(ns.cluster);
    const cls = className('pvc');
    // Delete, so the folder the pod's mount made on the node goes with the claim at the end.
    await volumes.create(
      ns.cluster,
      hostPathVolume(pvName('pvc'), { className: cls, size: '64Mi', policy: 'Delete', hostname }),
    );
    const created = await createClaim(claim('used', cls, '64Mi'));
    expect(created.metadata?.finalizers ?? [], 'finalizers of a new claim').to.include(PVC_PROTECTION);
    await boundClaim(ns.cluster, ns.name, 'used', budget.left());
    await ns.cluster.core.createNamespacedPod({
      namespace: ns.name,
      body: claimPod('user', 'used', 'sleep 3600', 'Always'),
    });
    await podUntil(
      ns.cluster,
      ns.name,
      'user',
      'Running',
      (p) => p.status?.phase === 'Running',
      budget.left(),
    );

    await deleteClaim('used');
    // A claim deleted after it that no pod uses goes: the control plane has looked at claims
    // deleted before it by then, and kept the one in use.
    await createClaim(claim('unused', cls, '1Ei'));
    await deleteClaim('unused');
    await claimGone('unused', budget);
    const kept = await ns.cluster.core.readNamespacedPersistentVolumeClaim({
      name: 'used',
      namespace: ns.name,
    });
    expect(kept.metadata?.deletionTimestamp, 'deletionTimestamp of the claim in use').to.not.equal(undefined);
    expect(kept.metadata?.finalizers ?? [], 'finalizers of the claim in use').to.include(PVC_PROTECTION);

    await deletePodAndWait(ns.cluster, ns.name, 'user', budget.left());
    await claimGone('used', budget);
    await volumeGone(pvName('pvc'), budget);
  });

  it('[STORAGE-PV-IN-USE-PROTECTION] a Bound volume is not removed until its claim is gone', async () => {
    const budget = new Budget(spec('STORAGE-PV-IN-USE-PROTECTION').timeout);
    const cls = className('pv');
    await volumes.create(
      ns.cluster,
      hostPathVolume(pvName('pv-bound'), { className: cls, size: '64Mi', policy: 'Retain' }),
    );
    await volumes.create(
      ns.cluster,
      hostPathVolume(pvName('pv-free'), { className: `${cls}-free`, size: '64Mi', policy: 'Retain' }),
    );
    const fresh = await ns.cluster.core.readPersistentVolume({ name: pvName('pv-bound') });
    expect(fresh.metadata?.finalizers ?? [], 'finalizers of a new volume').to.include(PV_PROTECTION);
    await createClaim(claim('holder', cls, '64Mi'));
    await boundClaim(ns.cluster, ns.name, 'holder', budget.left());
    await volumeUntil(
      ns.cluster,
      pvName('pv-bound'),
      'Bound',
      (v) => v?.status?.phase === 'Bound',
      budget.left(),
    );

    await ns.cluster.core.deletePersistentVolume({ name: pvName('pv-bound') });
    await volumeUntil(
      ns.cluster,
      pvName('pv-free'),
      'Available',
      (v) => v?.status?.phase === 'Available',
      budget.left(),
    );
    await ns.cluster.core.deletePersistentVolume({ name: pvName('pv-free') });
    await volumeGone(pvName('pv-free'), budget);
    const kept = await ns.cluster.core.readPersistentVolume({ name: pvName('pv-bound') });
    expect(kept.metadata?.deletionTimestamp, 'deletionTimestamp of the Bound volume').to.not.equal(undefined);
    expect(kept.metadata?.finalizers ?? [], 'finalizers of the Bound volume').to.include(PV_PROTECTION);
    expect(kept.status?.phase, 'phase of the volume being deleted').to.equal('Bound');

    await deleteClaim('holder');
    await volumeGone(pvName('pv-bound'), budget);
  });

  it('[STORAGE-PVC-DEFAULT-CLASS] a claim that names no class is given the newest default class', async () => {
    const { classes, defaults } = await defaultStorageClasses(ns.cluster);
    expect(
      defaults.length,
      `default StorageClasses among ${classes.map((c) => c.metadata?.name).join(', ') || 'none'}`,
    ).to.be.greaterThan(0);

    const classless = claim('classless', '', '16Mi');
    delete classless.spec!.storageClassName;
    const given = await createClaim(classless);
    expect(given.spec?.storageClassName, 'the class given at creation').to.equal(defaults[0]!.metadata?.name);
    const none = await createClaim(claim('no-class', '', '16Mi'));
    expect(none.spec?.storageClassName, 'a claim that asks for no class').to.equal('');
    const named = await createClaim(claim('named', className('named'), '16Mi'));
    expect(named.spec?.storageClassName, 'a claim that names a class').to.equal(className('named'));
    for (const c of ['classless', 'no-class', 'named']) await deleteClaim(c);
  });
});
