// One probe of one container, run every periodSeconds, as upstream's prober/worker.go: it reads the
// kubelet's latest status of the pod, lets ProbeState decide, runs the probe through the Prober and
// stores the result. It keeps running across restarts of the container (a new container id resets
// it) and stops when the pod is finished, is being deleted (liveness and startup), or goes away.
import type { V1Container, V1ContainerStatus, V1Pod, V1PodStatus, V1Probe } from '@kubernetes/client-node';
import type { Logger } from '../../../../common/src/log.ts';
import type { Prober } from './prober.ts';
import {
  ProbeState,
  probeTiming,
  type ProbeResult,
  type ProbeTarget,
  type ProbeType,
} from './probe-state.ts';

/** What a worker needs of its manager: the pod's latest view, and where results go. */
export interface WorkerHost {
  view(podUid: string): { pod: V1Pod; status: V1PodStatus } | undefined;
  set(type: ProbeType, containerId: string, result: ProbeResult, podUid: string): void;
  forget(type: ProbeType, containerId: string): void;
  workerStopped(worker: ProbeWorker): void;
}

const trimId = (id: string | undefined): string | undefined => id?.replace(/^[a-z]+:\/\//, '') || undefined;

/** The target as the worker sees it in the kubelet's status (pure). */
export function targetFrom(
  pod: V1Pod,
  status: V1PodStatus,
  containerName: string,
  init = false,
): ProbeTarget {
  const statuses = init ? status.initContainerStatuses : status.containerStatuses;
  const c: V1ContainerStatus | undefined = statuses?.find((s) => s.name === containerName);
  const startedAt = c?.state?.running?.startedAt;
  return {
    podTerminal: status.phase === 'Succeeded' || status.phase === 'Failed',
    podDeleting: Boolean(pod.metadata?.deletionTimestamp),
    restartPolicy: pod.spec?.restartPolicy ?? 'Always',
    containerId: trimId(c?.containerID),
    running: Boolean(c?.state?.running),
    terminated: Boolean(c?.state?.terminated),
    startedAtMs: startedAt ? new Date(startedAt).getTime() : undefined,
    started: c?.started === true,
  };
}

export class ProbeWorker {
  private readonly state: ProbeState;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = false;
  private stopped = false;

  constructor(
    readonly podUid: string,
    readonly container: V1Container,
    readonly type: ProbeType,
    readonly probe: V1Probe,
    private readonly host: WorkerHost,
    private readonly prober: Prober,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    /** A restartable init container (sidecar): its status is in initContainerStatuses. */
    readonly init = false,
  ) {
    this.state = new ProbeState(type, probeTiming(probe));
  }

  /** The first tick runs at once (it waits for the container), then one every periodSeconds. */
  start(): void {
    this.schedule(0);
  }

  /** Probes as soon as the current probe (if any) is done: a readiness result is wanted now. */
  trigger(): void {
    if (this.stopped || this.inFlight) return;
    this.schedule(0);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.state.containerId) this.host.forget(this.type, this.state.containerId);
    this.host.workerStopped(this);
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.inFlight) return;
    this.inFlight = true;
    const began = this.now();
    let keepGoing = true;
    try {
      keepGoing = await this.doProbe();
    } catch (err) {
      this.log.warn('probe worker tick failed', { type: this.type, container: this.container.name, err });
    } finally {
      this.inFlight = false;
    }
    if (!keepGoing) {
      this.stop();
      return;
    }
    if (this.stopped) return;
    const periodMs = this.state.timing.periodSeconds * 1000;
    this.schedule(Math.max(0, began + periodMs - this.now()));
  }

  /** One tick; false when the worker should stop. */
  private async doProbe(): Promise<boolean> {
    const view = this.host.view(this.podUid);
    if (!view) return true; // no status yet
    const previousId = this.state.containerId;
    const step = this.state.before(
      targetFrom(view.pod, view.status, this.container.name, this.init),
      this.now(),
    );
    const id = this.state.containerId;
    if (previousId && previousId !== id) this.host.forget(this.type, previousId);
    if (id && step.set) this.host.set(this.type, id, step.set, this.podUid);
    if (step.kind === 'stop') return false;
    if (step.kind === 'wait' || !id) return true;
    const verdict = await this.prober.probe({
      type: this.type,
      probe: this.probe,
      pod: view.pod,
      container: this.container,
      containerId: id,
      podIp: view.status.podIP,
      init: this.init,
    });
    // Stopped meanwhile, or the container changed under the probe: the result is stale.
    if (this.stopped || verdict === undefined || this.state.containerId !== id) return true;
    const result = this.state.after(verdict);
    if (result) this.host.set(this.type, id, result, this.podUid);
    return true;
  }
}
