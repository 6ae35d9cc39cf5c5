// What the probe tests share: busybox pods with probes, waiting for a pod's state through a watch,
// and upstream's runLivenessTest evidence (container_probe.go): the restart count polled every 2 s
// over an observation window, failing at once if it ever decreases.
import type { CoreV1Event, V1Container, V1Pod } from '@kubernetes/client-node';
import type { Cluster } from '../../lib/cluster.ts';
import {
  createServiceAccount as createNamedServiceAccount,
  describePod,
  podUntil,
  shellContainer,
} from '../../lib/pods.ts';

export const PROBE_SERVICE_ACCOUNT = 'kconform-probes';
/** upstream's defaultObservationTimeout. */
export const OBSERVATION_MS = 4 * 60_000;
/** upstream's probeTestInitialDelaySeconds. */
export const INITIAL_DELAY_SECONDS = 15;
/** upstream polls restart counts every 2 s (time.Sleep(2 * time.Second)). */
const RESTART_POLL_MS = 2_000;

export async function createServiceAccount(cluster: Cluster, namespace: string): Promise<void> {
  await createNamedServiceAccount(cluster, namespace, PROBE_SERVICE_ACCOUNT);
}

export const busybox = shellContainer;

/** `httpd` serving /www on `port`, with `/www/healthz` answering "ok". */
export const HTTPD = (port: number, after = ''): string =>
  `mkdir -p /www && echo ok > /www/healthz && echo ok > /www/index.html && httpd -f -p ${port} -h /www & ${after} wait`;

export function probePod(name: string, containers: V1Container[], extra: Partial<V1Pod['spec']> = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { 'conformance.kconform.io/test': name } },
    spec: {
      serviceAccountName: PROBE_SERVICE_ACCOUNT,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      containers,
      ...extra,
    },
  };
}

export async function createPods(cluster: Cluster, namespace: string, pods: V1Pod[]): Promise<void> {
  for (const body of pods) await cluster.core.createNamespacedPod({ namespace, body });
}

export { podUntil };

export const containerOf = (pod: V1Pod, name: string) =>
  pod.status?.containerStatuses?.find((c) => c.name === name);

export const initContainerOf = (pod: V1Pod, name: string) =>
  pod.status?.initContainerStatuses?.find((c) => c.name === name);

export const conditionOf = (pod: V1Pod, type: string) => pod.status?.conditions?.find((c) => c.type === type);

/**
 * upstream's RunLivenessTest: waits for the container to leave Waiting, then polls its restart
 * count every 2 s until `observationMs` (plus 10 s per restart already seen) has passed since then,
 * failing at once when the count decreases. With `expectRestarts` > 0 it returns as soon as that
 * many restarts were seen and fails if they were not; with 0 any restart fails.
 */
export async function runLivenessTest(
  cluster: Cluster,
  namespace: string,
  podName: string,
  container: string,
  expectRestarts: number,
  observationMs: number,
  startTimeoutMs: number,
): Promise<number> {
  const started = await podUntil(
    cluster,
    namespace,
    podName,
    `container ${container} running or terminated`,
    (p) => {
      const state = containerOf(p, container)?.state;
      return Boolean(state?.running || state?.terminated);
    },
    startTimeoutMs,
  );
  const initial = containerOf(started, container)?.restartCount ?? 0;
  // The window counts from when the pod started, so pods created together are observed together.
  const startTime = started.status?.startTime ? new Date(started.status.startTime).getTime() : Date.now();
  const deadline = Math.max(Date.now(), startTime + observationMs) + initial * 10_000;
  let last = initial;
  for (;;) {
    const pod = await cluster.core.readNamespacedPod({ name: podName, namespace });
    const count = containerOf(pod, container)?.restartCount ?? 0;
    if (count < last) {
      throw new Error(
        `pod ${namespace}/${podName}: restart count of ${container} went down from ${last} to ${count}`,
      );
    }
    last = count;
    // Counted from 0, not from `initial`: the pods are new, and windows of pods created together
    // overlap, so a restart seen before this call still counts.
    if (expectRestarts > 0 && count >= expectRestarts) return count;
    if (expectRestarts === 0 && count > 0) {
      throw new Error(
        `pod ${namespace}/${podName}: container ${container} was restarted (restartCount ${count}), expected no restart; ${describePod(pod)}`,
      );
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, RESTART_POLL_MS));
  }
  if (expectRestarts > 0) {
    throw new Error(
      `pod ${namespace}/${podName}: container ${container} restarted ${last} time(s) within the observation window, expected ${expectRestarts}`,
    );
  }
  return last;
}

/** The namespace's events about one pod (events are listed and filtered here: portable). */
export async function podEvents(
  cluster: Cluster,
  namespace: string,
  podName: string,
): Promise<CoreV1Event[]> {
  const list = await cluster.core.listNamespacedEvent({ namespace });
  return list.items.filter((e) => e.involvedObject?.kind === 'Pod' && e.involvedObject.name === podName);
}
