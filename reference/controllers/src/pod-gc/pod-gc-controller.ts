// Pod garbage collection (`podgc`, upstream's pkg/controller/podgc): pods bound to a node that no
// longer exists, and terminating pods that were never scheduled, are deleted at once (grace 0),
// since no kubelet will ever finish them. An orphan is only collected after its node has been
// absent for a quarantine period and a GET confirms it (upstream's 40 s quarantine, here the
// node monitor grace period, 40 s by default), so a node re-registering is not mistaken for gone.
// Before deleting, a pod that has not finished is marked Failed with the DisruptionTarget condition.
import * as k8s from '@kubernetes/client-node';
import type { Controller, ControllerContext } from '../framework/controller.ts';
import type { Informer } from '../framework/informers.ts';
import { ReconcileLoop, keyOf } from '../framework/reconcile-loop.ts';
import { isNotFound } from '../util/api-errors.ts';

/** upstream's gcCheckPeriod. */
export const GC_CHECK_PERIOD_MS = 20_000;
const PASS = 'gc';

const terminal = (p: k8s.V1Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

export class PodGcController implements Controller {
  readonly name = 'podgc';
  private readonly pods: Informer<k8s.V1Pod>;
  private readonly nodes: Informer<k8s.V1Node>;
  private readonly loop: ReconcileLoop;
  /** Node name → when it was first seen missing (ms). */
  private readonly missingSince = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext) {
    this.pods = ctx.informers.for('pods');
    this.nodes = ctx.informers.for('nodes');
    // One key: a whole GC pass, as upstream's gc() runs every gcCheckPeriod.
    this.loop = new ReconcileLoop({
      name: this.name,
      log: ctx.log,
      workers: 1,
      reconcile: () => this.gc(),
      resyncIntervalMs: GC_CHECK_PERIOD_MS,
      resyncKeys: () => [PASS],
    });
    this.nodes.onChange({ delete: () => this.loop.add(PASS) });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async gc(): Promise<{ requeueAfterMs: number } | void> {
    const now = this.ctx.now().getTime();
    const quarantine = this.ctx.settings.nodeMonitorGracePeriodMs;
    let soonest: number | undefined;
    const missingNow = new Set<string>();
    for (const pod of this.pods.list()) {
      const nodeName = pod.spec?.nodeName;
      if (!nodeName) {
        if (pod.metadata?.deletionTimestamp) await this.forceDelete(pod, undefined);
        continue;
      }
      if (this.nodes.get(nodeName)) continue;
      missingNow.add(nodeName);
      const since = this.missingSince.get(nodeName) ?? now;
      this.missingSince.set(nodeName, since);
      const left = since + quarantine - now;
      if (left > 0) {
        soonest = Math.min(soonest ?? left, left);
        continue;
      }
      if (await this.nodeExists(nodeName)) continue;
      await this.forceDelete(pod, 'PodGC: node no longer exists');
    }
    for (const name of this.missingSince.keys()) if (!missingNow.has(name)) this.missingSince.delete(name);
    if (soonest !== undefined) return { requeueAfterMs: soonest + 1 };
  }

  private async nodeExists(name: string): Promise<boolean> {
    try {
      await this.ctx.api.core.readNode({ name });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  private async forceDelete(pod: k8s.V1Pod, disruption: string | undefined): Promise<void> {
    const name = pod.metadata!.name!;
    const namespace = pod.metadata!.namespace!;
    try {
      if (disruption && !terminal(pod)) {
        await this.ctx.api.core.patchNamespacedPodStatus(
          {
            name,
            namespace,
            body: {
              status: {
                phase: 'Failed',
                conditions: [
                  {
                    type: 'DisruptionTarget',
                    status: 'True',
                    reason: 'DeletionByPodGC',
                    message: disruption,
                    lastTransitionTime: this.ctx.now(),
                  },
                ],
              },
            },
          },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
        );
      }
      await this.ctx.api.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
      this.ctx.log.info('pod garbage-collected', {
        pod: keyOf(pod),
        reason: disruption ?? 'unscheduled and terminating',
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

export const podGcController = (ctx: ControllerContext): Controller => new PodGcController(ctx);
