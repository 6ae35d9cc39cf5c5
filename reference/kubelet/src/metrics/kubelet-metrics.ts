// The kubelet's metrics, named as upstream's pkg/kubelet/metrics and prober_manager.go name them,
// served by the kubelet API: /metrics (kubelet_* and process_*) and /metrics/probes
// (prober_probe_total, prober_probe_duration_seconds; upstream serves the probe counters on their
// own path too). Everything is pushed by the parts that know (the sync loop, the relist, the
// prober) except the process gauges, which are read when scraped.
import { readdirSync } from 'node:fs';
import {
  DEFAULT_BUCKETS,
  MetricsRegistry,
  registerProcessMetrics,
  type Counter,
  type Gauge,
  type Histogram,
} from '../../../../common/src/metrics.ts';
import type { ProbeType } from '../probes/probe-state.ts';
import {
  POD_INFRA_CONTAINER_NAME,
  LABEL_CONTAINER_NAME,
  LABEL_POD_UID,
} from '../runtime/container-runtime.ts';
import type { ContainerSummary } from '../runtime/container-runtime.ts';

/** upstream's podStartupDurationBuckets. */
export const POD_START_BUCKETS = [
  0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120, 180, 240, 300, 360, 480, 600, 900, 1200, 1800, 2700,
  3600,
];

/** upstream's SyncPodType names, the operation_type of kubelet_pod_worker_duration_seconds. */
export type SyncOperation = 'create' | 'update' | 'sync' | 'kill';

/** upstream's probe result label values (prober/worker.go). */
const PROBE_RESULT = { success: 'successful', failure: 'failed', unknown: 'unknown' } as const;
const PROBE_TYPE_LABEL: Record<ProbeType, string> = {
  liveness: 'Liveness',
  readiness: 'Readiness',
  startup: 'Startup',
};

/** What the prober reports of each probe run. */
export interface ProbeMetrics {
  probed(
    type: ProbeType,
    result: 'success' | 'failure' | 'unknown',
    target: { container: string; pod: string; namespace: string; podUid: string },
    seconds: number,
  ): void;
}

/** upstream's container_state values of kubelet_running_containers. */
function containerState(state: ContainerSummary['state']): string {
  if (state === 'created' || state === 'running') return state;
  if (state === 'exited' || state === 'dead') return 'exited';
  return 'unknown';
}

function openFds(): number | undefined {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return undefined;
  }
}

export class KubeletMetrics implements ProbeMetrics {
  private readonly main = new MetricsRegistry();
  private readonly probes = new MetricsRegistry();
  private readonly runningPods: Gauge;
  private readonly runningContainers: Gauge;
  private readonly podStart: Histogram;
  private readonly podWorker: Histogram;
  private readonly startedContainers: Counter;
  private readonly startedContainerErrors: Counter;
  private readonly probeTotal: Counter;
  private readonly probeDuration: Histogram;
  /** When the kubelet first saw each pod (upstream's ConfigFirstSeenAnnotationKey). */
  private readonly firstSeen = new Map<string, number>();
  /** Pods whose start was already observed (once per pod). */
  private readonly started = new Set<string>();

  constructor(
    nodeName: string,
    private readonly now: () => number = Date.now,
  ) {
    this.main
      .gauge('kubelet_node_name', "The node's name. The count is always 1.", ['node'])
      .set({ node: nodeName }, 1);
    this.runningPods = this.main.gauge(
      'kubelet_running_pods',
      'Number of pods that have a running pod sandbox',
    );
    this.runningContainers = this.main.gauge(
      'kubelet_running_containers',
      'Number of containers currently running',
      ['container_state'],
    );
    this.podStart = this.main.histogram(
      'kubelet_pod_start_duration_seconds',
      'Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run',
      [],
      POD_START_BUCKETS,
    );
    this.podWorker = this.main.histogram(
      'kubelet_pod_worker_duration_seconds',
      'Duration in seconds to sync a single pod. Broken down by operation type: create, update, or sync',
      ['operation_type'],
      DEFAULT_BUCKETS,
    );
    this.startedContainers = this.main.counter(
      'kubelet_started_containers_total',
      'Cumulative number of containers started',
      ['container_type'],
    );
    this.startedContainerErrors = this.main.counter(
      'kubelet_started_containers_errors_total',
      'Cumulative number of errors when starting containers',
      ['container_type', 'code'],
    );
    registerProcessMetrics(this.main, openFds);
    this.probeTotal = this.probes.counter(
      'prober_probe_total',
      'Cumulative number of a liveness, readiness or startup probe for a container by result.',
      ['probe_type', 'result', 'container', 'pod', 'namespace', 'pod_uid'],
    );
    this.probeDuration = this.probes.histogram(
      'prober_probe_duration_seconds',
      'Duration in seconds for a probe response.',
      ['probe_type', 'container', 'pod', 'namespace'],
      DEFAULT_BUCKETS,
    );
  }

  /** /metrics */
  render(): string {
    return this.main.render();
  }

  /** /metrics/probes */
  renderProbes(): string {
    return this.probes.render();
  }

  /** The pod reached the kubelet (informer add); the start clock runs from the first time only. */
  podSeen(uid: string): void {
    if (!this.firstSeen.has(uid)) this.firstSeen.set(uid, this.now());
  }

  /** The phase the kubelet computed; the first Running observes the pod's start duration. */
  podPhase(uid: string, phase: string): void {
    if (phase !== 'Running' || this.started.has(uid)) return;
    const seen = this.firstSeen.get(uid);
    if (seen === undefined) return;
    this.started.add(uid);
    this.podStart.observe({}, (this.now() - seen) / 1000);
  }

  /** The pod is gone from the node: forget it. */
  podForgotten(uid: string): void {
    this.firstSeen.delete(uid);
    this.started.delete(uid);
  }

  podSynced(operation: SyncOperation, seconds: number): void {
    this.podWorker.observe({ operation_type: operation }, seconds);
  }

  containerStarted(init: boolean, ok: boolean): void {
    const type = init ? 'init_container' : 'container';
    this.startedContainers.inc({ container_type: type });
    if (!ok) this.startedContainerErrors.inc({ container_type: type, code: 'Error' });
  }

  /** From each runtime relist: pods with a running sandbox and containers by state. */
  runtimeListed(containers: readonly ContainerSummary[]): void {
    const pods = new Set<string>();
    const byState = new Map<string, number>([
      ['created', 0],
      ['running', 0],
      ['exited', 0],
      ['unknown', 0],
    ]);
    for (const c of containers) {
      if (c.labels[LABEL_CONTAINER_NAME] === POD_INFRA_CONTAINER_NAME) {
        if (c.state === 'running') pods.add(c.labels[LABEL_POD_UID] ?? c.id);
        continue;
      }
      const state = containerState(c.state);
      byState.set(state, (byState.get(state) ?? 0) + 1);
    }
    this.runningPods.set({}, pods.size);
    for (const [state, count] of byState) this.runningContainers.set({ container_state: state }, count);
  }

  probed(
    type: ProbeType,
    result: 'success' | 'failure' | 'unknown',
    target: { container: string; pod: string; namespace: string; podUid: string },
    seconds: number,
  ): void {
    const base = {
      probe_type: PROBE_TYPE_LABEL[type],
      container: target.container,
      pod: target.pod,
      namespace: target.namespace,
    };
    this.probeTotal.inc({ ...base, result: PROBE_RESULT[result], pod_uid: target.podUid });
    // upstream records the duration of successful probes only
    if (result === 'success') this.probeDuration.observe(base, seconds);
  }
}
