// The replication controller against a real reference apiserver, with no kubelet and no
// scheduler: pods stay unscheduled (so deleting them is immediate) and the test plays the
// kubelet's part in status through the status subresource.
import { expect } from 'chai';
import * as k8s from '@kubernetes/client-node';
import { eventuallyDefined, setPodStatus, useTestCluster } from './support/control-plane.ts';

const NS = 'rc';

function rc(
  name: string,
  replicas: number,
  labels: Record<string, string>,
  spec: Partial<k8s.V1PodSpec> = {},
): k8s.V1ReplicationController {
  return {
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: labels,
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }], ...spec },
      },
    },
  };
}

describe('replication controller against the apiserver @host', function () {
  this.timeout(60_000);
  const h = useTestCluster(['replicationcontroller', 'garbagecollector'], [NS]);

  const podsOf = async (app: string) =>
    (await h.core.listNamespacedPod({ namespace: NS, labelSelector: `app=${app}` })).items.filter(
      (p) => !p.metadata?.deletionTimestamp,
    );
  const count = (app: string, n: number) =>
    eventuallyDefined(`${n} pods of ${app}`, 20_000, async () => {
      const pods = await podsOf(app);
      return pods.length === n ? pods : undefined;
    });
  const events = async (name: string) =>
    (await h.core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` })).items;

  it('creates replicas from the template with a controller reference, and restores the count after a pod is deleted', async () => {
    const created = await h.core.createNamespacedReplicationController({
      namespace: NS,
      body: rc('web', 3, { app: 'web' }),
    });
    const pods = await count('web', 3);
    for (const pod of pods) {
      expect(pod.metadata?.generateName).to.equal('web-');
      expect(pod.metadata?.ownerReferences).to.deep.equal([
        {
          apiVersion: 'v1',
          kind: 'ReplicationController',
          name: 'web',
          uid: created.metadata!.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    await h.core.deleteNamespacedPod({ name: pods[0]!.metadata!.name!, namespace: NS });
    const after = await count('web', 3);
    expect(after.map((p) => p.metadata?.name)).to.not.include(pods[0]!.metadata!.name);
    const status = await eventuallyDefined('status replicas 3', 10_000, async () => {
      const got = await h.core.readNamespacedReplicationController({ name: 'web', namespace: NS });
      return got.status?.replicas === 3 && got.status.observedGeneration === got.metadata?.generation
        ? got.status
        : undefined;
    });
    expect(status).to.include({
      replicas: 3,
      fullyLabeledReplicas: 3,
      readyReplicas: 0,
      availableReplicas: 0,
    });
    const reasons = (await events('web')).map((e) => [e.reason, e.source?.component]);
    expect(reasons).to.deep.include(['SuccessfulCreate', 'replication-controller']);
  });

  it('scales up and down through the scale subresource, deleting not-ready pods before ready ones', async () => {
    await h.core.createNamespacedReplicationController({
      namespace: NS,
      body: rc('scale', 2, { app: 'scale' }),
    });
    const [keep, other] = await count('scale', 2);
    await setPodStatus(h.core, NS, keep!.metadata!.name!, { ip: '10.244.9.1', ready: true });
    await setPodStatus(h.core, NS, other!.metadata!.name!, { ip: '10.244.9.2', ready: false });
    await eventuallyDefined('readyReplicas 1', 10_000, async () => {
      const got = await h.core.readNamespacedReplicationController({ name: 'scale', namespace: NS });
      return got.status?.readyReplicas === 1 && got.status.availableReplicas === 1 ? true : undefined;
    });
    await h.core.replaceNamespacedReplicationControllerScale({
      name: 'scale',
      namespace: NS,
      body: { metadata: { name: 'scale', namespace: NS }, spec: { replicas: 5 } },
    });
    await count('scale', 5);
    await h.core.replaceNamespacedReplicationControllerScale({
      name: 'scale',
      namespace: NS,
      body: { metadata: { name: 'scale', namespace: NS }, spec: { replicas: 1 } },
    });
    const [left] = await count('scale', 1);
    expect(left!.metadata!.name, 'the ready pod is kept').to.equal(keep!.metadata!.name);
    const reasons = (await events('scale')).map((e) => e.reason);
    expect(reasons).to.include('SuccessfulDelete');
    const got = await eventuallyDefined('status replicas 1', 10_000, async () => {
      const x = await h.core.readNamespacedReplicationController({ name: 'scale', namespace: NS });
      return x.status?.replicas === 1 ? x : undefined;
    });
    expect(got.status?.readyReplicas).to.equal(1);
  });

  it('adopts a matching orphan pod and releases a pod whose labels stop matching', async () => {
    await h.core.createNamespacedPod({
      namespace: NS,
      body: {
        metadata: { name: 'orphan', labels: { app: 'adopt' } },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      },
    });
    const owner = await h.core.createNamespacedReplicationController({
      namespace: NS,
      body: rc('adopt', 1, { app: 'adopt' }),
    });
    const adopted = await eventuallyDefined('orphan adopted', 10_000, async () => {
      const pod = await h.core.readNamespacedPod({ name: 'orphan', namespace: NS });
      return pod.metadata?.ownerReferences?.[0]?.uid === owner.metadata?.uid ? pod : undefined;
    });
    expect(adopted.metadata?.ownerReferences?.[0]).to.include({ controller: true, blockOwnerDeletion: true });
    const [only] = await count('adopt', 1);
    expect(only!.metadata!.name, 'no extra pod was created').to.equal('orphan');

    await h.core.patchNamespacedPod(
      { name: 'orphan', namespace: NS, body: { metadata: { labels: { app: 'released' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const released = await eventuallyDefined('pod released', 10_000, async () => {
      const pod = await h.core.readNamespacedPod({ name: 'orphan', namespace: NS });
      return (pod.metadata?.ownerReferences ?? []).length === 0 ? pod : undefined;
    });
    expect(released.metadata?.labels).to.deep.equal({ app: 'released' });
    const [replacement] = await count('adopt', 1);
    expect(replacement!.metadata!.name).to.not.equal('orphan');
  });

  it('surfaces a template the apiserver refuses as a ReplicaFailure condition and a FailedCreate event, and clears it once fixed', async () => {
    // Template finalizers are not validated with the RC, but a pod's are: a finalizer that is
    // neither standard nor qualified makes a valid RC whose every pod is refused.
    const bad = rc('broken', 2, { app: 'broken' });
    bad.spec!.template!.metadata!.finalizers = ['broken'];
    await h.core.createNamespacedReplicationController({ namespace: NS, body: bad });
    const condition = await eventuallyDefined('ReplicaFailure', 15_000, async () => {
      const got = await h.core.readNamespacedReplicationController({ name: 'broken', namespace: NS });
      return got.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
    });
    expect(condition).to.include({ status: 'True', reason: 'FailedCreate' });
    expect(condition.message).to.match(
      /^Pod "broken-[a-z0-9]{5}" is invalid: metadata\.finalizers\[0\]: Invalid value: "broken": name is neither a standard finalizer name nor is it fully qualified$/,
    );
    const failed = (await events('broken')).find((e) => e.reason === 'FailedCreate');
    expect(failed?.type).to.equal('Warning');
    expect(failed?.message).to.match(/^Error creating: Pod "broken-[a-z0-9]{5}" is invalid/);
    expect((await podsOf('broken')).length).to.equal(0);

    const current = await h.core.readNamespacedReplicationController({ name: 'broken', namespace: NS });
    delete current.spec!.template!.metadata!.finalizers;
    await h.core.replaceNamespacedReplicationController({ name: 'broken', namespace: NS, body: current });
    await count('broken', 2);
    await eventuallyDefined('ReplicaFailure removed', 40_000, async () => {
      const got = await h.core.readNamespacedReplicationController({ name: 'broken', namespace: NS });
      return got.status?.conditions?.some((c) => c.type === 'ReplicaFailure') ? undefined : true;
    });
  });

  it('counts a pod available only after minReadySeconds', async () => {
    const body = rc('slow', 1, { app: 'slow' });
    body.spec!.minReadySeconds = 2;
    await h.core.createNamespacedReplicationController({ namespace: NS, body });
    const [pod] = await count('slow', 1);
    await setPodStatus(h.core, NS, pod!.metadata!.name!, { ip: '10.244.9.9', ready: true });
    const ready = await eventuallyDefined('readyReplicas 1', 10_000, async () => {
      const got = await h.core.readNamespacedReplicationController({ name: 'slow', namespace: NS });
      return got.status?.readyReplicas === 1 ? got.status : undefined;
    });
    expect(ready.availableReplicas, 'not yet available').to.equal(0);
    await eventuallyDefined('availableReplicas 1', 10_000, async () => {
      const got = await h.core.readNamespacedReplicationController({ name: 'slow', namespace: NS });
      return got.status?.availableReplicas === 1 ? true : undefined;
    });
  });
});
