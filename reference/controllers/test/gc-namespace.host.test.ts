// The garbage collector and the namespace controller against a real reference apiserver (no
// kubelet): background collection of dependents whose owner is gone, foreground deletion that
// waits for blocking dependents, orphaning, and a deleted namespace emptied and then removed.
import { expect } from 'chai';
import * as k8s from '@kubernetes/client-node';
import { eventuallyDefined, useTestCluster } from './support/control-plane.ts';

const NS = 'gc';

const owned = (name: string, owner: k8s.V1ObjectMeta, kind: string, block = false): k8s.V1ConfigMap => ({
  metadata: {
    name,
    ownerReferences: [
      {
        apiVersion: 'v1',
        kind,
        name: owner.name!,
        uid: owner.uid!,
        ...(block ? { blockOwnerDeletion: true } : {}),
      },
    ],
  },
});

describe('garbage collector and namespace controller against the apiserver @host', function () {
  this.timeout(60_000);
  const h = useTestCluster(['garbagecollector', 'namespace', 'replicationcontroller'], [NS]);

  const exists = (name: string) =>
    h.core.readNamespacedConfigMap({ name, namespace: NS }).then(
      () => true,
      () => false,
    );
  const gone = (what: string, probe: () => Promise<boolean>) =>
    eventuallyDefined(`${what} gone`, 15_000, async () => ((await probe()) ? undefined : true));

  it('deletes a dependent whose owner is gone, and keeps one that still has another owner', async () => {
    const owner = await h.core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: 'owner' } },
    });
    const other = await h.core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: 'other' } },
    });
    await h.core.createNamespacedConfigMap({
      namespace: NS,
      body: owned('child', owner.metadata!, 'ConfigMap'),
    });
    const shared = owned('shared', owner.metadata!, 'ConfigMap');
    shared.metadata!.ownerReferences!.push({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      name: 'other',
      uid: other.metadata!.uid!,
    });
    await h.core.createNamespacedConfigMap({ namespace: NS, body: shared });
    await h.core.deleteNamespacedConfigMap({ name: 'owner', namespace: NS });
    await gone('child', () => exists('child'));
    const kept = await eventuallyDefined('dangling reference dropped', 10_000, async () => {
      const cm = await h.core.readNamespacedConfigMap({ name: 'shared', namespace: NS });
      return cm.metadata?.ownerReferences?.length === 1 ? cm : undefined;
    });
    expect(kept.metadata?.ownerReferences?.[0]?.uid).to.equal(other.metadata?.uid);
  });

  it('deletes a dependent created with an owner uid that never existed', async () => {
    await h.core.createNamespacedConfigMap({
      namespace: NS,
      body: owned('stray', { name: 'never', uid: '00000000-0000-0000-0000-000000000000' }, 'ConfigMap'),
    });
    await gone('stray', () => exists('stray'));
  });

  it('foreground deletion removes the blocking dependents first, then the owner', async () => {
    const rc = await h.core.createNamespacedReplicationController({
      namespace: NS,
      body: {
        metadata: { name: 'fg' },
        spec: {
          replicas: 2,
          selector: { app: 'fg' },
          template: {
            metadata: { labels: { app: 'fg' } },
            spec: { containers: [{ name: 'c', image: 'busybox' }] },
          },
        },
      },
    });
    await eventuallyDefined('2 pods', 10_000, async () => {
      const pods = await h.core.listNamespacedPod({ namespace: NS, labelSelector: 'app=fg' });
      return pods.items.length === 2 ? true : undefined;
    });
    // A dependent that does not block: deleted too, but the owner need not wait for it.
    await h.core.createNamespacedConfigMap({
      namespace: NS,
      body: owned('fg-note', rc.metadata!, 'ReplicationController'),
    });
    await h.core.deleteNamespacedReplicationController({
      name: 'fg',
      namespace: NS,
      propagationPolicy: 'Foreground',
    });
    await gone('rc fg', () =>
      h.core.readNamespacedReplicationController({ name: 'fg', namespace: NS }).then(
        () => true,
        () => false,
      ),
    );
    const left = await h.core.listNamespacedPod({ namespace: NS, labelSelector: 'app=fg' });
    expect(left.items, 'pods gone before their owner').to.deep.equal([]);
    await gone('fg-note', () => exists('fg-note'));
  });

  it('orphan deletion removes the owner and leaves its dependents without the reference', async () => {
    const owner = await h.core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: 'parent' } },
    });
    await h.core.createNamespacedConfigMap({
      namespace: NS,
      body: owned('kid', owner.metadata!, 'ConfigMap', true),
    });
    await h.core.deleteNamespacedConfigMap({ name: 'parent', namespace: NS, propagationPolicy: 'Orphan' });
    await gone('parent', () => exists('parent'));
    const kid = await h.core.readNamespacedConfigMap({ name: 'kid', namespace: NS });
    expect(kid.metadata?.ownerReferences ?? []).to.deep.equal([]);
  });

  it('empties a deleted namespace, writes its conditions, and removes it', async () => {
    const name = 'doomed';
    await h.core.createNamespace({ body: { metadata: { name } } });
    await h.core.createNamespacedConfigMap({ namespace: name, body: { metadata: { name: 'data' } } });
    await h.core.createNamespacedPod({
      namespace: name,
      body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    });
    // A finalizer of someone else's holds the namespace until it is removed.
    await h.core.createNamespacedConfigMap({
      namespace: name,
      body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } },
    });
    await h.core.deleteNamespace({ name });
    const terminating = await eventuallyDefined('NamespaceFinalizersRemaining', 15_000, async () => {
      const ns = await h.core.readNamespace({ name });
      const c = ns.status?.conditions?.find((x) => x.type === 'NamespaceFinalizersRemaining');
      return c?.status === 'True' ? ns : undefined;
    });
    const byType = Object.fromEntries((terminating.status?.conditions ?? []).map((c) => [c.type, c]));
    expect(byType['NamespaceFinalizersRemaining']).to.include({
      reason: 'SomeFinalizerRemain',
      message: 'Some finalizers are remaining: example.com/hold in 1 resource instances',
    });
    expect(byType['NamespaceContentRemaining']).to.include({
      status: 'True',
      reason: 'SomeResourcesRemain',
      message: 'Some resources are remaining: configmaps. has 1 resource instances',
    });
    expect(byType['NamespaceDeletionDiscoveryFailure']).to.include({
      status: 'False',
      reason: 'ResourcesDiscovered',
    });
    const pods = await h.core.listNamespacedPod({ namespace: name });
    expect(pods.items).to.deep.equal([]);

    await h.core.patchNamespacedConfigMap(
      { name: 'held', namespace: name, body: { metadata: { finalizers: null } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await gone(`namespace ${name}`, () =>
      h.core.readNamespace({ name }).then(
        () => true,
        () => false,
      ),
    );
  });
});
