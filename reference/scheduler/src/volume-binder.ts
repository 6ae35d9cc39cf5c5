// The scheduler's side of volume binding (upstream's volumebinding PreBind, binder.go): caches of
// claims, volumes and classes for the VolumeBinding filter, and, once a node is chosen, the
// binding of the pod's unbound WaitForFirstConsumer claims: a fitting volume gets the claim in
// its claimRef (the PersistentVolume controller completes the binding), a claim to provision gets
// the volume.kubernetes.io/selected-node annotation (the provisioner makes its volume). The pod is
// bound to the node only once every claim is bound, as upstream's BindPodVolumes waits.
import * as k8s from '@kubernetes/client-node';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import type { Logger } from '../../../common/src/log.ts';
import {
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_SELECTED_NODE,
  claimRefTo,
} from '../../controllers/src/volume/pv-matching.ts';
import { claimNames, planVolumes, type VolumeListers } from './plugins/volume-binding.ts';

export interface VolumeBinderOptions {
  kubeconfig: k8s.KubeConfig;
  watch: k8s.Watch;
  core: k8s.CoreV1Api;
  log: Logger;
  /** Called when a claim, volume or class changes: pods waiting on volumes may fit now. */
  onChange: () => void;
  /** How long to wait for the claims to be bound before giving up (upstream's bindTimeoutSeconds, 600). */
  bindTimeoutMs?: number;
}

/** Watched objects are plain JSON (timestamps as strings); the typed client wants Date objects. */
const typed = <T>(obj: T, type: string): T => ObjectSerializer.deserialize(obj, type, '') as T;

const key = (namespace: string | undefined, name: string | undefined) => `${namespace}/${name}`;

export class VolumeBinder implements VolumeListers {
  readonly informers: Array<k8s.ListWatch<k8s.KubernetesObject>>;
  private readonly claims: k8s.ListWatch<k8s.V1PersistentVolumeClaim>;
  private readonly pvs: k8s.ListWatch<k8s.V1PersistentVolume>;
  private readonly classes: k8s.ListWatch<k8s.V1StorageClass>;
  private readonly waiters = new Set<() => void>();
  private closed = false;

  constructor(private readonly o: VolumeBinderOptions) {
    const storage = o.kubeconfig.makeApiClient(k8s.StorageV1Api);
    this.claims = new k8s.ListWatch(
      '/api/v1/persistentvolumeclaims',
      o.watch,
      () => o.core.listPersistentVolumeClaimForAllNamespaces(),
      false,
    );
    this.pvs = new k8s.ListWatch(
      '/api/v1/persistentvolumes',
      o.watch,
      () => o.core.listPersistentVolume(),
      false,
    );
    this.classes = new k8s.ListWatch(
      '/apis/storage.k8s.io/v1/storageclasses',
      o.watch,
      () => storage.listStorageClass(),
      false,
    );
    this.informers = [this.claims, this.pvs, this.classes] as Array<k8s.ListWatch<k8s.KubernetesObject>>;
    for (const informer of this.informers) {
      for (const event of ['add', 'update', 'delete'] as const) {
        informer.on(event, () => {
          for (const wake of this.waiters) wake();
          o.onChange();
        });
      }
    }
  }

  claim(namespace: string, name: string): k8s.V1PersistentVolumeClaim | undefined {
    return this.claims.get(name, namespace);
  }
  volume(name: string): k8s.V1PersistentVolume | undefined {
    return this.pvs.get(name);
  }
  volumes(): readonly k8s.V1PersistentVolume[] {
    return this.pvs.list();
  }
  storageClass(name: string): k8s.V1StorageClass | undefined {
    return name ? this.classes.get(name) : undefined;
  }

  /**
   * Binds the pod's unbound late-binding claims for `nodeName` and waits until every claim of the
   * pod is bound. Throws when that cannot be done (the caller retries the pod after back-off).
   */
  async bindPodVolumes(pod: k8s.V1Pod, nodeName: string, node: k8s.V1Node): Promise<void> {
    if (claimNames(pod).length === 0) return;
    const plan = planVolumes(pod, node, this);
    if (!('plans' in plan)) throw new Error(`volumes no longer fit node ${nodeName}: ${plan.reason}`);
    for (const step of plan.plans) {
      const claim = step.claim;
      if ('volume' in step) {
        const pv = step.volume;
        await this.o.core.replacePersistentVolume({
          name: pv.metadata!.name!,
          body: typed<k8s.V1PersistentVolume>(
            {
              ...pv,
              metadata: {
                ...pv.metadata,
                annotations: { ...pv.metadata?.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' },
              },
              spec: {
                ...pv.spec,
                claimRef: claimRefTo(claim),
              },
            },
            'V1PersistentVolume',
          ),
        });
      } else if (claim.metadata?.annotations?.[ANN_SELECTED_NODE] !== nodeName) {
        await this.o.core.replaceNamespacedPersistentVolumeClaim({
          name: claim.metadata!.name!,
          namespace: claim.metadata!.namespace!,
          body: typed<k8s.V1PersistentVolumeClaim>(
            {
              ...claim,
              metadata: {
                ...claim.metadata,
                annotations: { ...claim.metadata?.annotations, [ANN_SELECTED_NODE]: nodeName },
              },
            },
            'V1PersistentVolumeClaim',
          ),
        });
      }
    }
    await this.waitForBound(pod);
  }

  /** Ends every wait for claims (the scheduler is stopping). */
  close(): void {
    this.closed = true;
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves once every claim of the pod is bound (bind-completed, and its volume points back). */
  private waitForBound(pod: k8s.V1Pod): Promise<void> {
    const namespace = pod.metadata?.namespace;
    const names = claimNames(pod);
    const timeoutMs = this.o.bindTimeoutMs ?? 600_000;
    const unbound = (): string[] =>
      names.filter((name) => {
        const claim = this.claims.get(name, namespace);
        const volume = claim?.spec?.volumeName ? this.pvs.get(claim.spec.volumeName) : undefined;
        return !(
          claim?.metadata?.annotations?.[ANN_BIND_COMPLETED] &&
          volume?.spec?.claimRef?.uid === claim.metadata?.uid
        );
      });
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (this.closed) {
          done();
          reject(new Error('scheduler stopping'));
          return;
        }
        if (unbound().length > 0) return;
        done();
        resolve();
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `binding volumes: timed out waiting for claims ${unbound()
              .map((n) => key(namespace, n))
              .join(', ')}`,
          ),
        );
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}
