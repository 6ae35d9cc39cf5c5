// What the pods and volumes suites share, after upstream's TestContainerOutput: a busybox pod that
// prints what it sees and exits (restartPolicy Never), whose log, read through the API, is the
// evidence; and long-running pods read with exec for what changes while a pod runs.
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { Cluster } from '../../lib/cluster.ts';
import { createServiceAccount, describePod, podUntil, shellContainer } from '../../lib/pods.ts';

export const OUTPUT_SERVICE_ACCOUNT = 'kconform-output';

export async function createOutputServiceAccount(cluster: Cluster, namespace: string): Promise<void> {
  await createServiceAccount(cluster, namespace, OUTPUT_SERVICE_ACCOUNT);
}

/** A busybox container running `script` with `sh -c`. */
export const shell = shellContainer;

export function testPod(name: string, containers: V1Container[], extra: Partial<V1Pod['spec']> = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { 'conformance.kconform.io/test': name } },
    spec: {
      serviceAccountName: OUTPUT_SERVICE_ACCOUNT,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      restartPolicy: 'Never',
      containers,
      ...extra,
    },
  };
}

export { podUntil };

/**
 * Creates the pod, waits for it to succeed and returns each container's log. A pod that fails
 * rejects with its status and logs.
 */
export async function runForOutput(
  cluster: Cluster,
  namespace: string,
  pod: V1Pod,
  timeoutMs: number,
): Promise<Record<string, string>> {
  const name = pod.metadata!.name!;
  await cluster.core.createNamespacedPod({ namespace, body: pod });
  const done = await podUntil(
    cluster,
    namespace,
    name,
    'Succeeded or Failed',
    (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed',
    timeoutMs,
  );
  const logs: Record<string, string> = {};
  for (const c of pod.spec!.containers) {
    logs[c.name] = await cluster.core.readNamespacedPodLog({ name, namespace, container: c.name });
  }
  if (done.status?.phase !== 'Succeeded') {
    throw new Error(`pod ${namespace}/${name} failed: ${describePod(done)}; logs: ${JSON.stringify(logs)}`);
  }
  return logs;
}

/** `KEY=value` lines (as `env` prints them) as a map. */
export function parseEnv(text: string): Map<string, string> {
  const env = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) env.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return env;
}

/** Waits until every container of the pod is running. */
export function podRunning(
  cluster: Cluster,
  namespace: string,
  name: string,
  timeoutMs: number,
): Promise<V1Pod> {
  return podUntil(
    cluster,
    namespace,
    name,
    'Running with every container running',
    (p) =>
      p.status?.phase === 'Running' &&
      (p.status.containerStatuses ?? []).length > 0 &&
      (p.status.containerStatuses ?? []).every((c) => c.state?.running !== undefined),
    timeoutMs,
  );
}
