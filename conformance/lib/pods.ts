// Pods and their parts: the service account and busybox containers of the suites' pods, waiting on a
// pod's state, and inert pods that no kubelet ever runs, for API-level tests of pods: either bound
// to a node that does not exist, or held back from every scheduler by a node selector no node
// matches. Their image is never pulled. They pass upstream's admission: they name a service account
// the test created (upstream's ServiceAccount admission refuses pods whose account does not exist
// yet) and they satisfy the "restricted" Pod Security Standard.
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { Cluster } from './cluster.ts';
import { image } from './images.ts';
import { randomSuffix } from './namespace.ts';
import { waitForObject } from './wait.ts';

export const INERT_SERVICE_ACCOUNT = 'kconform-inert';
export const INERT_IMAGE = 'kconform.invalid/never-pulled:1';
/** A node selector no node carries, so a pod without nodeName stays unscheduled on any cluster. */
export const UNSCHEDULABLE_SELECTOR = { 'conformance.kconform.io/no-such-node': 'true' };

/**
 * Creates a service account that mounts no token, for a test file's pods to name (created per
 * namespace, so no test depends on a cluster creating "default" in time); call it from `before`.
 */
export async function createServiceAccount(cluster: Cluster, namespace: string, name: string): Promise<void> {
  await cluster.core.createNamespacedServiceAccount({
    namespace,
    body: { metadata: { name }, automountServiceAccountToken: false },
  });
}

/** Creates the service account inert pods name; call it from the test file's `before`. */
export async function createInertServiceAccount(cluster: Cluster, namespace: string): Promise<void> {
  await createServiceAccount(cluster, namespace, INERT_SERVICE_ACCOUNT);
}

/** A container of the busybox image running `script` with `sh -c`. */
export function shellContainer(name: string, script: string, extra: Partial<V1Container> = {}): V1Container {
  return { name, image: image('busybox'), command: ['sh', '-c', script], ...extra };
}

/** A node name no cluster has: `kconform-absent-node-<random>`. */
export function absentNodeName(): string {
  return `kconform-absent-node-${randomSuffix()}`;
}

export interface InertPodOptions {
  /** Bind to this node (use `absentNodeName()`); without it the pod stays unscheduled. */
  nodeName?: string;
  labels?: Record<string, string>;
  terminationGracePeriodSeconds?: number;
  /** Container names; each gets INERT_IMAGE. Default: one container named `main`. */
  containers?: string[];
}

export function inertContainer(name: string, image = INERT_IMAGE): V1Container {
  return {
    name,
    image,
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      runAsUser: 65534,
    },
  };
}

export function inertPod(name: string, options: InertPodOptions = {}): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, ...(options.labels ? { labels: options.labels } : {}) },
    spec: {
      ...(options.nodeName ? { nodeName: options.nodeName } : { nodeSelector: UNSCHEDULABLE_SELECTOR }),
      serviceAccountName: INERT_SERVICE_ACCOUNT,
      automountServiceAccountToken: false,
      ...(options.terminationGracePeriodSeconds === undefined
        ? {}
        : { terminationGracePeriodSeconds: options.terminationGracePeriodSeconds }),
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: (options.containers ?? ['main']).map((container) => inertContainer(container)),
    },
  };
}

/** The non-empty lines a container has logged so far. */
export async function logLines(
  cluster: Cluster,
  namespace: string,
  pod: string,
  container: string,
): Promise<string[]> {
  const log = await cluster.core.readNamespacedPodLog({ name: pod, namespace, container });
  return log.split('\n').filter(Boolean);
}

/** One line per pod for a timeout message: phase, then each container's state and counters. */
export function describePod(pod: V1Pod | undefined): string {
  if (!pod) return 'absent';
  const containers = (pod.status?.containerStatuses ?? []).map((c) => {
    const [state, detail] = Object.entries(c.state ?? {})[0] ?? ['?', {}];
    const why = (detail as { reason?: string; message?: string }) ?? {};
    const reason = why.reason ? ` (${why.reason}${why.message ? `: ${why.message}` : ''})` : '';
    return `${c.name}: ${state}${reason} ready=${c.ready} started=${c.started} restarts=${c.restartCount}`;
  });
  return `phase ${pod.status?.phase ?? '?'}; ${containers.join('; ') || 'no container statuses'}`;
}

/** Watches the pod until `until` holds; the timeout error shows its last status. */
export async function podUntil(
  cluster: Cluster,
  namespace: string,
  name: string,
  what: string,
  until: (pod: V1Pod) => boolean,
  timeoutMs: number,
): Promise<V1Pod> {
  const pod = await waitForObject<V1Pod>(cluster, {
    what: `pod ${namespace}/${name}: ${what}`,
    collectionPath: `/api/v1/namespaces/${namespace}/pods`,
    name,
    timeoutMs,
    until: (p) => p !== undefined && until(p),
    describe: describePod,
  });
  return pod!;
}
