// The PersistentVolume controller (`persistentvolume-binder`, upstream's
// pkg/controller/volume/persistentvolume/pv_controller.go): binds each claim to the smallest
// fitting volume, keeps both sides' phases (Available, Bound, Released, Failed; Pending, Bound,
// Lost) and annotations, reclaims released volumes (Retain keeps them, Delete removes them,
// Recycle is refused as it is without a recycler plugin) and provisions volumes for claims of a
// StorageClass served by the reference's local provisioner, as upstream's in-tree provisioners do.
// Two level-triggered loops, one over claims and one over volumes, as upstream has.
import type * as k8s from '@kubernetes/client-node';
import type { EventRecorder } from '../../../../common/src/event-recorder.ts';
import type { Logger } from '../../../../common/src/log.ts';
import type { Controller, ControllerContext } from '../framework/controller.ts';
import type { Informer } from '../framework/informers.ts';
import { ReconcileLoop, keyOf, splitKey } from '../framework/reconcile-loop.ts';
import { fromCache, isConflict, isNotFound } from '../util/api-errors.ts';
import { claimAsksForClass, ensureDefaultStorageClass } from './default-storage-class.ts';
import {
  LOCAL_PROVISIONER,
  ProvisioningError,
  checkProvisionable,
  deleteHostPathVolume,
  directoryFor,
  makeVolumeDirectory,
  provisionedVolume,
  removeVolumeDirectory,
  volumeNameFor,
} from './local-provisioner.ts';
import { WrittenOverlay } from './object-cache.ts';
import {
  ANN_BETA_STORAGE_PROVISIONER,
  ANN_BIND_COMPLETED,
  ANN_BOUND_BY_CONTROLLER,
  ANN_PROVISIONED_BY,
  ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER,
  claimClass,
  claimRefTo,
  defaultStorageClass,
  findBestMatchForClaim,
  isDelayBindingClass,
  isVolumeBoundToClaim,
  volumeUnfitReason,
} from './pv-matching.ts';

export const PV_CONTROLLER_COMPONENT = 'persistentvolume-controller';

/** upstream's event reasons (pkg/controller/volume/events). */
export const EVENTS = {
  FailedBinding: 'FailedBinding',
  VolumeMismatch: 'VolumeMismatch',
  VolumeFailedRecycle: 'VolumeFailedRecycle',
  VolumeFailedDelete: 'VolumeFailedDelete',
  ExternalProvisioning: 'ExternalProvisioning',
  ProvisioningFailed: 'ProvisioningFailed',
  ProvisioningSucceeded: 'ProvisioningSucceeded',
  WaitForFirstConsumer: 'WaitForFirstConsumer',
  WaitForPodScheduled: 'WaitForPodScheduled',
  ClaimLost: 'ClaimLost',
  ClaimMisbound: 'ClaimMisbound',
} as const;

export const MESSAGES = {
  noVolumeNoClass: 'no persistent volumes available for this claim and no storage class is set',
  waitForFirstConsumer: 'waiting for first consumer to be created before binding',
  noRecycler: 'No recycler plugin found for the volume!',
  lostReference: 'Bound claim has lost reference to PersistentVolume. Data on the volume is lost!',
  lostVolume: 'Bound claim has lost its PersistentVolume. Data on the volume is lost!',
  misbound: 'Two claims are bound to the same volume, this one is bound incorrectly',
} as const;

type Claim = k8s.V1PersistentVolumeClaim;
type Volume = k8s.V1PersistentVolume;

const claimTarget = (c: Claim) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: c.metadata });
const volumeTarget = (v: Volume) => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: v.metadata });
const annotation = (o: k8s.KubernetesObject, key: string): string | undefined =>
  o.metadata?.annotations?.[key];

export class PersistentVolumeController implements Controller {
  readonly name = 'persistentvolume-binder';
  private readonly claims: Informer<Claim>;
  private readonly volumes: Informer<Volume>;
  private readonly classes: Informer<k8s.V1StorageClass>;
  private readonly pods: Informer<k8s.V1Pod>;
  private readonly claimLoop: ReconcileLoop;
  private readonly volumeLoop: ReconcileLoop;
  private readonly claimWrites = new WrittenOverlay<Claim>(keyOf);
  private readonly volumeWrites = new WrittenOverlay<Volume>(keyOf);
  private readonly recorder: EventRecorder;
  private readonly log: Logger;
  private readonly core: k8s.CoreV1Api;

  constructor(private readonly ctx: ControllerContext) {
    this.log = ctx.log;
    this.core = ctx.api.core;
    this.recorder = ctx.recorder(PV_CONTROLLER_COMPONENT);
    this.claims = ctx.informers.for('persistentvolumeclaims');
    this.volumes = ctx.informers.for('persistentvolumes');
    this.classes = ctx.informers.for('storageclasses');
    this.pods = ctx.informers.for('pods');
    const common = {
      log: ctx.log,
      workers: ctx.settings.workers,
      resyncIntervalMs: ctx.settings.resyncIntervalMs,
    };
    this.claimLoop = new ReconcileLoop({
      ...common,
      name: 'persistentvolumeclaims',
      reconcile: (key) => this.syncClaim(key),
      resyncKeys: () => this.claims.list().map(keyOf),
    });
    this.volumeLoop = new ReconcileLoop({
      ...common,
      name: 'persistentvolumes',
      reconcile: (key) => this.syncVolume(key),
      resyncKeys: () => this.volumes.list().map(keyOf),
    });
    this.claims.onChange({
      add: (c) => this.claimLoop.add(keyOf(c)),
      update: (c) => this.claimLoop.add(keyOf(c)),
      delete: (c) => {
        this.claimWrites.forget(keyOf(c));
        // The volumes bound to it are released now.
        for (const v of this.volumes.list()) {
          const ref = v.spec?.claimRef;
          if (ref?.name === c.metadata?.name && ref?.namespace === c.metadata?.namespace)
            this.volumeLoop.add(keyOf(v));
        }
      },
    });
    const onVolume = (v: Volume): void => {
      this.volumeLoop.add(keyOf(v));
      const ref = v.spec?.claimRef;
      if (ref?.namespace && ref.name) this.claimLoop.add(`${ref.namespace}/${ref.name}`);
      // A volume that is (or became) free may be what a waiting claim needs.
      if (!ref || v.status?.phase === 'Available') this.queueUnboundClaims();
    };
    this.volumes.onChange({
      add: onVolume,
      update: onVolume,
      delete: (v) => {
        this.volumeWrites.forget(keyOf(v));
        const ref = v.spec?.claimRef;
        if (ref?.namespace && ref.name) this.claimLoop.add(`${ref.namespace}/${ref.name}`);
      },
    });
    this.classes.onChange({ add: () => this.queueUnboundClaims(), update: () => this.queueUnboundClaims() });
  }

  start(): void {
    this.claimLoop.start();
    this.volumeLoop.start();
    void ensureDefaultStorageClass(this.ctx.api.storage, this.classes, this.log);
  }

  async stop(): Promise<void> {
    await Promise.all([this.claimLoop.stop(), this.volumeLoop.stop()]);
  }

  private queueUnboundClaims(): void {
    for (const c of this.claims.list()) if (c.status?.phase !== 'Bound') this.claimLoop.add(keyOf(c));
  }

  private claim(key: string): Claim | undefined {
    const { namespace, name } = splitKey(key);
    return this.claimWrites.pick(key, this.claims.get(name, namespace));
  }

  private volume(name: string): Volume | undefined {
    return this.volumeWrites.pick(name, this.volumes.get(name));
  }

  // ---- claims ------------------------------------------------------------------------------

  private async syncClaim(key: string): Promise<void> {
    const claim = this.claim(key);
    if (!claim) return;
    if (annotation(claim, ANN_BIND_COMPLETED) === undefined) await this.syncUnboundClaim(claim);
    else await this.syncBoundClaim(claim);
  }

  private async syncUnboundClaim(claim: Claim): Promise<void> {
    const volumeName = claim.spec?.volumeName;
    if (!volumeName) {
      const sc = this.classes.get(claimClass(claim));
      const delayBinding = isDelayBindingClass(sc);
      const volumes = this.volumeWrites.all(this.volumes.list());
      const volume = findBestMatchForClaim(claim, volumes, { delayBinding });
      if (volume) return this.bind(volume, claim);
      // upstream's retroactive default StorageClass assignment (GA in 1.28): the update comes
      // back as a change of the claim, whose next sync provisions for the class.
      if (await this.assignDefaultStorageClass(claim)) return;
      if (delayBinding && !annotation(claim, ANN_SELECTED_NODE)) {
        await this.eventForDelayedClaim(claim);
      } else if (claimClass(claim) !== '') {
        claim = await this.provisionClaim(claim);
      } else {
        await this.recorder.record(
          claimTarget(claim),
          'Normal',
          EVENTS.FailedBinding,
          MESSAGES.noVolumeNoClass,
        );
      }
      await this.setClaimStatus(claim, 'Pending');
      return;
    }
    // The user named the volume.
    const volume = this.volume(volumeName);
    if (!volume) {
      await this.setClaimStatus(claim, 'Pending');
      return;
    }
    if (!volume.spec?.claimRef) {
      const why = volumeUnfitReason(volume, claim);
      if (why) {
        await this.recorder.record(
          claimTarget(claim),
          'Warning',
          EVENTS.VolumeMismatch,
          `Cannot bind to requested volume "${volumeName}": ${why}`,
        );
        await this.setClaimStatus(claim, 'Pending');
        return;
      }
      return this.bind(volume, claim);
    }
    if (isVolumeBoundToClaim(volume, claim)) return this.bind(volume, claim);
    await this.recorder.record(
      claimTarget(claim),
      'Warning',
      EVENTS.FailedBinding,
      `volume "${volumeName}" already bound to a different claim.`,
    );
    await this.setClaimStatus(claim, 'Pending');
  }

  private async syncBoundClaim(claim: Claim): Promise<void> {
    const volumeName = claim.spec?.volumeName;
    if (!volumeName) {
      await this.setClaimStatus(claim, 'Lost', { reason: EVENTS.ClaimLost, message: MESSAGES.lostReference });
      return;
    }
    const volume = this.volume(volumeName) ?? (await this.readVolume(volumeName));
    if (!volume) {
      await this.setClaimStatus(claim, 'Lost', { reason: EVENTS.ClaimLost, message: MESSAGES.lostVolume });
      return;
    }
    const ref = volume.spec?.claimRef;
    if (!ref || ref.uid === claim.metadata?.uid) return this.bind(volume, claim);
    await this.setClaimStatus(claim, 'Lost', { reason: EVENTS.ClaimMisbound, message: MESSAGES.misbound });
  }

  /** upstream's assignDefaultStorageClass: a claim that asks for no class gets the default, if any. */
  private async assignDefaultStorageClass(claim: Claim): Promise<boolean> {
    if (claimAsksForClass(claim)) return false;
    const sc = defaultStorageClass(this.classes.list());
    if (!sc) return false;
    await this.replaceClaim({ ...claim, spec: { ...claim.spec, storageClassName: sc.metadata!.name! } });
    this.log.info('default StorageClass assigned to a claim', {
      claim: keyOf(claim),
      class: sc.metadata?.name,
    });
    return true;
  }

  /** upstream's emitEventForUnboundDelayBindingClaim. */
  private async eventForDelayedClaim(claim: Claim): Promise<void> {
    const waiting = this.pods
      .list(claim.metadata?.namespace)
      .filter(
        (p) =>
          !p.spec?.nodeName &&
          (p.spec?.volumes ?? []).some((v) => v.persistentVolumeClaim?.claimName === claim.metadata?.name),
      )
      .map((p) => p.metadata?.name);
    if (waiting.length) {
      await this.recorder.record(
        claimTarget(claim),
        'Normal',
        EVENTS.WaitForPodScheduled,
        `waiting for pod ${waiting.join(', ')} to be scheduled`,
      );
    } else {
      await this.recorder.record(
        claimTarget(claim),
        'Normal',
        EVENTS.WaitForFirstConsumer,
        MESSAGES.waitForFirstConsumer,
      );
    }
  }

  /** bindVolumeToClaim, the volume's phase, bindClaimToVolume, the claim's status: each only when needed. */
  private async bind(volume: Volume, claim: Claim): Promise<void> {
    const ref = volume.spec?.claimRef;
    if (!ref || ref.uid !== claim.metadata?.uid || ref.name !== claim.metadata?.name) {
      const byController = !isVolumeBoundToClaim(volume, claim);
      volume = await this.replaceVolume({
        ...volume,
        metadata: {
          ...volume.metadata,
          annotations: {
            ...volume.metadata?.annotations,
            ...(byController ? { [ANN_BOUND_BY_CONTROLLER]: 'yes' } : {}),
          },
        },
        spec: {
          ...volume.spec,
          claimRef: claimRefTo(claim),
        },
      });
    }
    if (volume.status?.phase !== 'Bound') volume = await this.setVolumePhase(volume, 'Bound');
    if (claim.spec?.volumeName !== volume.metadata?.name || annotation(claim, ANN_BIND_COMPLETED) !== 'yes') {
      const byController = !claim.spec?.volumeName;
      claim = await this.replaceClaim({
        ...claim,
        metadata: {
          ...claim.metadata,
          annotations: {
            ...claim.metadata?.annotations,
            [ANN_BIND_COMPLETED]: 'yes',
            ...(byController ? { [ANN_BOUND_BY_CONTROLLER]: 'yes' } : {}),
          },
        },
        spec: { ...claim.spec, volumeName: volume.metadata!.name! },
      });
    }
    await this.setClaimStatus(claim, 'Bound', undefined, volume);
  }

  /** The claim's phase (and, once bound, the volume's access modes and capacity). */
  private async setClaimStatus(
    claim: Claim,
    phase: 'Pending' | 'Bound' | 'Lost',
    event?: { reason: string; message: string },
    volume?: Volume,
  ): Promise<void> {
    const status: k8s.V1PersistentVolumeClaimStatus = { ...claim.status, phase };
    if (phase === 'Bound' && volume) {
      status.accessModes = volume.spec?.accessModes;
      status.capacity = volume.spec?.capacity;
    }
    if (phase === 'Pending') {
      delete status.accessModes;
      delete status.capacity;
    }
    if (JSON.stringify(status) === JSON.stringify(claim.status ?? {})) return;
    if (event && claim.status?.phase !== phase) {
      await this.recorder.record(claimTarget(claim), 'Warning', event.reason, event.message);
    }
    this.claimWrites.wrote(
      await this.core.replaceNamespacedPersistentVolumeClaimStatus({
        name: claim.metadata!.name!,
        namespace: claim.metadata!.namespace!,
        body: fromCache<Claim>({ ...claim, status }, 'V1PersistentVolumeClaim'),
      }),
    );
  }

  // ---- provisioning ------------------------------------------------------------------------

  /** Provisions a volume for the claim's class, or says who will; returns the claim as last written. */
  private async provisionClaim(claim: Claim): Promise<Claim> {
    const className = claimClass(claim);
    const sc = this.classes.get(className);
    if (!sc) {
      await this.recorder.record(
        claimTarget(claim),
        'Warning',
        EVENTS.ProvisioningFailed,
        `storageclass.storage.k8s.io "${className}" not found`,
      );
      return claim;
    }
    if (sc.provisioner !== LOCAL_PROVISIONER && sc.provisioner.startsWith('kubernetes.io/')) {
      // upstream's findProvisionablePlugin: a kubernetes.io/ name is an in-tree plugin, and none
      // here provisions (kubernetes.io/no-provisioner, for one, never does); others are external.
      await this.recorder.record(
        claimTarget(claim),
        'Warning',
        EVENTS.ProvisioningFailed,
        `no volume plugin matched name: ${sc.provisioner}`,
      );
      return claim;
    }
    claim = await this.setClaimProvisioner(claim, sc.provisioner);
    if (sc.provisioner !== LOCAL_PROVISIONER) {
      await this.recorder.record(
        claimTarget(claim),
        'Normal',
        EVENTS.ExternalProvisioning,
        `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`,
      );
      return claim;
    }
    const name = volumeNameFor(claim);
    if (this.volume(name)) return claim; // made on an earlier pass; the binding follows
    const root = this.ctx.settings.volumeRoot;
    try {
      await checkProvisionable(claim, root);
      await makeVolumeDirectory(directoryFor(root, claim));
      try {
        this.volumeWrites.wrote(
          await this.core.createPersistentVolume({ body: provisionedVolume(claim, sc, root) }),
        );
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    } catch (err) {
      const why = err instanceof ProvisioningError ? err.message : ((err as Error).message ?? String(err));
      await this.recorder.record(
        claimTarget(claim),
        'Warning',
        EVENTS.ProvisioningFailed,
        `failed to provision volume with StorageClass "${className}": ${why}`,
      );
      return claim;
    }
    await this.recorder.record(
      claimTarget(claim),
      'Normal',
      EVENTS.ProvisioningSucceeded,
      `Successfully provisioned volume ${name} using ${LOCAL_PROVISIONER}`,
    );
    this.log.info('volume provisioned', { claim: keyOf(claim), volume: name });
    return claim;
  }

  /** upstream's setClaimProvisioner: both storage-provisioner annotations name who provisions. */
  private async setClaimProvisioner(claim: Claim, provisioner: string): Promise<Claim> {
    if (
      annotation(claim, ANN_STORAGE_PROVISIONER) === provisioner &&
      annotation(claim, ANN_BETA_STORAGE_PROVISIONER) === provisioner
    ) {
      return claim;
    }
    return this.replaceClaim({
      ...claim,
      metadata: {
        ...claim.metadata,
        annotations: {
          ...claim.metadata?.annotations,
          [ANN_STORAGE_PROVISIONER]: provisioner,
          [ANN_BETA_STORAGE_PROVISIONER]: provisioner,
        },
      },
    });
  }

  // ---- volumes -----------------------------------------------------------------------------

  private async syncVolume(name: string): Promise<void> {
    // A volume being deleted is still synced, as upstream does: one deleted while Bound waits on
    // its pv-protection finalizer until its claim goes and it is Released (and reclaimed).
    let volume = this.volume(name);
    if (!volume) return;
    const ref = volume.spec?.claimRef;
    if (!ref || !ref.uid) {
      // Free, or pre-bound by the user to a claim by name: the claim's sync binds it.
      if (volume.status?.phase !== 'Available') await this.setVolumePhase(volume, 'Available');
      return;
    }
    const key = `${ref.namespace}/${ref.name}`;
    let claim = this.claim(key) ?? (await this.readClaim(ref.namespace!, ref.name!));
    if (claim && claim.metadata?.uid !== ref.uid) claim = undefined;
    if (!claim) {
      if (volume.status?.phase !== 'Released' && volume.status?.phase !== 'Failed') {
        volume = await this.setVolumePhase(volume, 'Released');
      }
      await this.reclaim(volume);
      return;
    }
    if (!claim.spec?.volumeName) {
      this.claimLoop.add(key); // a binding in progress: the claim's sync finishes it
      return;
    }
    if (claim.spec.volumeName === name) {
      if (volume.status?.phase !== 'Bound') await this.setVolumePhase(volume, 'Bound');
      return;
    }
    // The claim is bound to another volume: undo our half of a binding that lost.
    if (annotation(volume, ANN_BOUND_BY_CONTROLLER) !== undefined) {
      const annotations = { ...volume.metadata?.annotations };
      delete annotations[ANN_BOUND_BY_CONTROLLER];
      const spec = { ...volume.spec };
      delete spec.claimRef;
      volume = await this.replaceVolume({ ...volume, metadata: { ...volume.metadata, annotations }, spec });
      await this.setVolumePhase(volume, 'Available');
    }
  }

  /** upstream's reclaimVolume for a Released (or Failed) volume. */
  private async reclaim(volume: Volume): Promise<void> {
    switch (volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain') {
      case 'Retain':
        return;
      case 'Recycle':
        // Recycling is deprecated upstream and the reference has no recycler.
        if (volume.status?.phase !== 'Failed') {
          await this.setVolumePhase(volume, 'Failed', MESSAGES.noRecycler);
          await this.recorder.record(
            volumeTarget(volume),
            'Warning',
            EVENTS.VolumeFailedRecycle,
            MESSAGES.noRecycler,
          );
        }
        return;
      case 'Delete':
        return this.deleteVolume(volume);
    }
  }

  private async deleteVolume(volume: Volume): Promise<void> {
    const name = volume.metadata!.name!;
    const provisionedBy = annotation(volume, ANN_PROVISIONED_BY);
    try {
      if (provisionedBy === LOCAL_PROVISIONER) {
        await removeVolumeDirectory(volume.spec?.hostPath?.path ?? '', this.ctx.settings.volumeRoot);
      } else if (provisionedBy !== undefined) {
        return; // an external provisioner's volume: deleting it is that provisioner's job
      } else if (volume.spec?.hostPath) {
        await deleteHostPathVolume(volume);
      } else {
        throw new ProvisioningError(
          `error getting deleter volume plugin for volume "${name}": no deletable volume plugin matched`,
        );
      }
    } catch (err) {
      const message = (err as Error).message ?? String(err);
      if (volume.status?.phase !== 'Failed' || volume.status.message !== message) {
        await this.setVolumePhase(volume, 'Failed', message);
      }
      await this.recorder.record(volumeTarget(volume), 'Warning', EVENTS.VolumeFailedDelete, message);
      return;
    }
    try {
      await this.core.deletePersistentVolume({ name });
      this.log.info('released volume deleted', { volume: name });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async setVolumePhase(volume: Volume, phase: string, message?: string): Promise<Volume> {
    const status: k8s.V1PersistentVolumeStatus = { ...volume.status, phase };
    if (message) status.message = message;
    else delete status.message;
    if (phase !== volume.status?.phase) status.lastPhaseTransitionTime = this.ctx.now();
    return this.volumeWrites.wrote(
      await this.core.replacePersistentVolumeStatus({
        name: volume.metadata!.name!,
        body: fromCache<Volume>({ ...volume, status }, 'V1PersistentVolume'),
      }),
    );
  }

  /** PUT a claim built from a cached one; what the API answers is laid over the cache. */
  private async replaceClaim(claim: Claim): Promise<Claim> {
    return this.claimWrites.wrote(
      await this.core.replaceNamespacedPersistentVolumeClaim({
        name: claim.metadata!.name!,
        namespace: claim.metadata!.namespace!,
        body: fromCache(claim, 'V1PersistentVolumeClaim'),
      }),
    );
  }

  /** PUT a volume built from a cached one; what the API answers is laid over the cache. */
  private async replaceVolume(volume: Volume): Promise<Volume> {
    return this.volumeWrites.wrote(
      await this.core.replacePersistentVolume({
        name: volume.metadata!.name!,
        body: fromCache(volume, 'V1PersistentVolume'),
      }),
    );
  }

  // The cache may lag a create: ask the API before concluding that something is gone.
  private async readClaim(namespace: string, name: string): Promise<Claim | undefined> {
    try {
      return await this.core.readNamespacedPersistentVolumeClaim({ name, namespace });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  private async readVolume(name: string): Promise<Volume | undefined> {
    try {
      return await this.core.readPersistentVolume({ name });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }
}

export const persistentVolumeBinder = (ctx: ControllerContext): Controller =>
  new PersistentVolumeController(ctx);
