// What the replication and scheduling tests share: a service account their pods name, busybox
// containers, ReplicationController bodies, a watch-driven wait over a label-selected set of pods,
// and the evidence that each replica serves (its own name, asked from inside another replica).
import { expect } from 'chai';
import * as k8s from '@kubernetes/client-node';
import type {
  CoreV1Event,
  V1Container,
  V1ObjectMeta,
  V1Pod,
  V1PodSpec,
  V1ReplicationController,
} from '@kubernetes/client-node';
import type { Cluster } from '../../lib/cluster.ts';
import { execMustSucceed } from '../../lib/exec.ts';
import { createServiceAccount, shellContainer } from '../../lib/pods.ts';
import { pollUntil, waitForObjects } from '../../lib/wait.ts';

export const WORKLOAD_SERVICE_ACCOUNT = 'kconform-workload';
export const HTTP_PORT = 8080;
/** Each exec a test makes must answer within this (the request itself waits at most 3 s). */
const EXEC_TIMEOUT_MS = 30_000;
export const MERGE_PATCH = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

export async function createWorkloadServiceAccount(cluster: Cluster, namespace: string): Promise<void> {
  await createServiceAccount(cluster, namespace, WORKLOAD_SERVICE_ACCOUNT);
}

/** A busybox container running `script`; `sleep` by default. */
export function busybox(name: string, script = 'sleep 3600', extra: Partial<V1Container> = {}): V1Container {
  return shellContainer(name, script, extra);
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
 * Watches the namespace's pods matching `labelSelector` until `until` holds for the current set;
 * resolves with that set, sorted by name.
 */
export function waitForPods(
  cluster: Cluster,
  namespace: string,
  labelSelector: string,
  what: string,
  timeoutMs: number,
  until: (pods: V1Pod[]) => boolean,
): Promise<V1Pod[]> {
  return waitForObjects<V1Pod>(cluster, {
    what,
    collectionPath: `/api/v1/namespaces/${namespace}/pods`,
    selector: { labelSelector },
    timeoutMs,
    until,
    describe: describePods,
  });
}

/** Whether an object's controller (ownerReference with controller true) is `owner`. */
export const ownedBy =
  (owner: { metadata?: V1ObjectMeta }) =>
  (object: { metadata?: V1ObjectMeta }): boolean =>
    object.metadata?.ownerReferences?.some((r) => r.controller && r.uid === owner.metadata?.uid) ?? false;

/**
 * Each replica is named `<owner>-<5 characters>` (generateName) and carries exactly one
 * ownerReference: its controller `owner`, blocking the owner's foreground deletion.
 */
export function expectControlledReplicas(
  pods: V1Pod[],
  owner: { apiVersion: string; kind: string; metadata?: V1ObjectMeta },
): void {
  const name = owner.metadata!.name!;
  for (const pod of pods) {
    expect(pod.metadata?.name).to.match(new RegExp(`^${name}-[a-z0-9]{5}$`));
    expect(pod.metadata?.ownerReferences).to.deep.equal([
      {
        apiVersion: owner.apiVersion,
        kind: owner.kind,
        name,
        uid: owner.metadata!.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  }
}

/**
 * From inside the first of `pods` (whose `container` has nc), each pod answers an HTTP GET on
 * HTTP_PORT with its own name (hostnameServer); retried until `timeoutMs`, since a replica may be
 * Ready before every path to it is.
 */
export async function replicasServeTheirNames(
  cluster: Cluster,
  namespace: string,
  pods: V1Pod[],
  container: string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const client = pods[0]!.metadata!.name!;
  for (const pod of pods) {
    const name = pod.metadata!.name!;
    await pollUntil(
      () =>
        execMustSucceed(
          cluster,
          { namespace, pod: client, container },
          ['sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${pod.status!.podIP} ${HTTP_PORT}`],
          EXEC_TIMEOUT_MS,
        ).catch((err: Error) => err.message),
      {
        what: `replica ${name} answering with its name`,
        timeoutMs: Math.max(1, deadline - Date.now()),
        done: (text) => text.includes(name),
        describe: (text) => `last answer: ${text ?? 'none'}`,
      },
    );
  }
}

/**
 * Runs `write` until it succeeds. `write` reads the object afresh and writes it back: a status
 * write between the read and the write bumps the resourceVersion, and the write is then refused
 * with 409 Conflict, to be tried again. The timeout error shows the last refusal.
 */
export async function writeRetryingConflicts(
  what: string,
  write: () => Promise<unknown>,
  timeoutMs: number,
): Promise<void> {
  await pollUntil(
    async () => {
      await write();
      return true;
    },
    { what, timeoutMs, done: (written) => written },
  );
}

/** The events recorded about the object named `name` in `namespace`. */
export async function eventsAbout(cluster: Cluster, namespace: string, name: string): Promise<CoreV1Event[]> {
  return (await cluster.core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` }))
    .items;
}
