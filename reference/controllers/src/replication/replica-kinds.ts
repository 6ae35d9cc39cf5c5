// The two kinds one replica manager runs for (upstream runs its ReplicaSetController for both:
// pkg/controller/replicaset, and pkg/controller/replication through a conversion): what differs is
// the API group, the selector type (a label map for core/v1 ReplicationControllers, a
// metav1.LabelSelector with matchExpressions for apps/v1 ReplicaSets), the event source and the
// typed calls that read an owner and write its status.
import type * as k8s from '@kubernetes/client-node';
import type { ApiClients, ResourceName } from '../framework/informers.ts';
import { fromCache } from '../util/api-errors.ts';
import { labelSelectorMatches } from '../util/label-selector.ts';
import { selectorMatches } from '../util/pod-state.ts';

/** An object that keeps spec.replicas pods from spec.template. */
export type Replicator = k8s.V1ReplicationController | k8s.V1ReplicaSet;

export interface ReplicaKind<T extends Replicator> {
  kind: 'ReplicationController' | 'ReplicaSet';
  apiVersion: 'v1' | 'apps/v1';
  resource: ResourceName & ('replicationcontrollers' | 'replicasets');
  /** The controller's name in --controllers. */
  controllerName: string;
  /** The source component of its events. */
  component: string;
  /** Whether the owner's selector selects a pod with these labels. */
  selects(owner: T, labels: Record<string, string> | undefined): boolean;
  read(api: ApiClients, name: string, namespace: string): Promise<T>;
  /** PUT …/status with `owner` (a cached object, converted for the typed client). */
  replaceStatus(api: ApiClients, owner: T): Promise<unknown>;
}

export const REPLICATION_CONTROLLER_KIND: ReplicaKind<k8s.V1ReplicationController> = {
  kind: 'ReplicationController',
  apiVersion: 'v1',
  resource: 'replicationcontrollers',
  controllerName: 'replicationcontroller',
  component: 'replication-controller',
  selects: (rc, labels) => selectorMatches(rc.spec?.selector, labels),
  read: (api, name, namespace) => api.core.readNamespacedReplicationController({ name, namespace }),
  replaceStatus: (api, rc) =>
    api.core.replaceNamespacedReplicationControllerStatus({
      name: rc.metadata!.name!,
      namespace: rc.metadata!.namespace!,
      body: fromCache(rc, 'V1ReplicationController'),
    }),
};

export const REPLICA_SET_KIND: ReplicaKind<k8s.V1ReplicaSet> = {
  kind: 'ReplicaSet',
  apiVersion: 'apps/v1',
  resource: 'replicasets',
  controllerName: 'replicaset',
  component: 'replicaset-controller',
  selects: (rs, labels) => labelSelectorMatches(rs.spec?.selector, labels),
  read: (api, name, namespace) => api.apps.readNamespacedReplicaSet({ name, namespace }),
  replaceStatus: (api, rs) =>
    api.apps.replaceNamespacedReplicaSetStatus({
      name: rs.metadata!.name!,
      namespace: rs.metadata!.namespace!,
      body: fromCache(rs, 'V1ReplicaSet'),
    }),
};
