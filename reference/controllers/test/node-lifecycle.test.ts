// The node lifecycle, taint eviction and pod GC controllers against the reference apiserver, with
// Nodes and Leases the test writes itself (no kubelet): a node whose Lease stops moving goes
// Ready=Unknown and is tainted unreachable; its pods are evicted by their tolerations (the
// apiserver's default 300 s toleration keeps the others); the taints go when the node reports
// Ready again; pods of a deleted node are garbage-collected.
import { expect } from 'chai';
import * as k8s from '@kubernetes/client-node';
import { TAINT_UNREACHABLE } from '../src/node-lifecycle/taints.ts';
import {
  eventsFor,
  eventually,
  notFound,
  startTestCluster,
  type TestCluster,
} from './support/control-plane.ts';

const GRACE_MS = 3_000;
const NS = 'lifecycle';

describe('controllers: node lifecycle, taint eviction and pod GC against the apiserver', function () {
  this.timeout(120_000);
  let c: TestCluster;
  const heartbeats: NodeJS.Timeout[] = [];

  async function readyNode(name: string): Promise<void> {
    await c.core.createNode({ body: { metadata: { name, labels: { 'kubernetes.io/hostname': name } } } });
    await postReady(name);
    await c.coordination.createNamespacedLease({
      namespace: 'kube-node-lease',
      body: {
        metadata: { name, namespace: 'kube-node-lease' },
        spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: new k8s.V1MicroTime() },
      },
    });
  }
  async function postReady(name: string): Promise<void> {
    const node = await c.core.readNode({ name });
    const now = new Date();
    node.status = {
      ...node.status,
      conditions: [
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'test',
          lastHeartbeatTime: now,
          lastTransitionTime: now,
        },
      ],
    };
    await c.core.replaceNodeStatus({ name, body: node });
  }
  async function renewLease(name: string): Promise<void> {
    const lease = await c.coordination.readNamespacedLease({ name, namespace: 'kube-node-lease' });
    lease.spec = { ...lease.spec, renewTime: new k8s.V1MicroTime() };
    await c.coordination.replaceNamespacedLease({ name, namespace: 'kube-node-lease', body: lease });
  }
  const keepAlive = (name: string): void => {
    const t = setInterval(() => void renewLease(name).catch(() => undefined), 500);
    heartbeats.push(t);
  };
  const pod = (name: string, nodeName: string, tolerations?: k8s.V1Toleration[]): k8s.V1Pod => ({
    metadata: { name, namespace: NS },
    spec: {
      nodeName,
      containers: [{ name: 'c', image: 'busybox' }],
      ...(tolerations ? { tolerations } : {}),
    },
  });
  const podState = async (name: string) => {
    try {
      const p = await c.core.readNamespacedPod({ name, namespace: NS });
      return p.metadata?.deletionTimestamp ? 'terminating' : 'running';
    } catch (err) {
      if (notFound(err)) return 'gone';
      throw err;
    }
  };

  before(async () => {
    c = await startTestCluster(['nodelifecycle', 'taint-eviction-controller', 'podgc'], {
      nodeMonitorGracePeriodMs: GRACE_MS,
      nodeMonitorPeriodMs: 500,
      resyncIntervalMs: 2_000,
    });
    await c.core.createNamespace({ body: { metadata: { name: NS } } });
    await readyNode('healthy');
    await readyNode('lost');
    keepAlive('healthy');
  });

  after(async () => {
    for (const t of heartbeats) clearInterval(t);
    await c?.stop();
  });

  it('adds the default not-ready and unreachable tolerations (300 s) to pods at admission', async () => {
    const created = await c.core.createNamespacedPod({ namespace: NS, body: pod('defaulted', 'lost') });
    expect(created.spec?.tolerations).to.deep.include.members([
      {
        key: 'node.kubernetes.io/not-ready',
        operator: 'Exists',
        effect: 'NoExecute',
        tolerationSeconds: 300,
      },
      { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const own = await c.core.createNamespacedPod({
      namespace: NS,
      body: pod('forever', 'lost', [{ key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }]),
    });
    const unreachable = own.spec?.tolerations?.filter((t) => t.key === TAINT_UNREACHABLE);
    expect(unreachable, 'a toleration of its own is kept and not doubled').to.deep.equal([
      { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' },
    ]);
  });

  it('marks a node whose lease lapses Unknown and unreachable, evicts by toleration, and untaints it when it is back', async () => {
    await c.core.createNamespacedPod({
      namespace: NS,
      body: pod('short', 'lost', [
        { key: TAINT_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 },
      ]),
    });
    await c.core.createNamespacedPod({ namespace: NS, body: pod('on-healthy', 'healthy') });
    const started = Date.now();

    const lost = await eventually(
      'node "lost" Ready=Unknown with the unreachable NoExecute taint',
      () => c.core.readNode({ name: 'lost' }),
      (n) =>
        n.status?.conditions?.find((x) => x.type === 'Ready')?.status === 'Unknown' &&
        (n.spec?.taints ?? []).some((t) => t.key === TAINT_UNREACHABLE && t.effect === 'NoExecute'),
    );
    expect(Date.now() - started, 'not before the grace period').to.be.at.least(GRACE_MS - 500);
    const ready = lost.status!.conditions!.find((x) => x.type === 'Ready')!;
    expect(ready).to.include({
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });
    expect((lost.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`)).to.have.members([
      `${TAINT_UNREACHABLE}:NoSchedule`,
      `${TAINT_UNREACHABLE}:NoExecute`,
    ]);
    const healthy = await c.core.readNode({ name: 'healthy' });
    expect(healthy.spec?.taints ?? [], 'a node with a live lease is left alone').to.deep.equal([]);

    await eventually(
      'pod "short" evicted (2 s toleration)',
      () => podState('short'),
      (s) => s !== 'running',
    );
    const evicted = await c.core.readNamespacedPod({ name: 'short', namespace: NS });
    expect(evicted.status?.conditions?.find((x) => x.type === 'DisruptionTarget')).to.include({
      status: 'True',
      reason: 'DeletionByTaintManager',
    });
    expect(await eventsFor(c.core, NS, 'short')).to.deep.include({
      reason: 'TaintManagerEviction',
      message: `Marking for deletion Pod ${NS}/short`,
      type: 'Normal',
      source: 'taint-eviction-controller',
    });
    expect(await eventsFor(c.core, 'default', 'lost')).to.deep.include({
      reason: 'NodeNotReady',
      message: 'Node lost status is now: NodeNotReady',
      type: 'Normal',
      source: 'node-controller',
    });
    // The 300 s default and a forever toleration keep their pods; the healthy node's pod stays.
    for (const name of ['defaulted', 'forever', 'on-healthy'])
      expect(await podState(name), name).to.equal('running');

    await renewLease('lost');
    await postReady('lost');
    keepAlive('lost');
    await eventually(
      'node "lost" untainted once Ready again',
      () => c.core.readNode({ name: 'lost' }),
      (n) => (n.spec?.taints ?? []).length === 0,
    );
    expect(await eventsFor(c.core, 'default', 'lost')).to.deep.include({
      reason: 'NodeReady',
      message: 'Node lost status is now: NodeReady',
      type: 'Normal',
      source: 'node-controller',
    });
  });

  it('garbage-collects the pods of a deleted node, after its quarantine', async () => {
    await readyNode('doomed');
    keepAlive('doomed');
    await c.core.createNamespacedPod({ namespace: NS, body: pod('orphan', 'doomed') });
    await c.core.deleteNode({ name: 'doomed' });
    const deleted = Date.now();
    await eventually(
      'pod "orphan" gone',
      () => podState('orphan'),
      (s) => s === 'gone',
      30_000,
    );
    expect(Date.now() - deleted, 'not before the quarantine').to.be.at.least(GRACE_MS - 500);
    expect(await podState('on-healthy')).to.equal('running');
  });
});
