// What a person needs to see why a test failed, read from the cluster right after the failure:
// the pods of the test's namespace with their status, the namespace's events, the last lines of
// every container's log (and of its previous instance after a restart), and the other objects
// there. Only the Kubernetes API is used, so it works against any cluster. Collecting never
// throws: what cannot be read is named in `problems`, and the test's own failure stays the story.
import type { CoreV1Event, V1ContainerState, V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import type {
  ClusterDiagnostics,
  ContainerDiagnostics,
  EventRecord,
  PodDiagnostics,
} from '../../reports/src/results.ts';
import type { Cluster } from './cluster.ts';

export interface DiagnosticsLimits {
  /** Lines of each container log kept (like `kubectl logs --tail`). */
  logLines: number;
  /** Bytes of each container log kept; the start is cut when longer. */
  logBytes: number;
  /** Pods whose logs are read; the rest are listed with their status only. */
  podsWithLogs: number;
  /** Events kept, the newest. */
  events: number;
  /** Each API call gives up after this long. */
  callTimeoutMs: number;
}

export const DIAGNOSTICS_LIMITS: DiagnosticsLimits = {
  logLines: 50,
  logBytes: 8_192,
  podsWithLogs: 10,
  events: 100,
  callTimeoutMs: 10_000,
};

/** The property of a mocha test object that carries the diagnostics to the results reporter. */
export const DIAGNOSTICS_PROPERTY = 'kconformDiagnostics';

/** Reads the namespace's state for a failure report; never rejects. */
export async function collectDiagnostics(
  cluster: Cluster,
  namespace: string,
  limits: DiagnosticsLimits = DIAGNOSTICS_LIMITS,
  now: () => Date = () => new Date(),
): Promise<ClusterDiagnostics> {
  const problems: string[] = [];
  const attempt = async <T>(what: string, call: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await withTimeout(call(), limits.callTimeoutMs, what);
    } catch (err) {
      problems.push(`${what}: ${errorText(err)}`);
      return undefined;
    }
  };

  const [pods, events, services, endpoints, claims, configMaps] = await Promise.all([
    attempt('list pods', () => cluster.core.listNamespacedPod({ namespace })),
    attempt('list events', () => cluster.core.listNamespacedEvent({ namespace })),
    attempt('list services', () => cluster.core.listNamespacedService({ namespace })),
    attempt('list endpoints', () => cluster.core.listNamespacedEndpoints({ namespace })),
    attempt('list persistentvolumeclaims', () =>
      cluster.core.listNamespacedPersistentVolumeClaim({ namespace }),
    ),
    attempt('list configmaps', () => cluster.core.listNamespacedConfigMap({ namespace })),
  ]);

  const podItems = [...(pods?.items ?? [])].sort((a, b) => nameOf(a).localeCompare(nameOf(b)));
  const podDiagnostics = await Promise.all(
    podItems.map((pod, index) =>
      describePod(pod, index < limits.podsWithLogs, async (container, previous) => {
        const text = await attempt(
          `logs of ${nameOf(pod)}/${container}${previous ? ' (previous)' : ''}`,
          () =>
            cluster.core.readNamespacedPodLog({
              name: nameOf(pod),
              namespace,
              container,
              previous,
              tailLines: limits.logLines,
            }),
        );
        return text === undefined ? undefined : lastBytes(String(text), limits.logBytes);
      }),
    ),
  );

  const objects: string[] = [];
  for (const svc of services?.items ?? []) {
    const ports = (svc.spec?.ports ?? []).map((p) => `${p.port}/${p.protocol ?? 'TCP'}`).join(', ');
    objects.push(
      `Service ${svc.metadata?.name} (${svc.spec?.type ?? 'ClusterIP'} ${svc.spec?.clusterIP ?? '-'}` +
        `${ports ? `, ${ports}` : ''})`,
    );
  }
  for (const ep of endpoints?.items ?? []) {
    const ready = (ep.subsets ?? []).flatMap((s) => (s.addresses ?? []).map((a) => a.ip));
    const notReady = (ep.subsets ?? []).flatMap((s) => (s.notReadyAddresses ?? []).map((a) => a.ip));
    objects.push(
      `Endpoints ${ep.metadata?.name} (ready: ${ready.join(', ') || 'none'}; not ready: ${notReady.join(', ') || 'none'})`,
    );
  }
  for (const pvc of claims?.items ?? []) {
    objects.push(
      `PersistentVolumeClaim ${pvc.metadata?.name} (${pvc.status?.phase ?? 'no phase'}` +
        `${pvc.spec?.volumeName ? `, volume ${pvc.spec.volumeName}` : ''})`,
    );
  }
  for (const cm of configMaps?.items ?? []) {
    // Every namespace holds kube-root-ca.crt on a real cluster; it tells nothing about a failure.
    if (cm.metadata?.name === 'kube-root-ca.crt') continue;
    objects.push(`ConfigMap ${cm.metadata?.name} (keys: ${Object.keys(cm.data ?? {}).join(', ') || 'none'})`);
  }

  return {
    namespace,
    collectedAt: now().toISOString(),
    pods: podDiagnostics,
    events: eventRecords(events?.items ?? [], limits.events),
    objects,
    problems,
  };
}

type ReadLog = (container: string, previous: boolean) => Promise<string | undefined>;

/** One pod's status, and its containers' logs when `withLogs`. */
export async function describePod(pod: V1Pod, withLogs: boolean, readLog: ReadLog): Promise<PodDiagnostics> {
  const statuses = new Map<string, V1ContainerStatus>();
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    statuses.set(s.name, s);
  }
  const declared = [
    ...(pod.spec?.initContainers ?? []).map((c) => ({ container: c, init: true })),
    ...(pod.spec?.containers ?? []).map((c) => ({ container: c, init: false })),
  ];
  const containers: ContainerDiagnostics[] = [];
  for (const { container, init } of declared) {
    const status = statuses.get(container.name);
    const entry: ContainerDiagnostics = {
      name: container.name,
      init,
      image: container.image ?? '',
      ready: status?.ready ?? false,
      restartCount: status?.restartCount ?? 0,
      state: describeState(status?.state),
    };
    if (status?.lastState?.terminated) entry.lastState = describeState(status.lastState);
    if (withLogs && status) {
      // A container that never started has no log to read; asking would only add an error.
      if (status.state?.running || status.state?.terminated) {
        const logs = await readLog(container.name, false);
        if (logs !== undefined) entry.logs = logs;
      }
      if (status.lastState?.terminated) {
        const previous = await readLog(container.name, true);
        if (previous !== undefined) entry.previousLogs = previous;
      }
    }
    containers.push(entry);
  }
  const result: PodDiagnostics = {
    name: nameOf(pod),
    node: pod.spec?.nodeName ?? '',
    phase: pod.status?.phase ?? 'Unknown',
    conditions: (pod.status?.conditions ?? []).map(
      (c) =>
        `${c.type}=${c.status}${c.reason || c.message ? ` (${[c.reason, c.message].filter(Boolean).join(': ')})` : ''}`,
    ),
    containers,
  };
  if (pod.status?.reason) result.reason = pod.status.reason;
  if (pod.status?.message) result.message = pod.status.message;
  if (pod.status?.podIP) result.podIP = pod.status.podIP;
  return result;
}

/** `running since T`, `waiting: Reason (message)`, `terminated: Reason, exit code N (message)`. */
export function describeState(state: V1ContainerState | undefined): string {
  if (state?.running) return `running since ${isoTime(state.running.startedAt) || '?'}`;
  if (state?.waiting) {
    const { reason, message } = state.waiting;
    return `waiting${reason ? `: ${reason}` : ''}${message ? ` (${message})` : ''}`;
  }
  if (state?.terminated) {
    const t = state.terminated;
    return (
      `terminated: ${t.reason ?? 'no reason'}, exit code ${t.exitCode}` +
      `${t.signal ? `, signal ${t.signal}` : ''}${t.message ? ` (${t.message.trim()})` : ''}` +
      `${t.finishedAt ? ` at ${isoTime(t.finishedAt)}` : ''}`
    );
  }
  return 'no status yet';
}

/** The newest `limit` events, oldest first. */
export function eventRecords(events: readonly CoreV1Event[], limit: number): EventRecord[] {
  const records = events.map((e) => ({
    time: isoTime(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp),
    type: e.type ?? '',
    reason: e.reason ?? '',
    object: `${e.involvedObject?.kind ?? '?'}/${e.involvedObject?.name ?? '?'}`,
    message: (e.message ?? '').trim(),
    count: e.count ?? 1,
  }));
  records.sort((a, b) => a.time.localeCompare(b.time));
  return records.slice(-limit);
}

/**
 * Registers an afterEach that, when the test just failed (or failed and will be retried), reads the
 * namespace's diagnostics and hangs them on the test for the results reporter. Called by
 * useTestNamespace, so every test file that has a namespace gets it.
 */
export function useFailureDiagnostics(namespace: () => { cluster: Cluster; name: string } | undefined): void {
  afterEach(async function () {
    const test = this.currentTest;
    // A test that will be retried has no state yet; a passed or pending one needs nothing.
    if (!test || test.state === 'passed' || test.isPending()) return;
    const target = namespace();
    if (!target) return;
    this.timeout(DIAGNOSTICS_LIMITS.callTimeoutMs * 3 + 5_000);
    const diagnostics = await collectDiagnostics(target.cluster, target.name);
    (test as unknown as Record<string, unknown>)[DIAGNOSTICS_PROPERTY] = diagnostics;
  });
}

function nameOf(pod: V1Pod): string {
  return pod.metadata?.name ?? '?';
}

function isoTime(value: Date | string | undefined): string {
  if (value === undefined || value === null) return '';
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toISOString();
}

function lastBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  const tail = Buffer.from(text).subarray(-max).toString('utf8');
  return `[… cut to the last ${max} bytes]\n${tail.slice(tail.indexOf('\n') + 1)}`;
}

function errorText(err: unknown): string {
  const e = err as { code?: number; body?: unknown; message?: string };
  if (typeof e.code === 'number' && e.body !== undefined) {
    const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body);
    try {
      const status = JSON.parse(body) as { message?: string };
      return `HTTP ${e.code}${status.message ? `: ${status.message}` : ''}`;
    } catch {
      return `HTTP ${e.code}: ${body.slice(0, 200)}`;
    }
  }
  return (e.message ?? String(err)).split('\n')[0]!;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
