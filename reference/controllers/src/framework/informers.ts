// Shared informers: one list-watch per resource for the whole controller-manager, however many
// controllers read it, as client-go's SharedInformerFactory does. Controllers ask for the
// resources they need before `start()`; `start()` resolves once each has listed, so the first
// reconciles see a full cache. A watch that fails is restarted (list, then watch again): the
// caches converge, and a periodic resync covers anything a handler missed.
import * as k8s from '@kubernetes/client-node';
import type { Logger } from '../../../../common/src/log.ts';

export type Handler<T> = (obj: T) => void;

/** What a controller sees of one resource: the cache and its change notifications. */
export interface Informer<T extends k8s.KubernetesObject> {
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): ReadonlyArray<T>;
  /** add, update and delete; an update handler gets the new object only. */
  onChange(handlers: { add?: Handler<T>; update?: Handler<T>; delete?: Handler<T> }): void;
}

export interface ApiClients {
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  discovery: k8s.DiscoveryV1Api;
  coordination: k8s.CoordinationV1Api;
  storage: k8s.StorageV1Api;
}

interface ResourceDef<T extends k8s.KubernetesObject> {
  path: string;
  list: (api: ApiClients) => Promise<k8s.KubernetesListObject<T>>;
}

/** The resources the controllers watch, by their plural name. */
export const RESOURCES = {
  pods: { path: '/api/v1/pods', list: (a) => a.core.listPodForAllNamespaces() } as ResourceDef<k8s.V1Pod>,
  nodes: { path: '/api/v1/nodes', list: (a) => a.core.listNode() } as ResourceDef<k8s.V1Node>,
  namespaces: {
    path: '/api/v1/namespaces',
    list: (a) => a.core.listNamespace(),
  } as ResourceDef<k8s.V1Namespace>,
  services: {
    path: '/api/v1/services',
    list: (a) => a.core.listServiceForAllNamespaces(),
  } as ResourceDef<k8s.V1Service>,
  endpoints: {
    path: '/api/v1/endpoints',
    list: (a) => a.core.listEndpointsForAllNamespaces(),
  } as ResourceDef<k8s.V1Endpoints>,
  endpointslices: {
    path: '/apis/discovery.k8s.io/v1/endpointslices',
    list: (a) => a.discovery.listEndpointSliceForAllNamespaces(),
  } as ResourceDef<k8s.V1EndpointSlice>,
  replicationcontrollers: {
    path: '/api/v1/replicationcontrollers',
    list: (a) => a.core.listReplicationControllerForAllNamespaces(),
  } as ResourceDef<k8s.V1ReplicationController>,
  replicasets: {
    path: '/apis/apps/v1/replicasets',
    list: (a) => a.apps.listReplicaSetForAllNamespaces(),
  } as ResourceDef<k8s.V1ReplicaSet>,
  deployments: {
    path: '/apis/apps/v1/deployments',
    list: (a) => a.apps.listDeploymentForAllNamespaces(),
  } as ResourceDef<k8s.V1Deployment>,
  configmaps: {
    path: '/api/v1/configmaps',
    list: (a) => a.core.listConfigMapForAllNamespaces(),
  } as ResourceDef<k8s.V1ConfigMap>,
  secrets: {
    path: '/api/v1/secrets',
    list: (a) => a.core.listSecretForAllNamespaces(),
  } as ResourceDef<k8s.V1Secret>,
  serviceaccounts: {
    path: '/api/v1/serviceaccounts',
    list: (a) => a.core.listServiceAccountForAllNamespaces(),
  } as ResourceDef<k8s.V1ServiceAccount>,
  persistentvolumes: {
    path: '/api/v1/persistentvolumes',
    list: (a) => a.core.listPersistentVolume(),
  } as ResourceDef<k8s.V1PersistentVolume>,
  persistentvolumeclaims: {
    path: '/api/v1/persistentvolumeclaims',
    list: (a) => a.core.listPersistentVolumeClaimForAllNamespaces(),
  } as ResourceDef<k8s.V1PersistentVolumeClaim>,
  storageclasses: {
    path: '/apis/storage.k8s.io/v1/storageclasses',
    list: (a) => a.storage.listStorageClass(),
  } as ResourceDef<k8s.V1StorageClass>,
  leases: {
    path: '/apis/coordination.k8s.io/v1/leases',
    list: (a) => a.coordination.listLeaseForAllNamespaces(),
  } as ResourceDef<k8s.V1Lease>,
} as const;

export type ResourceName = keyof typeof RESOURCES;
type ObjectOf<R extends ResourceName> = (typeof RESOURCES)[R] extends ResourceDef<infer T> ? T : never;

const RESTART_DELAY_MS = 1000;

export class SharedInformers {
  private readonly informers = new Map<ResourceName, k8s.ListWatch<k8s.KubernetesObject>>();
  private readonly watch: k8s.Watch;
  private started = false;
  private stopped = false;

  constructor(
    kubeconfig: k8s.KubeConfig,
    private readonly api: ApiClients,
    private readonly log: Logger,
  ) {
    this.watch = new k8s.Watch(kubeconfig);
  }

  /** The informer for `resource`, created on first use; call before `start()`. */
  for<R extends ResourceName>(resource: R): Informer<ObjectOf<R>> {
    let informer = this.informers.get(resource);
    if (!informer) {
      if (this.started) throw new Error(`informer for ${resource} asked for after start`);
      const def = RESOURCES[resource] as unknown as ResourceDef<k8s.KubernetesObject>;
      informer = new k8s.ListWatch(def.path, this.watch, () => def.list(this.api), false);
      const created = informer;
      created.on('error', (err: unknown) => {
        if (this.stopped) return; // stopping aborts the watch: not a failure
        this.log.warn(`${resource} watch failed; restarting it`, { err });
        setTimeout(() => {
          if (!this.stopped) void created.start().catch(() => undefined);
        }, RESTART_DELAY_MS).unref();
      });
      this.informers.set(resource, informer);
    }
    const lw = informer as unknown as k8s.ListWatch<ObjectOf<R>>;
    return {
      get: (name, namespace) => lw.get(name, namespace),
      list: (namespace) => lw.list(namespace),
      onChange: (handlers) => {
        if (handlers.add) lw.on('add', handlers.add);
        if (handlers.update) lw.on('update', handlers.update);
        if (handlers.delete) lw.on('delete', handlers.delete);
      },
    };
  }

  /** Lists every resource asked for, then keeps watching; resolves when all have listed. */
  async start(): Promise<void> {
    this.started = true;
    await Promise.all([...this.informers.values()].map((i) => i.start()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.informers.values()].map((i) => i.stop()));
  }
}
