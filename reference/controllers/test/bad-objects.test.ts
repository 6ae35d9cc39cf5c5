// Bad objects end in the right status and event, never in a controller that loops on errors
// (issue #7): a claim no volume and no provisioner can serve stays Pending with upstream's
// event; a ReplicationController whose selector cannot match its template is refused by the
// apiserver and leaves nothing behind; one with zero replicas whose selector matches no pod
// stays at zero without an error and adopts nothing else. Each case ends by showing the
// controller still serves a good object. Against the reference apiserver, no kubelet.
// (A claim asking for more than the local provisioner's disk holds, and a claim of no class that
// no volume fits, are in volume-controller.test.ts; a pod asking for more CPU than any node has
// is in the scheduler's tests and the scheduling conformance specs.)
import { expect } from 'chai';
import { join } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { eventsFor, eventually, startTestCluster, type TestCluster } from './support/control-plane.ts';

const NS = 'bad';

describe('controllers: bad objects against the apiserver', function () {
  this.timeout(120_000);
  let c: TestCluster;

  const rc = (
    name: string,
    replicas: number,
    selector: Record<string, string>,
    labels: Record<string, string>,
  ): k8s.V1ReplicationController => ({
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector,
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] },
      },
    },
  });
  const readRc = (name: string) => c.core.readNamespacedReplicationController({ name, namespace: NS });
  const podsLabelled = async (selector: string) =>
    (await c.core.listNamespacedPod({ namespace: NS, labelSelector: selector })).items.filter(
      (p) => !p.metadata?.deletionTimestamp,
    );

  before(async () => {
    c = await startTestCluster(
      ['persistentvolume-binder', 'pvc-protection', 'pv-protection', 'replicationcontroller'],
      (dir) => ({ resyncIntervalMs: 2_000, volumeRoot: join(dir, 'volumes') }),
    );
    await c.core.createNamespace({ body: { metadata: { name: NS } } });
  });

  after(async () => {
    await c?.stop();
  });

  it('leaves a claim of a class whose provisioner is no plugin Pending with ProvisioningFailed, and keeps binding others', async () => {
    await c.storage.createStorageClass({
      body: {
        metadata: { name: 'static-only' },
        provisioner: 'kubernetes.io/no-provisioner',
        volumeBindingMode: 'Immediate',
      },
    });
    await c.core.createPersistentVolume({
      body: {
        metadata: { name: 'pv-small' },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'static-only',
          hostPath: { path: join(c.dir, 'pv-small') },
        },
      },
    });
    const claim = (name: string, size: string): k8s.V1PersistentVolumeClaim => ({
      metadata: { name, namespace: NS },
      spec: {
        accessModes: ['ReadWriteOnce'],
        resources: { requests: { storage: size } },
        storageClassName: 'static-only',
      },
    });
    await c.core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('too-big', '1Ei') });
    const events = await eventually(
      'ProvisioningFailed on too-big',
      () => eventsFor(c.core, NS, 'too-big'),
      (list) => list.some((e) => e.reason === 'ProvisioningFailed'),
    );
    expect(events.find((e) => e.reason === 'ProvisioningFailed')).to.deep.equal({
      reason: 'ProvisioningFailed',
      message: 'no volume plugin matched name: kubernetes.io/no-provisioner',
      type: 'Warning',
      source: 'persistentvolume-controller',
    });
    const pending = await c.core.readNamespacedPersistentVolumeClaim({ name: 'too-big', namespace: NS });
    expect(pending.status?.phase).to.equal('Pending');
    expect(pending.spec?.volumeName ?? '').to.equal('');
    expect((await c.core.readPersistentVolume({ name: 'pv-small' })).status?.phase).to.equal('Available');

    await c.core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('fits', '1Gi') });
    const bound = await eventually(
      'claim fits Bound',
      () => c.core.readNamespacedPersistentVolumeClaim({ name: 'fits', namespace: NS }),
      (x) => x.status?.phase === 'Bound',
    );
    expect(bound.spec?.volumeName).to.equal('pv-small');
  });

  it('refuses a ReplicationController whose selector cannot match its template, leaving nothing behind', async () => {
    let refused: unknown;
    try {
      await c.core.createNamespacedReplicationController({
        namespace: NS,
        body: rc('mismatch', 2, { app: 'nothing' }, { app: 'mismatch' }),
      });
    } catch (err) {
      refused = err;
    }
    expect((refused as { code?: number })?.code, 'the create is refused').to.equal(422);
    expect(JSON.parse((refused as { body: string }).body).message).to.equal(
      'ReplicationController "mismatch" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"mismatch"}: `selector` does not match template `labels`',
    );
    expect(await podsLabelled('app=mismatch')).to.deep.equal([]);
  });

  it('keeps a zero-replica ReplicationController whose selector matches no pod at zero, without errors, adopting nothing', async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'stranger', namespace: NS, labels: { app: 'other' } },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      },
    });
    await c.core.createNamespacedReplicationController({
      namespace: NS,
      body: rc('idle', 0, { app: 'idle' }, { app: 'idle' }),
    });
    const idle = await eventually(
      'rc idle observed',
      () => readRc('idle'),
      (x) => x.status?.observedGeneration === 1,
    );
    expect(idle.status).to.include({ replicas: 0 });
    expect(idle.status?.conditions ?? [], 'no ReplicaFailure').to.deep.equal([]);
    expect(await podsLabelled('app=idle')).to.deep.equal([]);
    expect((await eventsFor(c.core, NS, 'idle')).map((e) => e.reason)).to.deep.equal([]);
    const stranger = await c.core.readNamespacedPod({ name: 'stranger', namespace: NS });
    expect(
      stranger.metadata?.ownerReferences ?? [],
      'a pod its selector does not match stays an orphan',
    ).to.deep.equal([]);

    // The controller still works: scaled to one, the RC gets its pod.
    const current = await readRc('idle');
    current.spec!.replicas = 1;
    await c.core.replaceNamespacedReplicationController({ name: 'idle', namespace: NS, body: current });
    await eventually(
      'one pod of idle',
      () => podsLabelled('app=idle'),
      (pods) => pods.length === 1,
    );
  });
});
