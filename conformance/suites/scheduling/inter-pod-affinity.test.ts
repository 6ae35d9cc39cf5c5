// Inter-pod affinity as a scheduler must honour it: required anti-affinity on the hostname keeps
// one pod per node and leaves the extra one Pending with a FailedScheduling event; required
// affinity keeps a pod Pending until its target runs and then places it on the target's node;
// preferred affinity draws a pod to its target's node. Pods only: no node is labelled or tainted.
import type { V1PodAffinityTerm, V1PodSpec } from '@kubernetes/client-node';
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { schedulableNodes } from '../../lib/nodes.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget } from '../../lib/wait.ts';
import {
  busybox,
  createWorkloadServiceAccount,
  describePods,
  podSpec,
  waitForPods,
} from '../replication/workloads.ts';
import { HOSTNAME_LABEL, boundTo, expectUnschedulable, waitUnschedulable } from './scheduling-objects.ts';

const hostTerm = (labels: Record<string, string>): V1PodAffinityTerm => ({
  labelSelector: { matchLabels: labels },
  topologyKey: HOSTNAME_LABEL,
});

describe('scheduling: inter-pod affinity', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('pod-affinity');

  before(async function () {
    this.timeout(60_000);
    await createWorkloadServiceAccount(ns.cluster, ns.name);
  });

  const create = (name: string, labels: Record<string, string>, extra: Partial<V1PodSpec> = {}) =>
    ns.cluster.core.createNamespacedPod({
      namespace: ns.name,
      body: { metadata: { name, labels }, spec: podSpec([busybox('main')], extra) },
    });

  it('[SCHEDULING-POD-ANTI-AFFINITY-REQUIRED] places pods with required anti-affinity one per node and leaves the extra one Pending', async () => {
    const budget = new Budget(spec('SCHEDULING-POD-ANTI-AFFINITY-REQUIRED').timeout);
    const nodeCount = (await ns.cluster.core.listNode()).items.length;
    const nodes = (await schedulableNodes(ns.cluster)).map((n) => n.metadata!.name!);
    if (nodes.length === 0) throw new Error('the cluster has no schedulable Ready node');
    const labels = { app: 'one-per-node' };
    const antiAffinity = {
      affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [hostTerm(labels)] } },
    };
    const names = nodes.map((_, i) => `replica-${i}`);
    for (const name of names) await create(name, labels, antiAffinity);
    const pods = await waitForPods(
      ns.cluster,
      ns.name,
      'app=one-per-node',
      `${names.length} replicas bound`,
      budget.left(),
      (p) => p.filter((x) => x.spec?.nodeName).length === names.length,
    );
    const used = pods.map((p) => p.spec!.nodeName!);
    expect(new Set(used).size, `one replica per node: ${describePods(pods)}`).to.equal(nodes.length);

    await create('replica-extra', labels, antiAffinity);
    const found = await waitUnschedulable(ns.cluster, ns.name, 'replica-extra', budget.left());
    expectUnschedulable(found, nodeCount, "node(s) didn't match pod anti-affinity rules");
  });

  it('[SCHEDULING-POD-AFFINITY-REQUIRED] keeps a pod with required affinity Pending until its target runs, then places it beside the target', async () => {
    const budget = new Budget(spec('SCHEDULING-POD-AFFINITY-REQUIRED').timeout);
    const nodeCount = (await ns.cluster.core.listNode()).items.length;
    const nodes = await schedulableNodes(ns.cluster);
    const last = nodes[nodes.length - 1];
    if (!last) throw new Error('the cluster has no schedulable Ready node');
    await create(
      'follower',
      {},
      {
        affinity: {
          podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [hostTerm({ app: 'leader' })] },
        },
      },
    );
    const found = await waitUnschedulable(ns.cluster, ns.name, 'follower', budget.left());
    expectUnschedulable(found, nodeCount, "node(s) didn't match pod affinity rules");

    const hostname = last.metadata?.labels?.[HOSTNAME_LABEL] ?? last.metadata!.name!;
    await create('leader', { app: 'leader' }, { nodeSelector: { [HOSTNAME_LABEL]: hostname } });
    const leaderNode = await boundTo(ns.cluster, ns.name, 'leader', budget.left());
    expect(leaderNode).to.equal(last.metadata!.name);
    expect(await boundTo(ns.cluster, ns.name, 'follower', budget.left())).to.equal(leaderNode);
  });

  it('[SCHEDULING-POD-AFFINITY-PREFERRED] places a pod with preferred affinity on the node of the pod it prefers', async () => {
    const budget = new Budget(spec('SCHEDULING-POD-AFFINITY-PREFERRED').timeout);
    const nodes = await schedulableNodes(ns.cluster);
    if (nodes.length < 2) {
      throw new Error(
        `needs at least 2 schedulable nodes, the cluster has ${nodes.length}: a target with fewer must not declare MultiNode`,
      );
    }
    // The anchor goes to the first node; spreading and free resources then pull away from it.
    const first = nodes[0]!;
    const hostname = first.metadata?.labels?.[HOSTNAME_LABEL] ?? first.metadata!.name!;
    await create('anchor', { app: 'anchor' }, { nodeSelector: { [HOSTNAME_LABEL]: hostname } });
    const anchorNode = await boundTo(ns.cluster, ns.name, 'anchor', budget.left());
    await create(
      'drawn',
      {},
      {
        affinity: {
          podAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              { weight: 100, podAffinityTerm: hostTerm({ app: 'anchor' }) },
            ],
          },
        },
      },
    );
    expect(await boundTo(ns.cluster, ns.name, 'drawn', budget.left())).to.equal(anchorNode);
  });
});
