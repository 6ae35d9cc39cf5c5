// Dynamic provisioning through the cluster's default StorageClass (optional feature
// DynamicProvisioning): a claim of that class used by a pod gets a volume made for it, the pod
// writes and reads on it, and the volume goes with the claim when the class reclaims by Delete.
// The claim names the default class explicitly: whether a claim without a class is given the
// default one (the DefaultStorageClass admission) is not what this checks.
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { execMustSucceed } from '../../lib/exec.ts';
import { useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget } from '../../lib/wait.ts';
import { createServiceAccount, podUntil } from '../probes/probe-pods.ts';
import {
  MOUNT,
  boundClaim,
  claim,
  claimPod,
  defaultStorageClasses,
  deletePodAndWait,
  storageBytes,
  volumeUntil,
} from './storage-objects.ts';

describe('storage: dynamic provisioning', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('storage-dynamic');
  let provisioned: string | undefined;

  before(async function () {
    this.timeout(60_000);
    await createServiceAccount(ns.cluster, ns.name);
  });

  after(async function () {
    this.timeout(60_000);
    // A class that retains leaves its volume behind: remove the object at least.
    if (provisioned)
      await ns.cluster.core.deletePersistentVolume({ name: provisioned }).catch(() => undefined);
  });

  it('[STORAGE-DYNAMIC-PROVISIONING] a claim of the default class used by a pod gets a volume made for it', async () => {
    const budget = new Budget(spec('STORAGE-DYNAMIC-PROVISIONING').timeout);
    const { classes, defaults } = await defaultStorageClasses(ns.cluster);
    expect(
      defaults.length,
      `default StorageClasses among ${classes.map((c) => c.metadata?.name).join(', ') || 'none'}`,
    ).to.be.greaterThan(0);
    const sc = defaults[0]!;
    const className = sc.metadata!.name!;

    const created = await ns.cluster.core.createNamespacedPersistentVolumeClaim({
      namespace: ns.name,
      body: claim('dynamic', className, '16Mi'),
    });
    const token = randomBytes(8).toString('hex');
    await ns.cluster.core.createNamespacedPod({
      namespace: ns.name,
      body: claimPod('user', 'dynamic', 'sleep 3600', 'Always'),
    });
    await podUntil(
      ns.cluster,
      ns.name,
      'user',
      'Running',
      (p) => p.status?.phase === 'Running',
      budget.left(),
    );
    const bound = await boundClaim(ns.cluster, ns.name, 'dynamic', budget.left());
    provisioned = bound.spec!.volumeName!;
    const pv = await ns.cluster.core.readPersistentVolume({ name: provisioned });
    expect(pv.spec?.storageClassName, 'the volume class').to.equal(className);
    expect(pv.spec?.claimRef, 'the volume claimRef').to.include({
      namespace: ns.name,
      name: 'dynamic',
      uid: created.metadata?.uid,
    });
    expect(pv.spec?.persistentVolumeReclaimPolicy, 'the class reclaim policy').to.equal(
      sc.reclaimPolicy ?? 'Delete',
    );
    const capacity = pv.spec?.capacity?.storage as string | undefined;
    expect(storageBytes(capacity ?? ''), `the volume capacity ${capacity}`).to.be.at.least(
      storageBytes('16Mi'),
    );

    const target = { namespace: ns.name, pod: 'user', container: 'app' };
    await execMustSucceed(ns.cluster, target, ['sh', '-c', `echo ${token} > ${MOUNT}/token`], budget.left());
    const read = await execMustSucceed(ns.cluster, target, ['cat', `${MOUNT}/token`], budget.left());
    expect(read.trim(), 'read back from the provisioned volume').to.equal(token);

    await deletePodAndWait(ns.cluster, ns.name, 'user', budget.left());
    await ns.cluster.core.deleteNamespacedPersistentVolumeClaim({ name: 'dynamic', namespace: ns.name });
    if ((sc.reclaimPolicy ?? 'Delete') === 'Delete') {
      await volumeUntil(
        ns.cluster,
        provisioned,
        'deleted with its claim',
        (v) => v === undefined,
        budget.left(),
      );
      provisioned = undefined;
    }
  });
});
