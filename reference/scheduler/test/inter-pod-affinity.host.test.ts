// Inter-pod affinity and preferred node affinity, with the scheduler against a real reference
// apiserver process and two Nodes with no kubelet behind them: required anti-affinity spreads one
// pod per node and reports the extra one with upstream's message; required affinity waits for its
// target and follows it once it is bound; a namespaceSelector reaches pods in labelled
// namespaces; preferred terms steer placement against what resources alone would pick.
import { expect } from 'chai';
import * as k8s from '@kubernetes/client-node';
import {
  boundNode as bound,
  createReadyNode,
  failedSchedulingEvent,
  startSchedulerCluster,
  unschedulableCondition,
  type SchedulerCluster,
} from './support-host.ts';

const NS = 'affinity';
const PEERS_NS = 'affinity-peers';
const HOST = 'kubernetes.io/hostname';

const term = (labels: Record<string, string>, extra: Partial<k8s.V1PodAffinityTerm> = {}) => ({
  labelSelector: { matchLabels: labels },
  topologyKey: HOST,
  ...extra,
});

describe('reference scheduler: inter-pod affinity against the apiserver @host', function () {
  this.timeout(120_000);
  let cluster: SchedulerCluster | undefined;
  let core: k8s.CoreV1Api;

  const pod = (
    name: string,
    labels: Record<string, string>,
    spec: Partial<k8s.V1PodSpec> = {},
    namespace = NS,
  ): k8s.V1Pod => ({
    metadata: { name, namespace, labels },
    spec: {
      containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
      ...spec,
    },
  });
  const create = (p: k8s.V1Pod) => core.createNamespacedPod({ namespace: p.metadata!.namespace!, body: p });
  const pinned = (node: string) => ({ nodeSelector: { [HOST]: node } });
  const boundNode = (name: string, namespace = NS) => bound(core, namespace, name);
  const unschedulableMessage = (name: string) => unschedulableCondition(core, NS, name);

  before(async () => {
    cluster = await startSchedulerCluster('kconform-affinity-', [
      { metadata: { name: NS } },
      { metadata: { name: PEERS_NS, labels: { team: 'peers' } } },
    ]);
    ({ core } = cluster);
    // node-b is four times node-a: resources alone send every pod to node-b.
    await createReadyNode(core, 'node-a', { cpu: '2', memory: '4Gi', labels: { disk: 'ssd' } });
    await createReadyNode(core, 'node-b', { cpu: '8', memory: '16Gi' });
    await cluster.startScheduler();
  });

  after(async () => {
    await cluster?.stop();
  });

  it('required anti-affinity on hostname places one pod per node and reports the third as upstream does', async () => {
    const spread = (name: string) =>
      pod(
        name,
        { app: 'spread' },
        {
          affinity: {
            podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'spread' })] },
          },
        },
      );
    for (const name of ['spread-1', 'spread-2', 'spread-3']) await create(spread(name));
    const placed = await Promise.all(['spread-1', 'spread-2'].map((n) => boundNode(n)));
    expect([...placed].sort()).to.deep.equal(['node-a', 'node-b']);
    const message =
      "0/2 nodes are available: 2 node(s) didn't match pod anti-affinity rules. " +
      'preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.';
    expect(await unschedulableMessage('spread-3')).to.include({ reason: 'Unschedulable', message });
    expect(await failedSchedulingEvent(core, NS, 'spread-3')).to.deep.include({ type: 'Warning', message });

    // A replica going away frees its node for the pending one.
    await core.deleteNamespacedPod({ name: 'spread-1', namespace: NS, gracePeriodSeconds: 0 });
    expect(await boundNode('spread-3')).to.equal(placed[0]);
  });

  it('required pod affinity waits for its target and then joins its node', async () => {
    await create(
      pod(
        'follower',
        {},
        {
          affinity: {
            podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'target' })] },
          },
        },
      ),
    );
    expect(await unschedulableMessage('follower')).to.include({
      message:
        "0/2 nodes are available: 2 node(s) didn't match pod affinity rules. " +
        'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    });
    // The target's binding alone (no node change) must bring the follower back from the parked set.
    await create(pod('target', { app: 'target' }, pinned('node-a')));
    expect(await boundNode('target')).to.equal('node-a');
    expect(await boundNode('follower')).to.equal('node-a');
  });

  it('a pod parked by required anti-affinity is retried when a blocking pod’s labels change', async () => {
    for (const node of ['node-a', 'node-b']) {
      await create(pod(`guard-${node}`, { role: 'guard' }, pinned(node)));
      await boundNode(`guard-${node}`);
    }
    await create(
      pod(
        'shy',
        {},
        {
          affinity: {
            podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ role: 'guard' })] },
          },
        },
      ),
    );
    expect((await unschedulableMessage('shy')).message).to.include(
      "2 node(s) didn't match pod anti-affinity rules",
    );
    // Nothing else changes (no node update, no delete): only the relabelling can bring it back
    // before the 5-minute flush of parked pods.
    await core.patchNamespacedPod(
      { name: 'guard-node-b', namespace: NS, body: { metadata: { labels: { role: 'retired' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(await boundNode('shy')).to.equal('node-b');
    for (const node of ['node-a', 'node-b'])
      await core.deleteNamespacedPod({ name: `guard-${node}`, namespace: NS, gracePeriodSeconds: 0 });
    await core.deleteNamespacedPod({ name: 'shy', namespace: NS, gracePeriodSeconds: 0 });
  });

  it('matchLabelKeys: the apiserver narrows a term to the pod’s own revision, and the scheduler follows', async () => {
    const roll = (name: string, rev: string) =>
      pod(
        name,
        { app: 'roll', rev },
        {
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                term({ app: 'roll' }, { matchLabelKeys: ['rev'] }),
              ],
            },
          },
        },
      );
    const names = ['roll-r1-a', 'roll-r1-b', 'roll-r2-a', 'roll-r1-c'];
    for (const name of names.slice(0, 2)) await create(roll(name, 'r1'));
    expect((await Promise.all(names.slice(0, 2).map((n) => boundNode(n)))).sort()).to.deep.equal([
      'node-a',
      'node-b',
    ]);
    // app=roll runs on both nodes, but only pods of revision r2 count for an r2 pod.
    await create(roll('roll-r2-a', 'r2'));
    await boundNode('roll-r2-a');
    const stored = await core.readNamespacedPod({ name: 'roll-r2-a', namespace: NS });
    expect(
      stored.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.[0]
        ?.labelSelector,
    ).to.deep.equal({
      matchLabels: { app: 'roll' },
      matchExpressions: [{ key: 'rev', operator: 'In', values: ['r2'] }],
    });
    await create(roll('roll-r1-c', 'r1'));
    expect((await unschedulableMessage('roll-r1-c')).message).to.include(
      "2 node(s) didn't match pod anti-affinity rules",
    );
    for (const name of names) await core.deleteNamespacedPod({ name, namespace: NS, gracePeriodSeconds: 0 });
  });

  it('a namespaceSelector reaches pods in the namespaces whose labels it selects', async () => {
    await create(pod('peer', { app: 'peer' }, pinned('node-a'), PEERS_NS));
    expect(await boundNode('peer', PEERS_NS)).to.equal('node-a');
    await create(
      pod(
        'with-peers',
        {},
        {
          affinity: {
            podAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                term({ app: 'peer' }, { namespaceSelector: { matchLabels: { team: 'peers' } } }),
              ],
            },
          },
        },
      ),
    );
    expect(await boundNode('with-peers')).to.equal('node-a');
    // Without the selector the term covers only the pod's own namespace, where no peer runs.
    await create(
      pod(
        'own-namespace',
        {},
        {
          affinity: {
            podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'peer' })] },
          },
        },
      ),
    );
    expect((await unschedulableMessage('own-namespace')).message).to.include(
      "2 node(s) didn't match pod affinity rules",
    );
  });

  it('preferred pod affinity, pod anti-affinity and node affinity steer pods against resources', async () => {
    await create(pod('plain', {}));
    expect(await boundNode('plain'), 'resources alone').to.equal('node-b');
    await create(pod('anchor-a', { app: 'anchor-a' }, pinned('node-a')));
    await create(pod('anchor-b', { app: 'anchor-b' }, pinned('node-b')));
    await create(
      pod(
        'near-a',
        {},
        {
          affinity: {
            podAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 100, podAffinityTerm: term({ app: 'anchor-a' }) },
              ],
            },
          },
        },
      ),
    );
    await create(
      pod(
        'away-from-b',
        {},
        {
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 100, podAffinityTerm: term({ app: 'anchor-b' }) },
              ],
            },
          },
        },
      ),
    );
    await create(
      pod(
        'wants-ssd',
        {},
        {
          affinity: {
            nodeAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                {
                  weight: 100,
                  preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] },
                },
              ],
            },
          },
        },
      ),
    );
    expect(await boundNode('near-a')).to.equal('node-a');
    expect(await boundNode('away-from-b')).to.equal('node-a');
    expect(await boundNode('wants-ssd')).to.equal('node-a');
  });
});
