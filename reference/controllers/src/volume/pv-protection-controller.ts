// The PV protection controller (`pv-protection`, upstream's pkg/controller/volume/pvprotection):
// a PersistentVolume being deleted keeps its kubernetes.io/pv-protection finalizer while it is
// Bound to a claim, so a volume in use is not removed under it; once the PersistentVolume
// controller has moved it out of Bound (Released, Available, Failed), the finalizer goes and the
// apiserver completes the delete. Volumes that lack the finalizer get it.
import type { Controller, ControllerContext } from '../framework/controller.ts';
import { PV_PROTECTION_FINALIZER, ProtectionController, volumeInUse } from './protection.ts';

export const pvProtectionController = (ctx: ControllerContext): Controller =>
  new ProtectionController(ctx, {
    name: 'pv-protection',
    objects: ctx.informers.for('persistentvolumes'),
    finalizer: PV_PROTECTION_FINALIZER,
    modelType: 'V1PersistentVolume',
    inUse: volumeInUse,
    replace: (volume) => ctx.api.core.replacePersistentVolume({ name: volume.metadata!.name!, body: volume }),
    noun: 'volume',
    keptBecause: 'it is still Bound',
    freed: 'unbound',
  });
