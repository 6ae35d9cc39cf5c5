// Scheduling as upstream's SchedulerPredicates tests check it: nodeSelector honoured, a pod that
// fits nowhere reported Unschedulable with a FailedScheduling event and placed once a node fits,
// taints kept off pods that do not tolerate them, and a controller's replicas spread over nodes.
// A label or taint a test puts on a node is removed in a `finally`, whatever the test's outcome.
import type { V1Node } from '@kubernetes/client-node';
import * as k8s from '@kubernetes/client-node';
import { expect } from 'chai';
import type { Cluster } from '../../lib/cluster.ts';
import { randomSuffix, useTestNamespace } from '../../lib/namespace.ts';
import { schedulableNodes } from '../../lib/nodes.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget } from '../../lib/wait.ts';
import {
  busybox,
  createWorkloadServiceAccount,
  describePods,
  notDeleting,
  podSpec,
  replicationController,
  waitForPods,
} from '../replication/workloads.ts';
import { HOSTNAME_LABEL, boundTo, expectUnschedulable, waitUnschedulable } from './scheduling-objects.ts';

const MERGE_PATCH = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const LABEL_PREFIX = 'conformance.kconform.io/e2e-';

async function firstSchedulableNode(cluster: Cluster): Promise<V1Node> {
  const [node] = await schedulableNodes(cluster);
  if (!node) throw new Error('the cluster has no schedulable Ready node');
  return node;
}

async function setNodeLabel(
  cluster: Cluster,
  node: string,
  key: string,
  value: string | null,
): Promise<void> {
  await cluster.core.patchNode({ name: node, body: { metadata: { labels: { [key]: value } } } }, MERGE_PATCH);
}

/** Read-modify-write of the node's taints, retried on a conflict with the kubelet's writes. */
async function editTaints(
  cluster: Cluster,
  name: string,
  edit: (taints: k8s.V1Taint[]) => k8s.V1Taint[],
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const node = await cluster.core.readNode({ name });
    node.spec = { ...node.spec, taints: edit(node.spec?.taints ?? []) };
    try {
      await cluster.core.replaceNode({ name, body: node });
      return;
    } catch (err) {
      if (!(err instanceof k8s.ApiException && err.code === 409) || attempt >= 10) throw err;
    }
  }
}

describe('scheduling: placement', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('scheduling');

  before(async function () {
    this.timeout(60_000);
    await createWorkloadServiceAccount(ns.cluster, ns.name);
  });

  const create = (name: string, extra: Partial<k8s.V1PodSpec> = {}, container = busybox('main')) =>
    ns.cluster.core.createNamespacedPod({
      namespace: ns.name,
      body: { metadata: { name }, spec: podSpec([container], extra) },
    });

  it('[SCHEDULING-NODESELECTOR-MATCHING] binds a pod with a nodeSelector to the node carrying the label', async () => {
    const budget = new Budget(spec('SCHEDULING-NODESELECTOR-MATCHING').timeout);
    const node = (await firstSchedulableNode(ns.cluster)).metadata!.name!;
    const key = `${LABEL_PREFIX}${randomSuffix()}`;
    await setNodeLabel(ns.cluster, node, key, '42');
    try {
      await create('with-labels', { nodeSelector: { [key]: '42' } });
      expect(await boundTo(ns.cluster, ns.name, 'with-labels', budget.left())).to.equal(node);
      await waitForPods(ns.cluster, ns.name, '', 'with-labels running', budget.left(), (p) =>
        p.some((x) => x.metadata?.name === 'with-labels' && x.status?.phase === 'Running'),
      );
    } finally {
      await setNodeLabel(ns.cluster, node, key, null);
    }
  });

  it('[SCHEDULING-PENDING-UNTIL-NODE-FITS] reports a pod no node fits as Unschedulable and binds it once a node fits', async () => {
    const budget = new Budget(spec('SCHEDULING-PENDING-UNTIL-NODE-FITS').timeout);
    const nodeCount = (await ns.cluster.core.listNode()).items.length;
    const key = `${LABEL_PREFIX}${randomSuffix()}`;
    await create('restricted-pod', { nodeSelector: { [key]: 'nonempty' } });
    const found = await waitUnschedulable(ns.cluster, ns.name, 'restricted-pod', budget.left());
    expectUnschedulable(found, nodeCount, "node(s) didn't match Pod's node affinity/selector");
    const node = (await firstSchedulableNode(ns.cluster)).metadata!.name!;
    await setNodeLabel(ns.cluster, node, key, 'nonempty');
    try {
      expect(await boundTo(ns.cluster, ns.name, 'restricted-pod', budget.left())).to.equal(node);
    } finally {
      await setNodeLabel(ns.cluster, node, key, null);
    }
  });

  it('[SCHEDULING-INSUFFICIENT-CPU] reports a pod asking for more CPU than any node has as Unschedulable', async () => {
    const budget = new Budget(spec('SCHEDULING-INSUFFICIENT-CPU').timeout);
    const nodes = (await ns.cluster.core.listNode()).items;
    const most = Math.max(...nodes.map((n) => cpuMillis(n.status?.allocatable?.['cpu'] ?? '0')));
    const request = `${Math.ceil(most / 1000) + 1}`;
    await create('too-big', {}, busybox('main', 'sleep 3600', { resources: { requests: { cpu: request } } }));
    const found = await waitUnschedulable(ns.cluster, ns.name, 'too-big', budget.left());
    expectUnschedulable(found, nodes.length, 'Insufficient cpu');
    const still = await ns.cluster.core.readNamespacedPod({ name: 'too-big', namespace: ns.name });
    expect(still.status?.phase).to.equal('Pending');
    expect(still.spec?.nodeName ?? '').to.equal('');
  });

  it('[SCHEDULING-TAINTS-TOLERATIONS] keeps pods that do not tolerate a NoSchedule taint off the node, and binds those that do', async () => {
    const budget = new Budget(spec('SCHEDULING-TAINTS-TOLERATIONS').timeout);
    const nodeCount = (await ns.cluster.core.listNode()).items.length;
    const node = await firstSchedulableNode(ns.cluster);
    const name = node.metadata!.name!;
    const hostname = node.metadata?.labels?.[HOSTNAME_LABEL] ?? name;
    const taint: k8s.V1Taint = {
      key: `${LABEL_PREFIX}${randomSuffix()}`,
      value: 'testing-taint-value',
      effect: 'NoSchedule',
    };
    await editTaints(ns.cluster, name, (taints) => [...taints, taint]);
    try {
      await create('intolerant', { nodeSelector: { [HOSTNAME_LABEL]: hostname } });
      const found = await waitUnschedulable(ns.cluster, ns.name, 'intolerant', budget.left());
      expectUnschedulable(found, nodeCount, `node(s) had untolerated taint {${taint.key}: ${taint.value}}`);
      await create('tolerant', {
        nodeSelector: { [HOSTNAME_LABEL]: hostname },
        tolerations: [{ key: taint.key, operator: 'Equal', value: taint.value, effect: 'NoSchedule' }],
      });
      expect(await boundTo(ns.cluster, ns.name, 'tolerant', budget.left())).to.equal(name);
    } finally {
      await editTaints(ns.cluster, name, (taints) => taints.filter((t) => t.key !== taint.key));
    }
  });

  it('[SCHEDULING-SPREAD-REPLICAS] spreads the replicas of a controller over every schedulable node', async () => {
    const budget = new Budget(spec('SCHEDULING-SPREAD-REPLICAS').timeout);
    const nodes = (await schedulableNodes(ns.cluster)).map((n) => n.metadata!.name!);
    if (nodes.length < 2) {
      throw new Error(
        `needs at least 2 schedulable nodes, the cluster has ${nodes.length}: a target with fewer must not declare MultiNode`,
      );
    }
    const replicas = nodes.length * 2;
    await ns.cluster.core.createNamespacedReplicationController({
      namespace: ns.name,
      body: replicationController('spread', replicas, { app: 'spread' }, podSpec([busybox('main')])),
    });
    const pods = await waitForPods(
      ns.cluster,
      ns.name,
      'app=spread',
      `${replicas} replicas bound`,
      budget.left(),
      (p) => p.filter(notDeleting).filter((x) => x.spec?.nodeName).length === replicas,
    );
    const used = new Set(pods.map((p) => p.spec!.nodeName!));
    for (const node of nodes)
      expect(used.has(node), `a replica on ${node}: ${describePods(pods)}`).to.equal(true);
  });
});

/** A CPU quantity (`2`, `1500m`, `0.5`) in millicores. */
function cpuMillis(quantity: string): number {
  if (quantity.endsWith('m')) return Number(quantity.slice(0, -1));
  return Math.round(Number(quantity) * 1000);
}
