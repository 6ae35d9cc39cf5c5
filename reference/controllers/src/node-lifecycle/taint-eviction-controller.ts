// The taint eviction controller (`taint-eviction-controller`, upstream's
// pkg/controller/tainteviction, formerly the NoExecuteTaintManager): a pod on a node with NoExecute
// taints is deleted at once when it does not tolerate one of them, after the smallest
// tolerationSeconds of the tolerations it uses, or never when those have no seconds. The clock
// starts when this controller first sees the pod under the taints (as upstream's does); a taint
// that goes away in time cancels the eviction. Before deleting, the pod gets the DisruptionTarget
// condition and a TaintManagerEviction event.
import * as k8s from '@kubernetes/client-node';
import type { EventRecorder } from '../../../../common/src/event-recorder.ts';
import type { Controller, ControllerContext } from '../framework/controller.ts';
import type { Informer } from '../framework/informers.ts';
import { controllerLoop, keyOf, splitKey, type ReconcileLoop } from '../framework/reconcile-loop.ts';
import { isNotFound } from '../util/api-errors.ts';
import { evictionDecision } from './taints.ts';

export const TAINT_EVICTION_COMPONENT = 'taint-eviction-controller';

const podTarget = (p: k8s.V1Pod) => ({ apiVersion: 'v1', kind: 'Pod', metadata: p.metadata });
const noExecuteTaints = (node: k8s.V1Node | undefined) =>
  (node?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute');

export class TaintEvictionController implements Controller {
  readonly name = 'taint-eviction-controller';
  private readonly pods: Informer<k8s.V1Pod>;
  private readonly nodes: Informer<k8s.V1Node>;
  private readonly loop: ReconcileLoop;
  private readonly recorder: EventRecorder;
  /** Pod uid → when this controller started counting its toleration time (ms). */
  private readonly scheduled = new Map<string, number>();

  constructor(private readonly ctx: ControllerContext) {
    this.pods = ctx.informers.for('pods');
    this.nodes = ctx.informers.for('nodes');
    this.recorder = ctx.recorder(TAINT_EVICTION_COMPONENT);
    this.loop = controllerLoop(
      ctx,
      this.name,
      (key) => this.sync(key),
      () =>
        this.pods
          .list()
          .filter((p) => p.spec?.nodeName)
          .map(keyOf),
    );
    this.pods.onChange({
      add: (p) => this.podChanged(p),
      update: (p) => this.podChanged(p),
      delete: (p) => this.scheduled.delete(p.metadata!.uid!),
    });
    const onNode = (n: k8s.V1Node): void => {
      for (const p of this.pods.list()) if (p.spec?.nodeName === n.metadata?.name) this.loop.add(keyOf(p));
    };
    this.nodes.onChange({ add: onNode, update: onNode });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private podChanged(pod: k8s.V1Pod): void {
    if (pod.spec?.nodeName) this.loop.add(keyOf(pod));
  }

  private async sync(key: string): Promise<{ requeueAfterMs: number } | void> {
    const { namespace, name } = splitKey(key);
    const pod = this.pods.get(name, namespace);
    if (!pod?.spec?.nodeName || pod.metadata?.deletionTimestamp) return;
    const uid = pod.metadata!.uid!;
    const decision = evictionDecision(
      pod.spec.tolerations,
      noExecuteTaints(this.nodes.get(pod.spec.nodeName)),
    );
    if (decision.kind === 'keep') {
      if (this.scheduled.delete(uid)) {
        await this.recorder.record(
          podTarget(pod),
          'Normal',
          'TaintManagerEviction',
          `Cancelling deletion of Pod ${key}`,
        );
      }
      return;
    }
    const now = this.ctx.now().getTime();
    if (decision.kind === 'evict-after') {
      let since = this.scheduled.get(uid);
      if (since === undefined) {
        since = now;
        this.scheduled.set(uid, since);
      }
      const left = since + decision.seconds * 1000 - now;
      if (left > 0) return { requeueAfterMs: left };
    }
    await this.evict(pod, key);
  }

  private async evict(pod: k8s.V1Pod, key: string): Promise<void> {
    const { name, namespace } = { name: pod.metadata!.name!, namespace: pod.metadata!.namespace! };
    await this.recorder.record(
      podTarget(pod),
      'Normal',
      'TaintManagerEviction',
      `Marking for deletion Pod ${key}`,
    );
    try {
      await this.ctx.api.core.patchNamespacedPodStatus(
        {
          name,
          namespace,
          body: {
            status: {
              conditions: [
                {
                  type: 'DisruptionTarget',
                  status: 'True',
                  reason: 'DeletionByTaintManager',
                  message: 'Taint manager: deleting due to NoExecute taint',
                  lastTransitionTime: this.ctx.now(),
                },
              ],
            },
          },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
      );
      await this.ctx.api.core.deleteNamespacedPod({ name, namespace });
      this.ctx.log.info('pod evicted for a NoExecute taint', { pod: key, node: pod.spec?.nodeName });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    this.scheduled.delete(pod.metadata!.uid!);
  }
}

export const taintEvictionController = (ctx: ControllerContext): Controller =>
  new TaintEvictionController(ctx);
