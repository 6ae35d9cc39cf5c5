// What the replication and scheduling tests share: a service account their pods name (created per
// namespace, so no test depends on a cluster creating "default" in time), busybox containers,
// ReplicationController bodies, and a list-then-watch wait over a label-selected set of pods.
import type {
  CoreV1Event,
  V1Container,
  V1Pod,
  V1PodSpec,
  V1ReplicationController,
} from '@kubernetes/client-node';
import type { Cluster } from '../../lib/cluster.ts';
import { image } from '../../lib/images.ts';
import { WatchEndedError, WatchStream } from '../../lib/wait.ts';

export const WORKLOAD_SERVICE_ACCOUNT = 'kconform-workload';
export const HTTP_PORT = 8080;

export async function createWorkloadServiceAccount(cluster: Cluster, namespace: string): Promise<void> {
  await cluster.core.createNamespacedServiceAccount({
    namespace,
    body: { metadata: { name: WORKLOAD_SERVICE_ACCOUNT }, automountServiceAccountToken: false },
  });
}

/** A busybox container running `script`; `sleep` by default. */
export function busybox(name: string, script = 'sleep 3600', extra: Partial<V1Container> = {}): V1Container {
  return { name, image: image('busybox'), command: ['sh', '-c', script], ...extra };
}

/** A web server on HTTP_PORT answering every GET with the pod's hostname (its name). */
export function hostnameServer(name = 'serve'): V1Container {
  return busybox(
    name,
    `mkdir -p /www && hostname > /www/index.html && exec httpd -f -p ${HTTP_PORT} -h /www`,
    {
      ports: [{ name: 'http', containerPort: HTTP_PORT }],
      readinessProbe: { tcpSocket: { port: HTTP_PORT }, periodSeconds: 1 },
    },
  );
}

export function podSpec(containers: V1Container[], extra: Partial<V1PodSpec> = {}): V1PodSpec {
  return {
    serviceAccountName: WORKLOAD_SERVICE_ACCOUNT,
    automountServiceAccountToken: false,
    terminationGracePeriodSeconds: 1,
    containers,
    ...extra,
  };
}

export function replicationController(
  name: string,
  replicas: number,
  labels: Record<string, string>,
  spec: V1PodSpec,
): V1ReplicationController {
  return {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name },
    spec: { replicas, selector: labels, template: { metadata: { labels }, spec } },
  };
}

export const isReady = (pod: V1Pod): boolean =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
export const notDeleting = (pod: V1Pod): boolean => !pod.metadata?.deletionTimestamp;

export function describePods(pods: V1Pod[]): string {
  if (pods.length === 0) return 'no pods';
  return pods
    .map(
      (p) =>
        `${p.metadata?.name} (${p.status?.phase ?? '?'}${isReady(p) ? ', Ready' : ''}` +
        `${p.spec?.nodeName ? `, on ${p.spec.nodeName}` : ''}${p.metadata?.deletionTimestamp ? ', deleting' : ''})`,
    )
    .join(', ');
}

/**
 * Lists the namespace's pods matching `labelSelector`, then watches them from the list's
 * resourceVersion until `until` holds for the current set; resolves with that set. A watch the
 * server ends is reopened, and after 410 Gone the wait starts over with a list.
 */
export async function waitForPods(
  cluster: Cluster,
  namespace: string,
  labelSelector: string,
  what: string,
  timeoutMs: number,
  until: (pods: V1Pod[]) => boolean,
): Promise<V1Pod[]> {
  const deadline = Date.now() + timeoutMs;
  const path = `/api/v1/namespaces/${namespace}/pods`;
  const pods = new Map<string, V1Pod>();
  const current = () => [...pods.values()].sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
  const timedOut = () =>
    new Error(`${what} not done after ${timeoutMs} ms (last seen: ${describePods(current())})`);
  for (;;) {
    const list = await cluster.core.listNamespacedPod({ namespace, labelSelector });
    pods.clear();
    for (const pod of list.items) pods.set(pod.metadata!.name!, pod);
    if (until(current())) return current();
    let resourceVersion = list.metadata?.resourceVersion;
    while (resourceVersion !== undefined) {
      if (Date.now() >= deadline) throw timedOut();
      let stream: WatchStream<V1Pod>;
      try {
        stream = await WatchStream.open<V1Pod>(cluster, path, { labelSelector, resourceVersion });
      } catch (err) {
        if (err instanceof WatchEndedError && err.statusCode === 410) break;
        throw err;
      }
      try {
        for (;;) {
          const left = deadline - Date.now();
          if (left <= 0) throw timedOut();
          let event;
          try {
            event = await stream.next(what, left);
          } catch (err) {
            if (Date.now() >= deadline) throw timedOut();
            if (err instanceof WatchEndedError) break;
            throw err;
          }
          if (event.type === 'ERROR') {
            resourceVersion = undefined; // 410 Gone or similar: start over with a list
            break;
          }
          resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
          if (event.type === 'DELETED') pods.delete(event.object.metadata!.name!);
          else pods.set(event.object.metadata!.name!, event.object);
          if (until(current())) return current();
        }
      } finally {
        stream.close();
      }
    }
  }
}

/** The events recorded about the object named `name` in `namespace`. */
export async function eventsAbout(cluster: Cluster, namespace: string, name: string): Promise<CoreV1Event[]> {
  return (await cluster.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` }))
    .items;
}
