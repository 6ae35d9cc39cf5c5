// The scheduler against a real reference apiserver process, with Nodes created by the test and no
// kubelet behind them: binding, nodeSelector, taints, spreading, and an impossible pod that is
// reported Unschedulable with upstream's message and placed once a fitting node appears.
import { expect } from 'chai';
import type * as k8s from '@kubernetes/client-node';
import {
  boundNode as bound,
  createReadyNode,
  failedSchedulingEvent,
  startSchedulerCluster,
  unschedulableCondition,
  type SchedulerCluster,
} from './support-host.ts';

const NS = 'sched';

describe('reference scheduler against the apiserver @host', function () {
  this.timeout(120_000);
  let cluster: SchedulerCluster | undefined;
  let core: k8s.CoreV1Api;

  const pod = (
    name: string,
    extra: Partial<k8s.V1PodSpec> = {},
    cpu = '100m',
    meta: k8s.V1ObjectMeta = {},
  ): k8s.V1Pod => ({
    metadata: { name, namespace: NS, ...meta },
    spec: {
      containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu, memory: '64Mi' } } }],
      ...extra,
    },
  });
  const create = (p: k8s.V1Pod) => core.createNamespacedPod({ namespace: NS, body: p });
  const boundNode = (name: string) => bound(core, NS, name);

  before(async () => {
    cluster = await startSchedulerCluster('kconform-scheduler-', [{ metadata: { name: NS } }]);
    ({ core } = cluster);
    await createReadyNode(core, 'node-a', { cpu: '2', labels: { pool: 'general', disk: 'ssd' } });
    await createReadyNode(core, 'node-b', { cpu: '2', labels: { pool: 'general' } });
    await createReadyNode(core, 'node-gpu', {
      cpu: '4',
      labels: { pool: 'gpu' },
      taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }],
    });
    await cluster.startScheduler();
  });

  after(async () => {
    await cluster?.stop();
  });

  it('binds a pod to a fitting node and marks it PodScheduled', async () => {
    await create(pod('plain'));
    expect(await boundNode('plain')).to.be.oneOf(['node-a', 'node-b']);
    const p = await core.readNamespacedPod({ name: 'plain', namespace: NS });
    expect(p.status?.conditions?.find((c) => c.type === 'PodScheduled')?.status).to.equal('True');
  });

  it('honours nodeSelector and required node affinity', async () => {
    await create(pod('ssd', { nodeSelector: { disk: 'ssd' } }));
    expect(await boundNode('ssd')).to.equal('node-a');
    await create(
      pod('not-a', {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                {
                  matchExpressions: [
                    { key: 'disk', operator: 'DoesNotExist' },
                    { key: 'pool', operator: 'In', values: ['general'] },
                  ],
                },
              ],
            },
          },
        },
      }),
    );
    expect(await boundNode('not-a')).to.equal('node-b');
  });

  it('keeps pods off a tainted node unless they tolerate the taint', async () => {
    const names = ['t1', 't2', 't3', 't4', 't5', 't6'];
    for (const n of names) await create(pod(n, {}, '10m'));
    for (const n of names) expect(await boundNode(n)).to.not.equal('node-gpu');
    await create(
      pod('tolerant', {
        nodeSelector: { pool: 'gpu' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }],
      }),
    );
    expect(await boundNode('tolerant')).to.equal('node-gpu');
  });

  it('spreads replicas of one owner across nodes', async () => {
    const owner = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'web',
      uid: 'rs-web-uid',
      controller: true,
    };
    const names = ['web-1', 'web-2', 'web-3', 'web-4'];
    for (const n of names)
      await create(
        pod(n, { nodeSelector: { pool: 'general' } }, '10m', {
          ownerReferences: [owner],
          labels: { app: 'web' },
        }),
      );
    const placed = await Promise.all(names.map((n) => boundNode(n)));
    expect(placed.filter((n) => n === 'node-a')).to.have.length(2);
    expect(placed.filter((n) => n === 'node-b')).to.have.length(2);
  });

  it('reports an impossible pod Unschedulable with upstream message and event, then places it when a node fits', async () => {
    await create(pod('huge', {}, '64'));
    const message =
      '0/3 nodes are available: 1 node(s) had untolerated taint {dedicated: gpu}, 2 Insufficient cpu. ' +
      'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, ' +
      '2 No preemption victims found for incoming pod.';
    const condition = await unschedulableCondition(core, NS, 'huge');
    expect(condition).to.include({ status: 'False', reason: 'Unschedulable', message });
    const event = await failedSchedulingEvent(core, NS, 'huge');
    expect(event).to.deep.include({ type: 'Warning', message, reportingComponent: 'default-scheduler' });
    expect(event.source?.component).to.equal('default-scheduler');
    expect(event.involvedObject).to.include({ kind: 'Pod', namespace: NS, name: 'huge' });

    await createReadyNode(core, 'node-huge', { cpu: '128', memory: '256Gi' });
    expect(await boundNode('huge')).to.equal('node-huge');
  });
});
