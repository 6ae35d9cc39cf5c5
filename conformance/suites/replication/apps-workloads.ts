// What the apps/v1 tests share: a typed AppsV1Api client for the cluster under test, ReplicaSet
// and Deployment bodies, and watch-driven waits on one ReplicaSet or Deployment.
import * as k8s from '@kubernetes/client-node';
import type { V1Deployment, V1PodSpec, V1ReplicaSet } from '@kubernetes/client-node';
import type { Cluster } from '../../lib/cluster.ts';
import { waitForObject } from '../../lib/wait.ts';
import { ownedBy } from './workloads.ts';

export const REVISION = 'deployment.kubernetes.io/revision';
export const HASH_LABEL = 'pod-template-hash';

export const appsApi = (cluster: Cluster): k8s.AppsV1Api => cluster.kubeconfig.makeApiClient(k8s.AppsV1Api);

export function replicaSet(
  name: string,
  replicas: number,
  labels: Record<string, string>,
  spec: V1PodSpec,
  selector: k8s.V1LabelSelector = { matchLabels: labels },
): V1ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, labels },
    spec: { replicas, selector, template: { metadata: { labels }, spec } },
  };
}

export function deployment(
  name: string,
  replicas: number,
  labels: Record<string, string>,
  spec: V1PodSpec,
  extra: Partial<k8s.V1DeploymentSpec> = {},
): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec }, ...extra },
  };
}

export function waitForReplicaSet(
  cluster: Cluster,
  namespace: string,
  name: string,
  what: string,
  timeoutMs: number,
  until: (rs: V1ReplicaSet) => boolean,
): Promise<V1ReplicaSet> {
  return waitForObject<V1ReplicaSet>(cluster, {
    what,
    collectionPath: `/apis/apps/v1/namespaces/${namespace}/replicasets`,
    name,
    timeoutMs,
    until: (rs) => rs !== undefined && until(rs),
    describe: (rs) =>
      rs ? `spec.replicas ${rs.spec?.replicas}, status ${JSON.stringify(rs.status ?? {})}` : 'absent',
  }) as Promise<V1ReplicaSet>;
}

/** What `kubectl rollout status` waits for: the generation observed and every replica updated and available. */
export function rolledOut(d: V1Deployment): boolean {
  const s = d.status ?? {};
  const desired = d.spec?.replicas ?? 1;
  return (
    (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
    s.updatedReplicas === desired &&
    s.replicas === desired &&
    s.availableReplicas === desired
  );
}

export function waitForDeployment(
  cluster: Cluster,
  namespace: string,
  name: string,
  what: string,
  timeoutMs: number,
  until: (d: V1Deployment) => boolean,
): Promise<V1Deployment> {
  return waitForObject<V1Deployment>(cluster, {
    what,
    collectionPath: `/apis/apps/v1/namespaces/${namespace}/deployments`,
    name,
    timeoutMs,
    until: (d) => d !== undefined && until(d),
    describe: (d) =>
      d ? `generation ${d.metadata?.generation}, status ${JSON.stringify(d.status ?? {})}` : 'absent',
  }) as Promise<V1Deployment>;
}

/** The ReplicaSets of the namespace controlled by `owner`. */
export async function replicaSetsOf(
  apps: k8s.AppsV1Api,
  namespace: string,
  owner: { metadata?: k8s.V1ObjectMeta },
): Promise<V1ReplicaSet[]> {
  return (await apps.listNamespacedReplicaSet({ namespace })).items.filter(ownedBy(owner));
}
