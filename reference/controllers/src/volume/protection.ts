// What the storage-protection controllers decide (upstream's pkg/controller/volume/protectionutil,
// pvcprotection and pvprotection), as pure functions over objects: whether an object waits on
// its protection finalizer, whether it should get one, and whether a claim or a volume is still
// in use; and the loop both run over them (`ProtectionController`), which differ only in what
// they protect and what "in use" means. The apiserver's StorageObjectInUseProtection admission
// adds the finalizers on create; the controllers add them to objects that lack them and remove
// them once nothing uses the object.
import type * as k8s from '@kubernetes/client-node';
import type { Controller, ControllerContext } from '../framework/controller.ts';
import type { Informer } from '../framework/informers.ts';
import { controllerLoop, keyOf, splitKey, type ReconcileLoop } from '../framework/reconcile-loop.ts';
import { fromCache, isNotFound } from '../util/api-errors.ts';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

type Meta = { metadata?: k8s.V1ObjectMeta };

/** protectionutil.IsDeletionCandidate: being deleted and still holding `finalizer`. */
export const isDeletionCandidate = (obj: Meta, finalizer: string): boolean =>
  Boolean(obj.metadata?.deletionTimestamp) && (obj.metadata?.finalizers ?? []).includes(finalizer);

/** protectionutil.NeedToAddFinalizer: not being deleted and without `finalizer`. */
export const needToAddFinalizer = (obj: Meta, finalizer: string): boolean =>
  !obj.metadata?.deletionTimestamp && !(obj.metadata?.finalizers ?? []).includes(finalizer);

/** The finalizers with `finalizer` added at the end or removed (every occurrence). */
export const withFinalizer = (obj: Meta, finalizer: string): string[] => [
  ...(obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer),
  finalizer,
];
export const withoutFinalizer = (obj: Meta, finalizer: string): string[] =>
  (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer);

/** The `namespace/name` keys of the claims a pod's volumes name. */
export const claimKeysOf = (pod: k8s.V1Pod): string[] =>
  (pod.spec?.volumes ?? [])
    .map((v) => v.persistentVolumeClaim?.claimName)
    .filter((name): name is string => Boolean(name))
    .map((name) => `${pod.metadata?.namespace}/${name}`);

/**
 * pvcprotection's podUsesPVC: a pod uses the claim once it is scheduled (spec.nodeName set) and
 * one of its volumes names the claim, whatever its phase: upstream keeps a claim for a finished
 * pod too, until that pod is deleted (kubernetes/kubernetes#120756). A pod not yet scheduled does
 * not hold it: the kubelet never starts a pod whose claim is being deleted.
 */
export function podUsesClaim(pod: k8s.V1Pod, claim: k8s.V1PersistentVolumeClaim): boolean {
  if (!pod.spec?.nodeName || pod.metadata?.namespace !== claim.metadata?.namespace) return false;
  return (pod.spec.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim.metadata?.name);
}

/**
 * pvcprotection's enqueuePVCs filter: only a pod that went away, finished, or was never
 * scheduled can free a claim, so only those wake the claims they name.
 */
export function podMayFreeClaims(pod: k8s.V1Pod, deleted: boolean): boolean {
  const phase = pod.status?.phase;
  return deleted || phase === 'Succeeded' || phase === 'Failed' || !pod.spec?.nodeName;
}

/** pvprotection's isBeingUsed: the PersistentVolume controller says it is Bound. */
export const volumeInUse = (pv: k8s.V1PersistentVolume): boolean => pv.status?.phase === 'Bound';

/** What one protection controller protects, and how it tells that the object is still in use. */
export interface ProtectedResource<T extends k8s.KubernetesObject> {
  /** The controller's name in --controllers. */
  name: string;
  objects: Informer<T>;
  finalizer: string;
  /** The client model name the cached object is converted to before it is written back. */
  modelType: string;
  /** Whether a deletion candidate must keep its finalizer; may ask the API. */
  inUse(obj: T): boolean | Promise<boolean>;
  /** PUT the object (a conflict is retried by the loop with a fresh copy). */
  replace(obj: T): Promise<unknown>;
  /** Log wording: the object's noun, why it is kept ("a pod still uses it"), what it is once freed. */
  noun: string;
  keptBecause: string;
  freed: string;
}

/**
 * upstream's processPVC / processPV over a shared-informer cache: a deletion candidate loses its
 * finalizer once nothing uses it, an object not being deleted gets the finalizer it lacks. Only
 * objects that need one of the two are queued, on change and on every resync.
 */
export class ProtectionController<T extends k8s.KubernetesObject> implements Controller {
  readonly name: string;
  private readonly loop: ReconcileLoop;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly resource: ProtectedResource<T>,
  ) {
    this.name = resource.name;
    const { objects } = resource;
    this.loop = controllerLoop(
      ctx,
      this.name,
      (key) => this.sync(key),
      () =>
        objects
          .list()
          .filter((obj) => this.needsWork(obj))
          .map(keyOf),
    );
    const onObject = (obj: T): void => {
      if (this.needsWork(obj)) this.loop.add(keyOf(obj));
    };
    objects.onChange({ add: onObject, update: onObject });
  }

  /** Queues the object with this key for a look (e.g. a pod that named it went away). */
  enqueue(key: string): void {
    this.loop.add(key);
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Only objects that wait on the finalizer, or lack it, need a look (upstream's pvcAddedUpdated). */
  private needsWork(obj: T): boolean {
    const { finalizer } = this.resource;
    return isDeletionCandidate(obj, finalizer) || needToAddFinalizer(obj, finalizer);
  }

  private async sync(key: string): Promise<void> {
    const { objects, finalizer, noun, freed } = this.resource;
    const { namespace, name } = splitKey(key);
    const obj = objects.get(name, namespace);
    if (!obj) return;
    if (isDeletionCandidate(obj, finalizer)) {
      if (await this.resource.inUse(obj)) {
        this.ctx.log.debug(`keeping ${noun}: ${this.resource.keptBecause}`, { [noun]: key });
        return;
      }
      await this.writeFinalizers(obj, withoutFinalizer(obj, finalizer));
      this.ctx.log.info(`removed the protection finalizer of an ${freed} ${noun}`, { [noun]: key });
      return;
    }
    if (needToAddFinalizer(obj, finalizer)) await this.writeFinalizers(obj, withFinalizer(obj, finalizer));
  }

  /** An update of the cached object; one deleted meanwhile needs nothing more. */
  private async writeFinalizers(obj: T, finalizers: string[]): Promise<void> {
    try {
      await this.resource.replace(
        fromCache<T>({ ...obj, metadata: { ...obj.metadata, finalizers } }, this.resource.modelType),
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}
