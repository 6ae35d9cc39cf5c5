// The PVC protection controller (`pvc-protection`, upstream's
// pkg/controller/volume/pvcprotection): a PersistentVolumeClaim being deleted keeps its
// kubernetes.io/pvc-protection finalizer while a scheduled pod names it, so the data of a volume
// in use is never released under a running pod; once no pod uses it, the finalizer goes and the
// apiserver completes the delete. Claims that lack the finalizer (made before the admission
// plugin ran) get it. The cache may lag a pod's create, so "unused" is confirmed with a live list.
import type * as k8s from '@kubernetes/client-node';
import type { Controller, ControllerContext } from '../framework/controller.ts';
import { typed, type Informer } from '../framework/informers.ts';
import { ReconcileLoop, keyOf, splitKey } from '../framework/reconcile-loop.ts';
import { isNotFound } from '../util/api-errors.ts';
import {
  PVC_PROTECTION_FINALIZER,
  claimKeysOf,
  isDeletionCandidate,
  needToAddFinalizer,
  podMayFreeClaims,
  podUsesClaim,
  withFinalizer,
  withoutFinalizer,
} from './protection.ts';

type Claim = k8s.V1PersistentVolumeClaim;

export class PvcProtectionController implements Controller {
  readonly name = 'pvc-protection';
  private readonly claims: Informer<Claim>;
  private readonly pods: Informer<k8s.V1Pod>;
  private readonly loop: ReconcileLoop;

  constructor(private readonly ctx: ControllerContext) {
    this.claims = ctx.informers.for('persistentvolumeclaims');
    this.pods = ctx.informers.for('pods');
    this.loop = new ReconcileLoop({
      name: this.name,
      log: ctx.log,
      workers: ctx.settings.workers,
      resyncIntervalMs: ctx.settings.resyncIntervalMs,
      reconcile: (key) => this.sync(key),
      resyncKeys: () => this.claims.list().filter(needsWork).map(keyOf),
    });
    const onClaim = (c: Claim): void => {
      if (needsWork(c)) this.loop.add(keyOf(c));
    };
    this.claims.onChange({ add: onClaim, update: onClaim });
    const onPod = (deleted: boolean) => (p: k8s.V1Pod) => {
      if (podMayFreeClaims(p, deleted)) for (const key of claimKeysOf(p)) this.loop.add(key);
    };
    this.pods.onChange({ add: onPod(false), update: onPod(false), delete: onPod(true) });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const claim = this.claims.get(name, namespace);
    if (!claim) return;
    if (isDeletionCandidate(claim, PVC_PROTECTION_FINALIZER)) {
      if (await this.inUse(claim)) {
        this.ctx.log.debug('keeping claim: a pod still uses it', { claim: key });
        return;
      }
      await this.writeFinalizers(claim, withoutFinalizer(claim, PVC_PROTECTION_FINALIZER));
      this.ctx.log.info('removed the protection finalizer of an unused claim', { claim: key });
      return;
    }
    if (needToAddFinalizer(claim, PVC_PROTECTION_FINALIZER)) {
      await this.writeFinalizers(claim, withFinalizer(claim, PVC_PROTECTION_FINALIZER));
    }
  }

  /** upstream's isBeingUsed: the cache first; a live list before concluding "unused". */
  private async inUse(claim: Claim): Promise<boolean> {
    const namespace = claim.metadata!.namespace!;
    if (this.pods.list(namespace).some((p) => podUsesClaim(p, claim))) return true;
    const live = await this.ctx.api.core.listNamespacedPod({ namespace });
    return live.items.some((p) => podUsesClaim(p, claim));
  }

  /** An update of the cached claim: a conflict (409) is retried by the loop with a fresh copy. */
  private async writeFinalizers(claim: Claim, finalizers: string[]): Promise<void> {
    try {
      await this.ctx.api.core.replaceNamespacedPersistentVolumeClaim({
        name: claim.metadata!.name!,
        namespace: claim.metadata!.namespace!,
        body: typed<Claim>(
          { ...claim, metadata: { ...claim.metadata, finalizers } },
          'V1PersistentVolumeClaim',
        ),
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** Only claims that wait on the finalizer, or lack it, need a look (upstream's pvcAddedUpdated). */
const needsWork = (c: Claim): boolean =>
  isDeletionCandidate(c, PVC_PROTECTION_FINALIZER) || needToAddFinalizer(c, PVC_PROTECTION_FINALIZER);

export const pvcProtectionController = (ctx: ControllerContext): Controller =>
  new PvcProtectionController(ctx);
