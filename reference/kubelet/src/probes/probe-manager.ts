// The kubelet's probe manager, as upstream's prober_manager.go: one worker per container and probe
// type of every pod on the node, started when the pod is first synced and stopped when the pod or
// the container goes away; results kept per container id. A result that changes wakes the pod's
// sync (upstream's results channel), which kills a container that failed its liveness or startup
// probe and reports readiness as the container's `ready`.
import type { V1Container, V1Pod, V1PodStatus, V1Probe } from '@kubernetes/client-node';
import type { Logger } from '../../../../common/src/log.ts';
import type { Prober } from './prober.ts';
import type { ProbeResult, ProbeType } from './probe-state.ts';
import { ProbeWorker, type WorkerHost } from './probe-worker.ts';
import { isRestartable } from '../pods/init-containers.ts';
import { isTerminalPhase } from '../pods/pod-status.ts';

export interface ProbeManagerOptions {
  prober: Prober;
  /** Called when a container's result changed: the pod wants a sync. */
  onChange: (podUid: string) => void;
  log: Logger;
  now?: () => number;
}

/** What the pod syncer reads of the probes. */
export interface ProbeResults {
  result(type: ProbeType, containerId: string): ProbeResult | undefined;
  /** Asks the pod's readiness worker of this container to probe now. */
  trigger(podUid: string, containerName: string, type: ProbeType): void;
}

const TYPES: ProbeType[] = ['startup', 'liveness', 'readiness'];

export function probeOf(container: V1Container, type: ProbeType): V1Probe | undefined {
  if (type === 'liveness') return container.livenessProbe;
  if (type === 'readiness') return container.readinessProbe;
  return container.startupProbe;
}

interface PodEntry {
  pod: V1Pod;
  status: V1PodStatus;
  /** By `<container>/<type>`. */
  workers: Map<string, ProbeWorker>;
}

export class ProbeManager implements ProbeResults, WorkerHost {
  private readonly pods = new Map<string, PodEntry>();
  private readonly results = new Map<string, ProbeResult>();
  private stopped = false;

  constructor(private readonly o: ProbeManagerOptions) {}

  /**
   * Hands the workers the pod's newest spec and status (after each sync) and keeps one worker per
   * container and probe type. A worker that stopped by itself (its container will never run
   * again, or the pod is being deleted) is not started again for the same pod.
   */
  update(pod: V1Pod, status: V1PodStatus): void {
    if (this.stopped) return;
    const uid = pod.metadata!.uid!;
    let entry = this.pods.get(uid);
    const firstTime = !entry;
    // Never probes for a pod being deleted, nor for one that finished (upstream adds neither).
    if (!entry && (pod.metadata?.deletionTimestamp || isTerminalPhase(status.phase))) return;
    if (!entry) {
      entry = { pod, status, workers: new Map() };
      this.pods.set(uid, entry);
    }
    entry.pod = pod;
    entry.status = status;
    if (!firstTime) return;
    // Restartable init containers (sidecars) are probed like app containers (upstream's AddPod).
    const sidecars = (pod.spec?.initContainers ?? []).filter(isRestartable);
    for (const container of [...sidecars, ...(pod.spec?.containers ?? [])]) {
      for (const type of TYPES) {
        const probe = probeOf(container, type);
        if (!probe) continue;
        const worker = new ProbeWorker(
          uid,
          container,
          type,
          probe,
          this,
          this.o.prober,
          this.o.log,
          this.o.now,
          sidecars.includes(container),
        );
        entry.workers.set(`${container.name}/${type}`, worker);
        worker.start();
      }
    }
  }

  /** Stops the pod's workers and forgets its results (the pod's containers are gone). */
  removePod(uid: string): void {
    const entry = this.pods.get(uid);
    if (!entry) return;
    this.pods.delete(uid);
    for (const worker of [...entry.workers.values()]) worker.stop();
  }

  /** The uids of pods that have workers (for the kubelet's housekeeping). */
  podUids(): string[] {
    return [...this.pods.keys()];
  }

  stop(): void {
    this.stopped = true;
    for (const uid of [...this.pods.keys()]) this.removePod(uid);
  }

  result(type: ProbeType, containerId: string): ProbeResult | undefined {
    return this.results.get(`${type}/${containerId}`);
  }

  trigger(podUid: string, containerName: string, type: ProbeType): void {
    this.pods.get(podUid)?.workers.get(`${containerName}/${type}`)?.trigger();
  }

  /** How many workers run (tests check that they stop). */
  workerCount(): number {
    let count = 0;
    for (const entry of this.pods.values()) count += entry.workers.size;
    return count;
  }

  // WorkerHost

  view(podUid: string): { pod: V1Pod; status: V1PodStatus } | undefined {
    return this.pods.get(podUid);
  }

  set(type: ProbeType, containerId: string, result: ProbeResult, podUid: string): void {
    const key = `${type}/${containerId}`;
    if (this.results.get(key) === result) return;
    this.results.set(key, result);
    this.o.onChange(podUid);
  }

  forget(type: ProbeType, containerId: string): void {
    this.results.delete(`${type}/${containerId}`);
  }

  workerStopped(worker: ProbeWorker): void {
    const entry = this.pods.get(worker.podUid);
    const key = `${worker.container.name}/${worker.type}`;
    if (entry?.workers.get(key) === worker) entry.workers.delete(key);
  }
}
