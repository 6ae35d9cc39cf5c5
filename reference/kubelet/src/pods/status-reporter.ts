// A pod's status from what runs, written to the apiserver: each container's newest instance and
// the one before (for lastState), `started`/`ready` from the probes (app containers and sidecars),
// the status computed as upstream does (pod-status.ts), handed to the probe workers and the
// kubelet's observer, and written only when it differs from what the apiserver has.
import type { CoreV1Api, V1Container, V1Pod, V1PodStatus } from '@kubernetes/client-node';
import type { PodSandbox } from '../network/pod-sandbox.ts';
import {
  LABEL_CONTAINER_NAME,
  LABEL_POD_UID,
  type ContainerRuntime,
  type ContainerSummary,
} from '../runtime/container-runtime.ts';
import { LABEL_RESTART_COUNT } from './container-spec.ts';
import { isRestartable } from './init-containers.ts';
import type { PodProbes, SyncObserver } from './pod-syncer.ts';
import { podStatus, type ObservedContainer, type StatusInput } from './pod-status.ts';

const code = (err: unknown): number | undefined => (err as { code?: number }).code;
/** How many times a container instance's container was restarted before it (its label). */
export const restartsOf = (c: ContainerSummary): number => Number(c.labels[LABEL_RESTART_COUNT] ?? 0);
export const newestFirst = (a: ContainerSummary, b: ContainerSummary): number =>
  restartsOf(b) - restartsOf(a);

export interface PodStatusReporterOptions {
  runtime: ContainerRuntime;
  core: CoreV1Api;
  probes: PodProbes;
  hostIp: string;
  observer?: SyncObserver;
  now: () => Date;
}

export class PodStatusReporter {
  constructor(private readonly o: PodStatusReporterOptions) {}

  /** What runs for one container now: its newest instance and the one before. */
  async observe(
    container: V1Container,
    uid: string,
    waiting: ObservedContainer['waiting'],
    init: boolean,
  ): Promise<ObservedContainer> {
    const name = container.name;
    const mine = (await this.o.runtime.list({ [LABEL_POD_UID]: uid, [LABEL_CONTAINER_NAME]: name })).sort(
      newestFirst,
    );
    const [newest, older] = await Promise.all(mine.slice(0, 2).map((c) => this.o.runtime.inspect(c.id)));
    const observed: ObservedContainer = {
      name,
      image: container.image!,
      ready: false,
      ...(waiting ? { waiting } : {}),
    };
    if (newest) {
      observed.current = {
        id: newest.id,
        state:
          newest.state === 'running' || newest.state === 'created' || newest.state === 'exited'
            ? newest.state
            : 'other',
        exitCode: newest.exitCode,
        oomKilled: newest.oomKilled,
        ...(newest.startedAt ? { startedAt: newest.startedAt } : {}),
        ...(newest.finishedAt ? { finishedAt: newest.finishedAt } : {}),
        restartCount: restartsOf(mine[0]!),
      };
      const running = newest.state === 'running' && !waiting;
      if (running && (!init || isRestartable(container))) {
        // started: past the startup probe; ready: started and past the readiness probe.
        const started = !container.startupProbe || this.o.probes.result('startup', newest.id) === 'success';
        const readiness = this.o.probes.result('readiness', newest.id);
        observed.started = started;
        observed.ready = started && (!container.readinessProbe || readiness === 'success');
        if (started && container.readinessProbe && readiness === undefined) {
          this.o.probes.trigger(uid, name, 'readiness');
        }
      } else {
        observed.ready = running;
      }
      if (newest.state === 'created' && !waiting) observed.waiting = { reason: 'ContainerCreating' };
    }
    if (older) {
      observed.previous = {
        id: older.id,
        exitCode: older.exitCode,
        oomKilled: older.oomKilled,
        ...(older.startedAt ? { startedAt: older.startedAt } : {}),
        ...(older.finishedAt ? { finishedAt: older.finishedAt } : {}),
      };
    }
    return observed;
  }

  /**
   * Writes the status when it differs from what the apiserver has; returns the status computed.
   * `finished`: why a pod fails now, and the IP a finished pod had.
   */
  async report(
    pod: V1Pod,
    sandbox: PodSandbox | undefined,
    containers: ObservedContainer[],
    initContainers: ObservedContainer[],
    finished: Pick<StatusInput, 'eviction' | 'keptIp'> = {},
  ): Promise<V1PodStatus> {
    const status = podStatus({
      ...finished,
      pod,
      ...(sandbox ? { podIp: sandbox.ip } : {}),
      hostIp: this.o.hostIp,
      containers,
      initContainers,
      now: this.o.now(),
    });
    // The probe workers read the status the kubelet computed (upstream's status manager).
    this.o.probes.update(pod, status);
    this.o.observer?.podPhase(pod.metadata!.uid!, status.phase ?? '');
    if (JSON.stringify(comparable(status)) === JSON.stringify(comparable(pod.status ?? {}))) return status;
    try {
      await this.o.core.replaceNamespacedPodStatus({
        name: pod.metadata!.name!,
        namespace: pod.metadata!.namespace!,
        // Only the status goes (the status subresource keeps the rest): pods from the watch are
        // plain JSON whose times are strings, which the typed client would not serialise.
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: pod.metadata!.name!,
            namespace: pod.metadata!.namespace!,
            uid: pod.metadata!.uid!,
            resourceVersion: pod.metadata!.resourceVersion!,
          },
          status,
        },
      });
    } catch (err) {
      // A newer pod version arrived meanwhile: the informer brings it, and the next sync reports.
      if (code(err) !== 409 && code(err) !== 404) throw err;
    }
    return status;
  }
}

/**
 * A status in a form that compares equal whatever the key order or null-vs-absent: the client
 * decodes objects with its own key order, and a status written needlessly would come back as a
 * watch event and another sync.
 */
function comparable(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined && v !== null) out[key] = comparable(v);
    }
    return out;
  }
  return value;
}
