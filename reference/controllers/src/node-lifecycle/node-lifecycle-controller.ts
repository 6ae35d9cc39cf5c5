// The node lifecycle controller (`nodelifecycle`, upstream's pkg/controller/nodelifecycle): a node
// whose kubelet stops heartbeating (node Lease in kube-node-lease and the Ready condition) for the
// grace period gets its conditions set to Unknown, an event NodeNotReady, its pods marked not
// Ready, and the taints its conditions call for: node.kubernetes.io/unreachable (or not-ready)
// NoSchedule and NoExecute. The taint eviction controller then evicts pods by their tolerations.
// When the kubelet posts Ready again, the taints come off. Level-triggered: every node is looked
// at each --node-monitor-period, and again when its grace period would run out.
import * as k8s from '@kubernetes/client-node';
import type { EventRecorder } from '../../../../common/src/event-recorder.ts';
import type { Controller, ControllerContext } from '../framework/controller.ts';
import type { Informer } from '../framework/informers.ts';
import { ReconcileLoop, keyOf } from '../framework/reconcile-loop.ts';
import { fromCache } from '../util/api-errors.ts';
import { NodeHealthTracker, unknownConditions, zoneOf, zonesInFullDisruption } from './node-health.ts';
import { readyStatus, reconcileTaints } from './taints.ts';

export const NODE_CONTROLLER_COMPONENT = 'node-controller';
export const LEASE_NAMESPACE = 'kube-node-lease';

const nodeTarget = (n: k8s.V1Node) => ({ apiVersion: 'v1', kind: 'Node', metadata: n.metadata });
const podTarget = (p: k8s.V1Pod) => ({ apiVersion: 'v1', kind: 'Pod', metadata: p.metadata });

export class NodeLifecycleController implements Controller {
  readonly name = 'nodelifecycle';
  private readonly nodes: Informer<k8s.V1Node>;
  private readonly leases: Informer<k8s.V1Lease>;
  private readonly pods: Informer<k8s.V1Pod>;
  private readonly loop: ReconcileLoop;
  private readonly health: NodeHealthTracker;
  private readonly recorder: EventRecorder;
  /** The Ready status each node had when last seen, for NodeReady/NodeNotReady events. */
  private readonly lastReady = new Map<string, string | undefined>();

  constructor(private readonly ctx: ControllerContext) {
    this.nodes = ctx.informers.for('nodes');
    this.leases = ctx.informers.for('leases');
    this.pods = ctx.informers.for('pods');
    this.health = new NodeHealthTracker(ctx.settings.nodeMonitorGracePeriodMs);
    this.recorder = ctx.recorder(NODE_CONTROLLER_COMPONENT);
    this.loop = new ReconcileLoop({
      name: this.name,
      log: ctx.log,
      workers: ctx.settings.workers,
      reconcile: (key) => this.sync(key),
      resyncIntervalMs: ctx.settings.nodeMonitorPeriodMs,
      resyncKeys: () => this.nodes.list().map(keyOf),
    });
    this.nodes.onChange({
      add: (n) => this.nodeChanged(n),
      update: (n) => this.nodeChanged(n),
      delete: (n) => {
        this.health.forget(n.metadata!.name!);
        this.lastReady.delete(n.metadata!.name!);
        this.queueZone(n); // the zone's disruption state may change
      },
    });
    const onLease = (l: k8s.V1Lease): void => {
      if (l.metadata?.namespace === LEASE_NAMESPACE && l.metadata.name) this.loop.add(l.metadata.name);
    };
    this.leases.onChange({ add: onLease, update: onLease });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private nodeChanged(node: k8s.V1Node): void {
    const name = node.metadata!.name!;
    const before = this.lastReady.get(name);
    const now = readyStatus(node);
    this.loop.add(name);
    // A change of readiness changes whether the zone is fully disrupted.
    if (before !== now) this.queueZone(node);
  }

  private queueZone(node: k8s.V1Node): void {
    const zone = zoneOf(node);
    for (const n of this.nodes.list()) if (zoneOf(n) === zone) this.loop.add(keyOf(n));
  }

  private async sync(name: string): Promise<{ requeueAfterMs: number } | void> {
    let node = this.nodes.get(name);
    if (!node) return;
    const now = this.ctx.now();
    const lease = this.leases.get(name, LEASE_NAMESPACE);
    const leftMs = this.health.observe(node, lease, now.getTime());
    if (leftMs <= 0) {
      const conditions = unknownConditions(node, now);
      if (conditions) {
        const wasReady = readyStatus(node) === 'True';
        node = await this.ctx.api.core.replaceNodeStatus({
          name,
          body: fromCache<k8s.V1Node>({ ...node, status: { ...node.status, conditions } }, 'V1Node'),
        });
        this.ctx.log.info('node stopped posting status; conditions set to Unknown', { node: name });
        if (wasReady) await this.markPodsNotReady(node);
      }
    }
    await this.recordReadyChange(node);
    await this.updateTaints(node, now);
    return { requeueAfterMs: leftMs > 0 ? leftMs + 1 : this.ctx.settings.nodeMonitorPeriodMs };
  }

  /** NodeReady / NodeNotReady events on readiness changes (upstream's RecordNodeStatusChange). */
  private async recordReadyChange(node: k8s.V1Node): Promise<void> {
    const name = node.metadata!.name!;
    const status = readyStatus(node);
    const had = this.lastReady.has(name);
    const before = this.lastReady.get(name);
    this.lastReady.set(name, status);
    if (!had || before === status) return;
    const change = status === 'True' ? 'NodeReady' : before === 'True' ? 'NodeNotReady' : undefined;
    if (change) {
      await this.recorder.record(nodeTarget(node), 'Normal', change, `Node ${name} status is now: ${change}`);
    }
  }

  private async updateTaints(node: k8s.V1Node, now: Date): Promise<void> {
    const evictionsAllowed = !zonesInFullDisruption(this.nodes.list()).has(zoneOf(node));
    const taints = reconcileTaints(node, now, evictionsAllowed);
    if (!taints) return;
    await this.ctx.api.core.patchNode(
      {
        name: node.metadata!.name!,
        body: [
          { op: 'test', path: '/metadata/resourceVersion', value: node.metadata!.resourceVersion },
          node.spec
            ? { op: node.spec.taints ? 'replace' : 'add', path: '/spec/taints', value: taints }
            : { op: 'add', path: '/spec', value: { taints } },
        ],
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
    );
    this.ctx.log.info('node taints updated', {
      node: node.metadata!.name,
      taints: taints.map((t) => `${t.key}:${t.effect}`),
    });
  }

  /** upstream's MarkPodsNotReady: the node's pods lose their Ready condition, with an event. */
  private async markPodsNotReady(node: k8s.V1Node): Promise<void> {
    const name = node.metadata!.name!;
    await this.recorder.record(
      nodeTarget(node),
      'Normal',
      'NodeNotReady',
      `Node ${name} status is now: NodeNotReady`,
    );
    this.lastReady.set(name, readyStatus(node));
    for (const pod of this.pods.list()) {
      if (pod.spec?.nodeName !== name || pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed')
        continue;
      const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      try {
        await this.ctx.api.core.patchNamespacedPodStatus(
          {
            name: pod.metadata!.name!,
            namespace: pod.metadata!.namespace!,
            body: {
              status: {
                conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: this.ctx.now() }],
              },
            },
          },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
        );
        await this.recorder.record(podTarget(pod), 'Warning', 'NodeNotReady', 'Node is not ready');
      } catch (err) {
        this.ctx.log.debug('could not mark pod not ready', { pod: keyOf(pod), err });
      }
    }
  }
}

export const nodeLifecycleController = (ctx: ControllerContext): Controller =>
  new NodeLifecycleController(ctx);
