// The PV protection controller (`pv-protection`, upstream's pkg/controller/volume/pvprotection):
// a PersistentVolume being deleted keeps its kubernetes.io/pv-protection finalizer while it is
// Bound to a claim, so a volume in use is not removed under it; once the PersistentVolume
// controller has moved it out of Bound (Released, Available, Failed), the finalizer goes and the
// apiserver completes the delete. Volumes that lack the finalizer get it.
import type * as k8s from '@kubernetes/client-node';
import type { Controller, ControllerContext } from '../framework/controller.ts';
import { typed, type Informer } from '../framework/informers.ts';
import { ReconcileLoop, keyOf } from '../framework/reconcile-loop.ts';
import { isNotFound } from '../util/api-errors.ts';
import {
  PV_PROTECTION_FINALIZER,
  isDeletionCandidate,
  needToAddFinalizer,
  volumeInUse,
  withFinalizer,
  withoutFinalizer,
} from './protection.ts';

type Volume = k8s.V1PersistentVolume;

export class PvProtectionController implements Controller {
  readonly name = 'pv-protection';
  private readonly volumes: Informer<Volume>;
  private readonly loop: ReconcileLoop;

  constructor(private readonly ctx: ControllerContext) {
    this.volumes = ctx.informers.for('persistentvolumes');
    this.loop = new ReconcileLoop({
      name: this.name,
      log: ctx.log,
      workers: ctx.settings.workers,
      resyncIntervalMs: ctx.settings.resyncIntervalMs,
      reconcile: (key) => this.sync(key),
      resyncKeys: () => this.volumes.list().filter(needsWork).map(keyOf),
    });
    const onVolume = (v: Volume): void => {
      if (needsWork(v)) this.loop.add(keyOf(v));
    };
    this.volumes.onChange({ add: onVolume, update: onVolume });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async sync(name: string): Promise<void> {
    const volume = this.volumes.get(name);
    if (!volume) return;
    if (isDeletionCandidate(volume, PV_PROTECTION_FINALIZER)) {
      if (volumeInUse(volume)) {
        this.ctx.log.debug('keeping volume: it is still Bound', { volume: name });
        return;
      }
      await this.writeFinalizers(volume, withoutFinalizer(volume, PV_PROTECTION_FINALIZER));
      this.ctx.log.info('removed the protection finalizer of an unbound volume', { volume: name });
      return;
    }
    if (needToAddFinalizer(volume, PV_PROTECTION_FINALIZER)) {
      await this.writeFinalizers(volume, withFinalizer(volume, PV_PROTECTION_FINALIZER));
    }
  }

  /** An update of the cached volume: a conflict (409) is retried by the loop with a fresh copy. */
  private async writeFinalizers(volume: Volume, finalizers: string[]): Promise<void> {
    try {
      await this.ctx.api.core.replacePersistentVolume({
        name: volume.metadata!.name!,
        body: typed<Volume>(
          { ...volume, metadata: { ...volume.metadata, finalizers } },
          'V1PersistentVolume',
        ),
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** Only volumes that wait on the finalizer, or lack it, need a look. */
const needsWork = (v: Volume): boolean =>
  isDeletionCandidate(v, PV_PROTECTION_FINALIZER) || needToAddFinalizer(v, PV_PROTECTION_FINALIZER);

export const pvProtectionController = (ctx: ControllerContext): Controller => new PvProtectionController(ctx);
