// The reference scheduler: list-watches nodes, pods and services through the Kubernetes API, keeps
// a cache of what runs where, and places every pending pod whose schedulerName is ours, binding
// it through pods/binding. A pod that fits nowhere gets PodScheduled=False/Unschedulable with
// upstream's message and a FailedScheduling event, and is retried with back-off when a node is
// added or changes or a pod goes away. Level-triggered: a timer re-queues any pending pod that
// fell out of the queue, so no lost event leaves a pod unscheduled.
import { hostname } from 'node:os';
import * as k8s from '@kubernetes/client-node';
import type { Logger } from '../../../common/src/log.ts';
import type { FilterPlugin, ScorePlugin } from './framework.ts';
import { NodeCache } from './node-cache.ts';
import { SCORE_PLUGINS, withVolumeBinding } from './plugins/index.ts';
import { affinityTerms, termMatches } from './plugins/inter-pod-affinity-terms.ts';
import { schedulePod } from './schedule-pod.ts';
import { SchedulingQueue, systemClock, type Clock } from './scheduling-queue.ts';
import { Limiter } from './limiter.ts';
import { makeKeepAliveCoreApi } from '../../../common/src/k8s-client.ts';
import { volumeBinding } from './plugins/volume-binding.ts';
import { VolumeBinder } from './volume-binder.ts';

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

/** Whether two versions of a pod carry the same labels (in any order). */
function sameLabels(a: k8s.V1Pod, b: k8s.V1Pod): boolean {
  const x = a.metadata?.labels ?? {};
  const y = b.metadata?.labels ?? {};
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => x[k] === y[k]);
}

export interface SchedulerConfig {
  kubeconfig: k8s.KubeConfig;
  log: Logger;
  schedulerName?: string;
  /** Bindings in flight at once. */
  bindConcurrency?: number;
  /** Status patches and events in flight at once. */
  writeConcurrency?: number;
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  /** How often pending pods missing from the queue are re-queued (the level-triggered pass). */
  resyncIntervalMs?: number;
  /** Post a `Scheduled` event for every binding, as upstream does. */
  scheduledEvents?: boolean;
  filters?: readonly FilterPlugin[];
  scores?: readonly ScorePlugin[];
  clock?: Clock;
  random?: () => number;
  /** How long a pod's late-binding claims may take to bind before the pod is retried. */
  volumeBindTimeoutMs?: number;
}

type Informer<T extends k8s.KubernetesObject> = k8s.ListWatch<T>;

const positive = (name: string, value: number | undefined, fallback: number): number => {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`scheduler: ${name} ${v} must be a positive number`);
  return v;
};

export class Scheduler {
  readonly schedulerName: string;
  private readonly log: Logger;
  private readonly core: k8s.CoreV1Api;
  private readonly cache = new NodeCache();
  private readonly queue: SchedulingQueue;
  private readonly pending = new Map<string, k8s.V1Pod>();
  private readonly services = new Map<string, k8s.V1Service>();
  /** Namespace labels by name, for pod affinity's namespaceSelector. */
  private readonly namespaceLabels = new Map<string, Record<string, string>>();
  private readonly binds: Limiter;
  private readonly writes: Limiter;
  private readonly clock: Clock;
  private readonly filters: readonly FilterPlugin[];
  private readonly scores: readonly ScorePlugin[];
  private readonly resyncIntervalMs: number;
  private readonly reportingInstance: string;
  /** The last FailedScheduling event per pod, to count repeats instead of adding events. */
  private readonly lastEvent = new Map<string, { name: string; message: string; count: number }>();
  private informers: Array<Informer<k8s.KubernetesObject>> = [];
  private volumes: VolumeBinder | undefined;
  private timers: NodeJS.Timeout[] = [];
  private nextStartNodeIndex = 0;
  private pumpScheduled = false;
  private stopped = false;
  private started = false;

  constructor(private readonly config: SchedulerConfig) {
    if (!config.kubeconfig) throw new Error('scheduler: kubeconfig is required');
    this.schedulerName = config.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(this.schedulerName))
      throw new Error(`scheduler: schedulerName "${this.schedulerName}" is not a valid name`);
    this.log = config.log.child({ component: 'scheduler' });
    this.clock = config.clock ?? systemClock;
    const bindConcurrency = positive('bindConcurrency', config.bindConcurrency, 32);
    const writeConcurrency = positive('writeConcurrency', config.writeConcurrency, 8);
    this.binds = new Limiter(bindConcurrency);
    this.writes = new Limiter(writeConcurrency);
    this.core = makeKeepAliveCoreApi(config.kubeconfig, bindConcurrency + writeConcurrency + 4);
    this.resyncIntervalMs = positive('resyncIntervalMs', config.resyncIntervalMs, 10_000);
    this.filters = config.filters ?? withVolumeBinding(volumeBinding(this.volumeListers()));
    this.scores = config.scores ?? SCORE_PLUGINS;
    this.reportingInstance = `${this.schedulerName}-${hostname()}`;
    this.queue = new SchedulingQueue({
      initialBackoffMs: positive('podInitialBackoffMs', config.podInitialBackoffMs, 1000),
      maxBackoffMs: positive('podMaxBackoffMs', config.podMaxBackoffMs, 10_000),
      clock: this.clock,
      onActive: () => this.wake(),
    });
  }

  /** Starts the informers; resolves once nodes, services and pods have been listed once. */
  async start(): Promise<void> {
    if (this.started) throw new Error('scheduler: already started');
    this.started = true;
    const watch = new k8s.Watch(this.config.kubeconfig);

    const nodes = new k8s.ListWatch<k8s.V1Node>('/api/v1/nodes', watch, () => this.core.listNode(), false);
    nodes.on('add', (n) => this.onNode(n));
    nodes.on('update', (n) => this.onNode(n));
    nodes.on('delete', (n) => this.cache.deleteNode(n.metadata!.name!));

    const services = new k8s.ListWatch<k8s.V1Service>(
      '/api/v1/services',
      watch,
      () => this.core.listServiceForAllNamespaces(),
      false,
    );
    const keyOf = (s: k8s.V1Service) => `${s.metadata?.namespace}/${s.metadata?.name}`;
    services.on('add', (s) => this.services.set(keyOf(s), s));
    services.on('update', (s) => this.services.set(keyOf(s), s));
    services.on('delete', (s) => this.services.delete(keyOf(s)));

    const namespaces = new k8s.ListWatch<k8s.V1Namespace>(
      '/api/v1/namespaces',
      watch,
      () => this.core.listNamespace(),
      false,
    );
    namespaces.on('add', (n) => this.onNamespace(n));
    namespaces.on('update', (n) => this.onNamespace(n));
    namespaces.on('delete', (n) => this.namespaceLabels.delete(n.metadata!.name!));

    const pods = new k8s.ListWatch<k8s.V1Pod>(
      '/api/v1/pods',
      watch,
      () => this.core.listPodForAllNamespaces(),
      false,
    );
    pods.on('add', (p) => this.onPod(p));
    pods.on('update', (p) => this.onPod(p));
    pods.on('delete', (p) => this.onPodDeleted(p));

    this.volumes = new VolumeBinder({
      kubeconfig: this.config.kubeconfig,
      watch,
      core: this.core,
      log: this.log,
      onChange: () => this.queue.moveAllToActiveOrBackoff(),
      ...(this.config.volumeBindTimeoutMs ? { bindTimeoutMs: this.config.volumeBindTimeoutMs } : {}),
    });
    this.informers = [nodes, services, namespaces, pods, ...this.volumes.informers] as Array<
      Informer<k8s.KubernetesObject>
    >;
    for (const [name, informer] of [
      ['nodes', nodes],
      ['services', services],
      ['namespaces', namespaces],
      ['pods', pods],
      ['volumes', this.volumes.informers[0]!],
      ['volumes', this.volumes.informers[1]!],
      ['volumes', this.volumes.informers[2]!],
    ] as const) {
      informer.on('error', (err: unknown) => {
        if (this.stopped) return; // stopping aborts the watch: not a failure
        this.log.warn(`${name} watch failed; restarting it`, { err });
        setTimeout(() => void informer.start().catch(() => undefined), 1000).unref();
      });
    }
    // Nodes and services first, so the first pods are placed against a full picture.
    await nodes.start();
    await services.start();
    await namespaces.start();
    await Promise.all(this.volumes.informers.map((i) => i.start()));
    await pods.start();
    this.timers.push(setInterval(() => this.resync(), this.resyncIntervalMs));
    for (const t of this.timers) t.unref();
    this.log.info('scheduler started', { schedulerName: this.schedulerName, nodes: this.cache.nodeCount });
    this.wake();
  }

  /** Stops the informers and the loop; resolves once in-flight bindings and writes are done. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    this.queue.close();
    this.volumes?.close();
    await Promise.allSettled(this.informers.map((i) => i.stop()));
    await Promise.allSettled([this.binds.idle(), this.writes.idle()]);
  }

  /** The VolumeBinding filter reads the volume caches, which exist once the scheduler starts. */
  private volumeListers() {
    return {
      claim: (ns: string, name: string) => this.volumes?.claim(ns, name),
      volume: (name: string) => this.volumes?.volume(name),
      volumes: () => this.volumes?.volumes() ?? [],
      storageClass: (name: string) => this.volumes?.storageClass(name),
    };
  }

  private isOurs(pod: k8s.V1Pod): boolean {
    return (pod.spec?.schedulerName || DEFAULT_SCHEDULER_NAME) === this.schedulerName;
  }

  private onNode(node: k8s.V1Node): void {
    this.cache.setNode(node);
    this.queue.moveAllToActiveOrBackoff();
  }

  /** A namespace's labels may decide which pods an affinity term's namespaceSelector covers. */
  private onNamespace(namespace: k8s.V1Namespace): void {
    const name = namespace.metadata!.name!;
    const labels = namespace.metadata?.labels ?? {};
    const previous = this.namespaceLabels.get(name);
    this.namespaceLabels.set(name, labels);
    if (previous && JSON.stringify(previous) !== JSON.stringify(labels))
      this.queue.moveAllToActiveOrBackoff();
  }

  /**
   * upstream's AssignedPodAdded and AssignedPodUpdate (InterPodAffinity's queueing hint): a pod on
   * a node may satisfy the required pod affinity of parked pods, and a pod whose labels changed may
   * no longer match a parked pod's required anti-affinity; those pods are retried. Costs nothing
   * while no pod is parked. `before`: the pod as the cache counted it until this event.
   */
  private onAssignedPod(pod: k8s.V1Pod, before: k8s.V1Pod | undefined): void {
    const relabelled = before !== undefined && !sameLabels(before, pod);
    this.queue.moveUnschedulableWhere((uid) => {
      const waiting = this.pending.get(uid);
      if (!waiting) return false;
      const labels = this.namespaceLabels.get(pod.metadata?.namespace ?? '') ?? {};
      const terms = affinityTerms(waiting);
      if (terms.requiredAffinity.some((t) => termMatches(t, pod, labels))) return true;
      return (
        relabelled &&
        terms.requiredAntiAffinity.some((t) => termMatches(t, before, labels) && !termMatches(t, pod, labels))
      );
    });
  }

  private onPod(pod: k8s.V1Pod): void {
    const uid = pod.metadata!.uid!;
    const before = this.cache.podOf(uid);
    this.cache.updatePod(pod);
    if (pod.spec?.nodeName && !isTerminal(pod)) this.onAssignedPod(pod, before);
    // A pod that finished frees its node as a deleted one does (upstream's AssignedPodDelete).
    else if (before && isTerminal(pod)) this.queue.moveAllToActiveOrBackoff();
    if (pod.spec?.nodeName || pod.metadata?.deletionTimestamp || !this.isOurs(pod) || isTerminal(pod)) {
      this.forgetPending(uid);
      return;
    }
    const previous = this.pending.get(uid);
    this.pending.set(uid, pod);
    // Our own status writes come back as updates; only a change to what scheduling reads counts.
    if (!previous || schedulingInputs(previous) !== schedulingInputs(pod)) this.queue.add(uid);
  }

  private onPodDeleted(pod: k8s.V1Pod): void {
    const uid = pod.metadata!.uid!;
    const wasCounted = this.cache.isAssumedOrBound(uid);
    this.cache.removePod(uid);
    this.forgetPending(uid);
    if (wasCounted) this.queue.moveAllToActiveOrBackoff();
  }

  private forgetPending(uid: string): void {
    this.pending.delete(uid);
    this.queue.delete(uid);
    this.lastEvent.delete(uid);
  }

  /** The level-triggered pass: every pending pod of ours is in the queue or being bound. */
  private resync(): void {
    for (const uid of this.pending.keys()) {
      if (!this.queue.has(uid) && !this.cache.isAssumedOrBound(uid)) this.queue.add(uid);
    }
    this.queue.flushUnschedulableLeftover();
  }

  private wake(): void {
    if (this.pumpScheduled || this.stopped || !this.started) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Schedules a batch of active pods, then yields the event loop (watch events keep flowing). */
  private pump(): void {
    const deadline = performance.now() + 20;
    while (!this.stopped && this.binds.hasRoom() && performance.now() < deadline) {
      const uid = this.queue.pop();
      if (uid === undefined) return;
      this.scheduleOne(uid);
    }
    if (this.queue.activeCount > 0 && this.binds.hasRoom()) this.wake();
  }

  private scheduleOne(uid: string): void {
    const pod = this.pending.get(uid);
    if (!pod || this.cache.isAssumedOrBound(uid)) return;
    const nodes = this.cache.nodeInfos();
    const decision = schedulePod({
      pod,
      nodes,
      services: [...this.services.values()],
      nodesWithAffinityPods: this.cache.nodesWithAffinityPods(),
      nodesWithRequiredAntiAffinityPods: this.cache.nodesWithRequiredAntiAffinityPods(),
      namespaces: this.namespaceLabels,
      filters: this.filters,
      scores: this.scores,
      startIndex: this.nextStartNodeIndex,
      ...(this.config.random ? { random: this.config.random } : {}),
    });
    const ref = `${pod.metadata!.namespace}/${pod.metadata!.name}`;
    if (!decision.bind) {
      this.log.info('pod does not fit any node', {
        pod: ref,
        reason: decision.reason,
        message: decision.message,
      });
      this.queue.markUnschedulable(uid);
      void this.writes.run(() => this.recordFailure(pod, decision.reason, decision.message));
      return;
    }
    this.nextStartNodeIndex = nodes.length
      ? (this.nextStartNodeIndex + decision.evaluated) % nodes.length
      : 0;
    this.cache.assume(pod, decision.nodeName);
    void this.binds.run(async () => {
      try {
        const node = nodes.find((n) => n.node.metadata?.name === decision.nodeName)?.node;
        if (this.volumes && node) await this.volumes.bindPodVolumes(pod, decision.nodeName, node);
        await this.core.createNamespacedPodBinding({
          name: pod.metadata!.name!,
          namespace: pod.metadata!.namespace!,
          body: {
            apiVersion: 'v1',
            kind: 'Binding',
            metadata: { name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, uid },
            target: { apiVersion: 'v1', kind: 'Node', name: decision.nodeName },
          },
        });
        this.log.debug('pod bound', { pod: ref, node: decision.nodeName });
        if (this.config.scheduledEvents !== false) {
          void this.writes.run(() =>
            this.postEvent(
              pod,
              'Normal',
              'Scheduled',
              'Binding',
              `Successfully assigned ${ref} to ${decision.nodeName}`,
            ),
          );
        }
      } catch (err) {
        this.cache.forget(uid);
        if (this.stopped) return;
        this.log.warn('binding failed; retried after back-off', { pod: ref, node: decision.nodeName, err });
        if (this.pending.has(uid)) this.queue.requeueWithBackoff(uid);
      } finally {
        this.wake();
      }
    });
  }

  /** PodScheduled=False through the status subresource, and a FailedScheduling event. Failures
   * are logged: the next attempt writes them again. */
  private async recordFailure(pod: k8s.V1Pod, reason: string, message: string): Promise<void> {
    const current = pod.status?.conditions?.find((c) => c.type === 'PodScheduled');
    const sameCondition =
      current?.status === 'False' && current.reason === reason && current.message === message;
    try {
      if (!sameCondition) {
        await this.core.patchNamespacedPodStatus(
          {
            name: pod.metadata!.name!,
            namespace: pod.metadata!.namespace!,
            body: {
              status: {
                conditions: [
                  {
                    type: 'PodScheduled',
                    status: 'False',
                    reason,
                    message,
                    lastProbeTime: null,
                    lastTransitionTime:
                      current?.status === 'False' && current.lastTransitionTime
                        ? current.lastTransitionTime
                        : new Date().toISOString(),
                  },
                ],
              },
            },
          },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
        );
      }
    } catch (err) {
      this.log.warn('could not set PodScheduled=False', { pod: pod.metadata?.name, err });
    }
    await this.postEvent(pod, 'Warning', 'FailedScheduling', 'Scheduling', message);
  }

  /** A core/v1 Event about the pod; a repeat of the pod's last FailedScheduling event bumps its
   * count instead of adding one (as upstream's event correlator does). */
  private async postEvent(
    pod: k8s.V1Pod,
    type: 'Normal' | 'Warning',
    reason: string,
    action: string,
    message: string,
  ): Promise<void> {
    const namespace = pod.metadata!.namespace!;
    const uid = pod.metadata!.uid!;
    const now = new Date();
    try {
      const last = reason === 'FailedScheduling' ? this.lastEvent.get(uid) : undefined;
      if (last && last.message === message) {
        last.count++;
        await this.core.patchNamespacedEvent(
          { name: last.name, namespace, body: { count: last.count, lastTimestamp: now.toISOString() } },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
        );
        return;
      }
      const name = `${pod.metadata!.name}.${(now.getTime() * 1e6 + Math.floor(Math.random() * 1e6)).toString(16)}`;
      await this.core.createNamespacedEvent({
        namespace,
        body: {
          metadata: { name, namespace },
          involvedObject: {
            apiVersion: 'v1',
            kind: 'Pod',
            namespace,
            name: pod.metadata!.name!,
            uid,
            ...(pod.metadata?.resourceVersion ? { resourceVersion: pod.metadata.resourceVersion } : {}),
          },
          reason,
          message,
          type,
          action,
          source: { component: this.schedulerName },
          reportingComponent: this.schedulerName,
          reportingInstance: this.reportingInstance,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
      if (reason === 'FailedScheduling' && this.pending.has(uid))
        this.lastEvent.set(uid, { name, message, count: 1 });
    } catch (err) {
      this.log.warn('could not post event', { pod: pod.metadata?.name, reason, err });
    }
  }
}

const isTerminal = (pod: k8s.V1Pod): boolean =>
  pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

/** What scheduling reads from a pod: a change here may change the answer. */
const schedulingInputs = (pod: k8s.V1Pod): string => JSON.stringify([pod.spec, pod.metadata?.labels]);
