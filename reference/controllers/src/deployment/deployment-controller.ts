// The Deployment controller (pkg/controller/deployment): owns one ReplicaSet per pod template,
// named `<deployment>-<pod-template-hash>` and labelled with that hash, and moves pods from the
// old ReplicaSets to the new one — RollingUpdate within maxSurge/maxUnavailable (counting pods
// available for minReadySeconds, which the ReplicaSets report), or Recreate (old pods gone first).
// It resizes them all when the Deployment is scaled, numbers them with the
// deployment.kubernetes.io/revision annotation, deletes old empty ones beyond
// revisionHistoryLimit, and reports replica counts with the Available and Progressing conditions.
// The decisions are in rollout.ts and deployment-status.ts; this file reads caches and writes.
import * as k8s from '@kubernetes/client-node';
import type { Controller, ControllerContext } from '../framework/controller.ts';
import type { Informer } from '../framework/informers.ts';
import { controllerLoop, keyOf, type ReconcileLoop } from '../framework/reconcile-loop.ts';
import { controllerRefFor, type OwnerKind } from '../replication/pod-template.ts';
import { apiErrorMessage, fromCache, isConflict, isNotFound, statusCode } from '../util/api-errors.ts';
import { labelSelectorMatches } from '../util/label-selector.ts';
import { controllerOf } from '../util/pod-state.ts';
import {
  PROGRESSING,
  REASONS,
  conditionOf,
  msUntilDeadline,
  newCondition,
  removeCondition,
  rolloutStatus,
  calculateStatus,
  setCondition,
  statusEqual,
} from './deployment-status.ts';
import {
  REVISION_ANNOTATION,
  activeReplicaSets,
  desiredOf,
  equalIgnoreHash,
  findNewReplicaSet,
  isRollingUpdate,
  maxRevision,
  maxSurge,
  replicaSetAnnotations,
  replicasAnnotationsNeedUpdate,
  replicasOf,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  type RS,
} from './deployment-util.ts';
import { POD_TEMPLATE_HASH_LABEL, computeHash } from './pod-template-hash.ts';
import {
  isScalingEvent,
  newReplicaSetReplicas,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  replicaSetsToCleanUp,
  scaleTargets,
  type ScaleTarget,
} from './rollout.ts';

const COMPONENT = 'deployment-controller';
const MERGE = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
const STRATEGIC = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
const DEPLOYMENT_KIND: OwnerKind = { apiVersion: 'apps/v1', kind: 'Deployment' };

type Deployment = k8s.V1Deployment;

/** What one sync works on: the Deployment (its status updated as the sync goes) and its ReplicaSets. */
interface SyncState {
  d: Deployment;
  /** The status as stored, to skip a write that changes nothing. */
  stored: k8s.V1DeploymentStatus | undefined;
  rsList: RS[];
}

export class DeploymentController implements Controller {
  readonly name = 'deployment';
  private readonly deployments: Informer<Deployment>;
  private readonly replicaSets: Informer<RS>;
  private readonly pods: Informer<k8s.V1Pod>;
  private readonly loop: ReconcileLoop;
  private readonly recorder;

  constructor(private readonly ctx: ControllerContext) {
    this.deployments = ctx.informers.for('deployments');
    this.replicaSets = ctx.informers.for('replicasets');
    this.pods = ctx.informers.for('pods');
    this.recorder = ctx.recorder(COMPONENT);
    this.loop = controllerLoop(
      ctx,
      this.name,
      (key) => this.sync(key),
      () => this.deployments.list().map(keyOf),
    );
    this.deployments.onChange({
      add: (d) => this.loop.add(keyOf(d)),
      update: (d) => this.loop.add(keyOf(d)),
    });
    const rsChanged = (rs: RS) => this.enqueueOwnersOf(rs);
    this.replicaSets.onChange({ add: rsChanged, update: rsChanged, delete: rsChanged });
    // Recreate waits for old pods to be gone: their deletion (or finishing) is what it waits for.
    const podChanged = (pod: k8s.V1Pod) => {
      const ref = controllerOf(pod);
      if (ref?.kind !== 'ReplicaSet') return;
      const rs = this.replicaSets.get(ref.name, pod.metadata?.namespace);
      if (rs && rs.metadata?.uid === ref.uid) this.enqueueOwnersOf(rs);
    };
    this.pods.onChange({ update: podChanged, delete: podChanged });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** The Deployment controlling `rs`, or every one that could adopt it when it is an orphan. */
  private enqueueOwnersOf(rs: RS): void {
    const ref = controllerOf(rs);
    const namespace = rs.metadata?.namespace;
    if (ref) {
      if (ref.kind !== 'Deployment') return;
      const d = this.deployments.get(ref.name, namespace);
      if (d && d.metadata?.uid === ref.uid) this.loop.add(keyOf(d));
      return;
    }
    for (const d of this.deployments.list(namespace)) {
      if (labelSelectorMatches(d.spec?.selector, rs.metadata?.labels)) this.loop.add(keyOf(d));
    }
  }

  private async sync(key: string): Promise<{ requeueAfterMs?: number } | void> {
    const [namespace, name] = key.split('/') as [string, string];
    const cached = this.deployments.get(name, namespace);
    if (!cached) return;
    const d = structuredClone(cached);
    const state: SyncState = { d, stored: cached.status, rsList: await this.claimReplicaSets(d) };
    if (d.metadata?.deletionTimestamp) return this.syncStatusOnly(state);
    this.checkPausedConditions(d);
    if (d.spec?.paused || isScalingEvent(d, state.rsList)) return this.syncScale(state);
    return isRollingUpdate(d) ? this.rolloutRolling(state) : this.rolloutRecreate(state);
  }

  // --- ReplicaSets of the Deployment ----------------------------------------------------------

  /** ClaimReplicaSets: adopts matching orphans, releases owned ones that stop matching. */
  private async claimReplicaSets(d: Deployment): Promise<RS[]> {
    const uid = d.metadata!.uid!;
    const deleting = d.metadata?.deletionTimestamp !== undefined;
    const owned: RS[] = [];
    for (const rs of this.replicaSets.list(d.metadata!.namespace)) {
      const ref = controllerOf(rs);
      const matches = labelSelectorMatches(d.spec?.selector, rs.metadata?.labels);
      if (ref) {
        if (ref.uid !== uid) continue;
        if (matches) owned.push(structuredClone(rs));
        else if (!deleting && !rs.metadata?.deletionTimestamp)
          await this.patchOwnerRefs(rs, { $patch: 'delete', uid });
        continue;
      }
      if (!matches || deleting || rs.metadata?.deletionTimestamp) continue;
      const adopted = await this.patchOwnerRefs(rs, controllerRefFor(d, DEPLOYMENT_KIND));
      if (adopted) owned.push(adopted);
    }
    return owned;
  }

  /** AdoptReplicaSet / ReleaseReplicaSet as a strategic merge patch guarded by the RS's uid. */
  private async patchOwnerRefs(rs: RS, ref: object): Promise<RS | undefined> {
    try {
      return await this.ctx.api.apps.patchNamespacedReplicaSet(
        {
          name: rs.metadata!.name!,
          namespace: rs.metadata!.namespace!,
          body: { metadata: { ownerReferences: [ref], uid: rs.metadata?.uid } },
        },
        STRATEGIC,
      );
    } catch (err) {
      if (isNotFound(err) || isConflict(err) || statusCode(err) === 422) return undefined;
      throw err;
    }
  }

  /**
   * getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when `create` and missing) and
   * the old ones; the new one's revision becomes the highest, and the Deployment's revision
   * annotation follows it.
   */
  private async newAndOld(state: SyncState, create: boolean): Promise<{ newRS?: RS; oldRSs: RS[] }> {
    const { d, rsList } = state;
    const existing = findNewReplicaSet(d, rsList);
    const oldRSs = rsList.filter((rs) => rs !== existing);
    const revision = maxRevision(oldRSs) + 1;
    if (existing) {
      const newRS = await this.syncExistingNewReplicaSet(d, existing, revision);
      await this.setDeploymentRevision(
        d,
        newRS.metadata?.annotations?.[REVISION_ANNOTATION] ?? String(revision),
      );
      if (!conditionOf(d.status, PROGRESSING) && hasDeadline(d)) {
        setCondition(
          (d.status ??= {}),
          newCondition(
            PROGRESSING,
            'True',
            REASONS.foundNewReplicaSet,
            `Found new replica set "${newRS.metadata?.name}"`,
            this.ctx.now(),
          ),
        );
      }
      return { newRS, oldRSs };
    }
    if (!create) return { oldRSs };
    const newRS = await this.createNewReplicaSet(state, oldRSs, revision);
    return { newRS, oldRSs };
  }

  /** The existing new ReplicaSet with the Deployment's annotations, revision and minReadySeconds. */
  private async syncExistingNewReplicaSet(d: Deployment, rs: RS, revision: number): Promise<RS> {
    const annotations = replicaSetAnnotations(d, rs.metadata?.annotations, revision, true);
    const minReady = d.spec?.minReadySeconds ?? 0;
    if (!annotations && (rs.spec?.minReadySeconds ?? 0) === minReady) return rs;
    const next = structuredClone(rs);
    next.metadata!.annotations = annotations ?? rs.metadata?.annotations;
    next.spec!.minReadySeconds = minReady;
    return this.ctx.api.apps.replaceNamespacedReplicaSet({
      name: rs.metadata!.name!,
      namespace: rs.metadata!.namespace!,
      body: fromCache(next, 'V1ReplicaSet'),
    });
  }

  /** SetDeploymentRevision, written as a metadata patch (a status write keeps metadata here). */
  private async setDeploymentRevision(d: Deployment, revision: string): Promise<void> {
    if (d.metadata?.annotations?.[REVISION_ANNOTATION] === revision) return;
    await this.ctx.api.apps.patchNamespacedDeployment(
      {
        name: d.metadata!.name!,
        namespace: d.metadata!.namespace!,
        body: { metadata: { annotations: { [REVISION_ANNOTATION]: revision } } },
      },
      MERGE,
    );
    (d.metadata!.annotations ??= {})[REVISION_ANNOTATION] = revision;
  }

  private async createNewReplicaSet(state: SyncState, oldRSs: RS[], revision: number): Promise<RS> {
    const { d } = state;
    const hash = computeHash(d.spec?.template, d.status?.collisionCount);
    const template = structuredClone(d.spec!.template);
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, [POD_TEMPLATE_HASH_LABEL]: hash },
    };
    const selector = structuredClone(d.spec!.selector);
    selector.matchLabels = { ...selector.matchLabels, [POD_TEMPLATE_HASH_LABEL]: hash };
    const draft: RS = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata!.name}-${hash}`,
        namespace: d.metadata!.namespace,
        ownerReferences: [controllerRefFor(d, DEPLOYMENT_KIND)],
        labels: template.metadata.labels,
      },
      spec: { replicas: 0, minReadySeconds: d.spec?.minReadySeconds ?? 0, selector, template },
    };
    draft.spec!.replicas = newReplicaSetReplicas(d, [...oldRSs, draft], draft);
    draft.metadata!.annotations = replicaSetAnnotations(d, {}, revision, true) ?? {};
    let created: RS;
    let alreadyExisted = false;
    try {
      created = await this.ctx.api.apps.createNamespacedReplicaSet({
        namespace: d.metadata!.namespace!,
        body: draft,
      });
    } catch (err) {
      if (statusCode(err) !== 409) {
        const message = `Failed to create new replica set "${draft.metadata!.name}": ${apiErrorMessage(err)}`;
        setCondition(
          (d.status ??= {}),
          newCondition(PROGRESSING, 'False', REASONS.failedCreate, message, this.ctx.now()),
        );
        await this.writeStatus(state, d.status);
        throw err;
      }
      // The name is taken: ours with this template is fine; anything else is a hash collision,
      // solved by a new hash (collisionCount + 1) on the next sync.
      const found = await this.ctx.api.apps.readNamespacedReplicaSet({
        name: draft.metadata!.name!,
        namespace: d.metadata!.namespace!,
      });
      if (
        controllerOf(found)?.uid !== d.metadata?.uid ||
        !equalIgnoreHash(found.spec?.template, d.spec?.template)
      ) {
        (d.status ??= {}).collisionCount = (d.status.collisionCount ?? 0) + 1;
        await this.writeStatus(state, d.status);
        throw new Error(`hash collision for ReplicaSet ${draft.metadata!.name}; collisionCount raised`);
      }
      created = found;
      alreadyExisted = true;
    }
    if (!alreadyExisted && replicasOf(created) > 0) {
      this.event(
        d,
        'ScalingReplicaSet',
        `Scaled up replica set ${created.metadata?.name} to ${replicasOf(created)}`,
      );
    }
    await this.setDeploymentRevision(d, String(revision));
    if (!alreadyExisted) {
      setCondition(
        (d.status ??= {}),
        newCondition(
          PROGRESSING,
          'True',
          REASONS.newReplicaSetCreated,
          `Created new replica set "${created.metadata?.name}"`,
          this.ctx.now(),
        ),
      );
    }
    state.rsList = [...state.rsList, created];
    return created;
  }

  // --- strategies -----------------------------------------------------------------------------

  private async rolloutRolling(state: SyncState): Promise<{ requeueAfterMs?: number } | void> {
    const { d } = state;
    const { newRS, oldRSs } = await this.newAndOld(state, true);
    const allRSs = [...oldRSs, newRS!];
    const upTo = reconcileNewReplicaSet(d, allRSs, newRS!);
    if (upTo !== undefined) {
      const scaled = await this.scale(d, newRS!, upTo);
      return this.syncRolloutStatus(state, [...oldRSs, scaled], scaled);
    }
    const downs = reconcileOldReplicaSets(d, allRSs, oldRSs, newRS!);
    if (downs.length > 0) {
      const written = await this.scaleAll(d, downs);
      return this.syncRolloutStatus(state, replaceAll(allRSs, written), newRS);
    }
    await this.cleanupIfComplete(state, oldRSs, allRSs, newRS);
    return this.syncRolloutStatus(state, allRSs, newRS);
  }

  private async rolloutRecreate(state: SyncState): Promise<{ requeueAfterMs?: number } | void> {
    const { d } = state;
    let { newRS, oldRSs } = await this.newAndOld(state, false);
    const downs = activeReplicaSets(oldRSs).map((rs) => ({ rs, replicas: 0 }));
    if (downs.length > 0) {
      const written = await this.scaleAll(d, downs);
      return this.syncRolloutStatus(state, replaceAll([...oldRSs, newRS], written), newRS);
    }
    if (this.oldPodsRunning(newRS, oldRSs)) return this.syncRolloutStatus(state, [...oldRSs, newRS], newRS);
    if (!newRS) ({ newRS, oldRSs } = await this.newAndOld(state, true));
    if (replicasOf(newRS) !== desiredOf(d)) newRS = await this.scale(d, newRS!, desiredOf(d));
    const allRSs = [...oldRSs, newRS];
    await this.cleanupIfComplete(state, oldRSs, allRSs, newRS);
    return this.syncRolloutStatus(state, allRSs, newRS);
  }

  /** oldPodsRunning: pods of the old ReplicaSets that have not finished still exist. */
  private oldPodsRunning(newRS: RS | undefined, oldRSs: RS[]): boolean {
    if (oldRSs.some((rs) => (rs.status?.replicas ?? 0) > 0)) return true;
    const oldUids = new Set(oldRSs.map((rs) => rs.metadata?.uid));
    return this.pods.list(newRS?.metadata?.namespace ?? oldRSs[0]?.metadata?.namespace).some((pod) => {
      const ref = controllerOf(pod);
      if (!ref || !oldUids.has(ref.uid) || ref.uid === newRS?.metadata?.uid) return false;
      return pod.status?.phase !== 'Failed' && pod.status?.phase !== 'Succeeded';
    });
  }

  /** sync: a resize (or a paused Deployment): scale, clean up when paused, write the status. */
  private async syncScale(state: SyncState): Promise<{ requeueAfterMs?: number } | void> {
    const { d } = state;
    const { newRS, oldRSs } = await this.newAndOld(state, false);
    const written = await this.scaleAll(d, scaleTargets(d, newRS, oldRSs));
    const allRSs = replaceAll([...oldRSs, newRS], written);
    const newNow = allRSs.find((rs) => rs !== undefined && rs.metadata?.uid === newRS?.metadata?.uid);
    const oldNow = allRSs.filter((rs): rs is RS => rs !== undefined && rs !== newNow);
    if (d.spec?.paused) await this.cleanup(d, oldNow);
    const status = calculateStatus(d, defined(allRSs), newNow, this.ctx.now());
    await this.writeStatus(state, status);
  }

  private async syncStatusOnly(state: SyncState): Promise<void> {
    const { d } = state;
    const { newRS, oldRSs } = await this.newAndOld(state, false);
    await this.writeStatus(state, calculateStatus(d, defined([...oldRSs, newRS]), newRS, this.ctx.now()));
  }

  private checkPausedConditions(d: Deployment): void {
    if (!hasDeadline(d)) return;
    const current = conditionOf(d.status, PROGRESSING);
    if (current?.reason === REASONS.timedOut) return;
    const paused = current?.reason === REASONS.paused;
    const now = this.ctx.now();
    if (d.spec?.paused && !paused) {
      setCondition(
        (d.status ??= {}),
        newCondition(PROGRESSING, 'Unknown', REASONS.paused, 'Deployment is paused', now),
      );
    } else if (!d.spec?.paused && paused) {
      setCondition(
        (d.status ??= {}),
        newCondition(PROGRESSING, 'Unknown', REASONS.resumed, 'Deployment is resumed', now),
      );
    }
  }

  private async cleanupIfComplete(state: SyncState, oldRSs: RS[], allRSs: Array<RS | undefined>, newRS?: RS) {
    const status = calculateStatus(state.d, defined(allRSs), newRS, this.ctx.now());
    const desired = desiredOf(state.d);
    const complete =
      status.updatedReplicas === desired &&
      status.replicas === desired &&
      status.availableReplicas === desired;
    if (complete) await this.cleanup(state.d, oldRSs);
  }

  /** cleanupDeployment: old, empty ReplicaSets beyond revisionHistoryLimit are deleted. */
  private async cleanup(d: Deployment, oldRSs: RS[]): Promise<void> {
    for (const rs of replicaSetsToCleanUp(d, oldRSs)) {
      try {
        await this.ctx.api.apps.deleteNamespacedReplicaSet({
          name: rs.metadata!.name!,
          namespace: rs.metadata!.namespace!,
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
  }

  // --- writes ---------------------------------------------------------------------------------

  private async scaleAll(d: Deployment, targets: ScaleTarget[]): Promise<RS[]> {
    const written: RS[] = [];
    for (const { rs, replicas } of targets) written.push(await this.scale(d, rs, replicas));
    return written;
  }

  /** scaleReplicaSet: the new size and the Deployment's replica annotations; an event when the size changed. */
  private async scale(d: Deployment, rs: RS, replicas: number): Promise<RS> {
    const resize = replicasOf(rs) !== replicas;
    if (!resize && !replicasAnnotationsNeedUpdate(rs, d)) return rs;
    const next = structuredClone(rs);
    next.spec!.replicas = replicas;
    next.metadata!.annotations = {
      ...next.metadata?.annotations,
      [DESIRED_REPLICAS_ANNOTATION]: String(desiredOf(d)),
      [MAX_REPLICAS_ANNOTATION]: String(desiredOf(d) + maxSurge(d)),
    };
    const updated = await this.ctx.api.apps.replaceNamespacedReplicaSet({
      name: rs.metadata!.name!,
      namespace: rs.metadata!.namespace!,
      body: fromCache(next, 'V1ReplicaSet'),
    });
    if (resize) {
      const direction = replicas > replicasOf(rs) ? 'up' : 'down';
      this.event(
        d,
        'ScalingReplicaSet',
        `Scaled ${direction} replica set ${rs.metadata?.name} to ${replicas} from ${replicasOf(rs)}`,
      );
    }
    return updated;
  }

  private async syncRolloutStatus(
    state: SyncState,
    allRSs: Array<RS | undefined>,
    newRS: RS | undefined,
  ): Promise<{ requeueAfterMs?: number } | void> {
    const now = this.ctx.now();
    const status = rolloutStatus(state.d, defined(allRSs), newRS, now);
    await this.writeStatus(state, status);
    const wait = msUntilDeadline(state.d, status, now);
    return wait === undefined ? undefined : { requeueAfterMs: wait };
  }

  /** UpdateStatus, skipped when nothing would change; a conflict is retried by the loop. */
  private async writeStatus(state: SyncState, status: k8s.V1DeploymentStatus): Promise<void> {
    if (!hasDeadline(state.d)) removeCondition(status, PROGRESSING);
    if (statusEqual(state.stored, status)) return;
    const fresh = this.deployments.get(state.d.metadata!.name!, state.d.metadata!.namespace);
    const base = fresh && fresh.metadata?.uid === state.d.metadata?.uid ? fresh : state.d;
    try {
      await this.ctx.api.apps.replaceNamespacedDeploymentStatus({
        name: state.d.metadata!.name!,
        namespace: state.d.metadata!.namespace!,
        body: fromCache({ ...base, status }, 'V1Deployment'),
      });
      state.stored = status;
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }

  private event(d: Deployment, reason: string, message: string): void {
    void this.recorder.record({ ...DEPLOYMENT_KIND, metadata: d.metadata }, 'Normal', reason, message);
  }
}

const hasDeadline = (d: Deployment): boolean =>
  d.spec?.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== null;

const defined = (rss: Array<RS | undefined>): RS[] => rss.filter((rs): rs is RS => rs !== undefined);

/** `rss` with each ReplicaSet replaced by its written version (same uid). */
function replaceAll(rss: Array<RS | undefined>, written: RS[]): Array<RS | undefined> {
  const byUid = new Map(written.map((rs) => [rs.metadata?.uid, rs]));
  return rss.map((rs) => (rs ? (byUid.get(rs.metadata?.uid) ?? rs) : rs));
}

export const deploymentController = (ctx: ControllerContext): Controller => new DeploymentController(ctx);
