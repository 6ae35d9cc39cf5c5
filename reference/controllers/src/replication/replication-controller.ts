// The replication controller (upstream's ReplicaSetController run for core/v1
// ReplicationControllers, pkg/controller/replication): keeps spec.replicas active pods from the
// template, adopting orphans that match the selector and releasing pods that stop matching;
// creates in slow-start batches and deletes the least useful pods first; waits for its own
// creations and deletions to show in the informer (expectations) before acting again; and writes
// replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration and the
// ReplicaFailure condition into the status.
import * as k8s from '@kubernetes/client-node';
import type { Controller, ControllerContext } from '../framework/controller.ts';
import type { Informer } from '../framework/informers.ts';
import { ReconcileLoop, keyOf } from '../framework/reconcile-loop.ts';
import { apiErrorMessage, fromCache, isConflict, isNotFound } from '../util/api-errors.ts';
import { controllerOf, isPodActive, selectorMatches } from '../util/pod-state.ts';
import { podsToDelete } from './active-pods.ts';
import { adoptPatch, claimPods, releasePatch } from './claim-pods.ts';
import { Expectations } from './expectations.ts';
import { controllerRefFor, podFromTemplate, slowStartBatch } from './pod-template.ts';
import { calculateStatus, statusUnchanged } from './replication-status.ts';

/** upstream's BurstReplicas: at most this many creations or deletions per sync. */
export const BURST_REPLICAS = 500;
const SLOW_START_INITIAL_BATCH = 1;
const COMPONENT = 'replication-controller';
const STRATEGIC = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

const asTarget = (rc: k8s.V1ReplicationController) => ({
  apiVersion: 'v1',
  kind: 'ReplicationController',
  metadata: rc.metadata,
});

export class ReplicationManager implements Controller {
  readonly name = 'replicationcontroller';
  private readonly rcs: Informer<k8s.V1ReplicationController>;
  private readonly pods: Informer<k8s.V1Pod>;
  private readonly loop: ReconcileLoop;
  readonly expectations: Expectations;
  private readonly recorder;

  constructor(private readonly ctx: ControllerContext) {
    this.rcs = ctx.informers.for('replicationcontrollers');
    this.pods = ctx.informers.for('pods');
    this.expectations = new Expectations(() => ctx.now().getTime());
    this.recorder = ctx.recorder(COMPONENT);
    this.loop = new ReconcileLoop({
      name: this.name,
      log: ctx.log,
      workers: ctx.settings.workers,
      reconcile: (key) => this.sync(key),
      resyncIntervalMs: ctx.settings.resyncIntervalMs,
      resyncKeys: () => this.rcs.list().map(keyOf),
    });
    this.rcs.onChange({
      add: (rc) => this.loop.add(keyOf(rc)),
      update: (rc) => this.loop.add(keyOf(rc)),
      delete: (rc) => this.expectations.delete(keyOf(rc)),
    });
    this.pods.onChange({
      add: (pod) => this.podAdded(pod),
      update: (pod) => this.podUpdated(pod),
      delete: (pod) => this.podDeleted(pod),
    });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** The RC that controls `pod`, if it is one this informer knows (same uid). */
  private ownerOf(pod: k8s.V1Pod): string | undefined {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== 'ReplicationController') return undefined;
    const rc = this.rcs.get(ref.name, pod.metadata?.namespace);
    return rc && rc.metadata?.uid === ref.uid ? keyOf(rc) : undefined;
  }

  /** An orphan may be adopted by any RC of its namespace whose selector matches it. */
  private enqueueMatching(pod: k8s.V1Pod): void {
    for (const rc of this.rcs.list(pod.metadata?.namespace)) {
      if (selectorMatches(rc.spec?.selector, pod.metadata?.labels)) this.loop.add(keyOf(rc));
    }
  }

  private podAdded(pod: k8s.V1Pod): void {
    if (pod.metadata?.deletionTimestamp) return this.podDeleted(pod);
    const owner = this.ownerOf(pod);
    if (owner) {
      this.expectations.creationObserved(owner);
      this.loop.add(owner);
    } else if (!controllerOf(pod)) this.enqueueMatching(pod);
  }

  private podUpdated(pod: k8s.V1Pod): void {
    // A pod being deleted gracefully no longer counts: act on it now, not when it is gone.
    if (pod.metadata?.deletionTimestamp) return this.podDeleted(pod);
    const owner = this.ownerOf(pod);
    if (owner) this.loop.add(owner);
    else if (!controllerOf(pod)) this.enqueueMatching(pod);
  }

  private podDeleted(pod: k8s.V1Pod): void {
    const owner = this.ownerOf(pod);
    if (!owner) return;
    this.expectations.deletionObserved(owner, keyOf(pod));
    this.loop.add(owner);
  }

  private async sync(key: string): Promise<{ requeueAfterMs?: number } | void> {
    const [namespace, name] = key.split('/') as [string, string];
    const rc = this.rcs.get(name, namespace);
    if (!rc) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key) && !rc.metadata?.deletionTimestamp;
    const active = this.pods.list(namespace).filter(isPodActive);
    const owned = await this.claim(rc, active);
    let manageError: string | undefined;
    if (needsSync) manageError = await this.manageReplicas(key, rc, owned);

    const now = this.ctx.now();
    const status = calculateStatus(rc, owned, manageError, now);
    await this.writeStatus(rc, status);
    if (manageError !== undefined) throw new Error(manageError); // back off, then try again
    // A ready pod becomes available minReadySeconds later without any event: look again then.
    const minReady = rc.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && (status.readyReplicas ?? 0) > (status.availableReplicas ?? 0)) {
      return { requeueAfterMs: minReady * 1000 };
    }
  }

  /** Adopts and releases as claimPods decides; answers the pods this RC now owns. */
  private async claim(rc: k8s.V1ReplicationController, active: k8s.V1Pod[]): Promise<k8s.V1Pod[]> {
    const claim = claimPods(rc, active);
    const owned = [...claim.owned];
    if (claim.adopt.length > 0 && (await this.canAdopt(rc))) {
      const ref = controllerRefFor(rc);
      for (const pod of claim.adopt) {
        try {
          const adopted = await this.ctx.api.core.patchNamespacedPod(
            { name: pod.metadata!.name!, namespace: pod.metadata!.namespace!, body: adoptPatch(pod, ref) },
            STRATEGIC,
          );
          owned.push(adopted);
        } catch (err) {
          if (!isNotFound(err)) throw err;
        }
      }
    }
    for (const pod of claim.release) {
      try {
        await this.ctx.api.core.patchNamespacedPod(
          {
            name: pod.metadata!.name!,
            namespace: pod.metadata!.namespace!,
            body: releasePatch(pod, rc.metadata!.uid!),
          },
          STRATEGIC,
        );
      } catch (err) {
        // Gone, or changed under us (uid precondition): either way it is no longer ours to release.
        if (!isNotFound(err) && !isConflict(err) && (err as { code?: number }).code !== 422) throw err;
      }
    }
    return owned;
  }

  /** RecheckDeletionTimestamp: adopt only for the live RC with this uid that is not being deleted. */
  private async canAdopt(rc: k8s.V1ReplicationController): Promise<boolean> {
    try {
      const fresh = await this.ctx.api.core.readNamespacedReplicationController({
        name: rc.metadata!.name!,
        namespace: rc.metadata!.namespace!,
      });
      return fresh.metadata?.uid === rc.metadata?.uid && !fresh.metadata?.deletionTimestamp;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Creates or deletes pods towards spec.replicas; answers the first error's message. */
  private async manageReplicas(
    key: string,
    rc: k8s.V1ReplicationController,
    owned: k8s.V1Pod[],
  ): Promise<string | undefined> {
    const wanted = rc.spec?.replicas ?? 1;
    const diff = owned.length - wanted;
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expect(key, count);
      const { succeeded, error } = await slowStartBatch(count, SLOW_START_INITIAL_BATCH, () =>
        this.createPod(rc),
      );
      // Creations never attempted (or failed) will not be observed: stop waiting for them.
      for (let i = succeeded; i < count; i++) this.expectations.creationObserved(key);
      return error === undefined ? undefined : apiErrorMessage(error);
    }
    if (diff > 0) {
      const victims = podsToDelete(owned, Math.min(diff, BURST_REPLICAS), this.ctx.now());
      this.expectations.expect(key, 0, victims.map(keyOf));
      const results = await Promise.allSettled(victims.map((pod) => this.deletePod(key, rc, pod)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      return failed ? apiErrorMessage(failed.reason) : undefined;
    }
    return undefined;
  }

  private async createPod(rc: k8s.V1ReplicationController): Promise<void> {
    const namespace = rc.metadata!.namespace!;
    try {
      const pod = await this.ctx.api.core.createNamespacedPod({ namespace, body: podFromTemplate(rc) });
      void this.recorder.record(
        asTarget(rc),
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${pod.metadata?.name}`,
      );
    } catch (err) {
      const message = apiErrorMessage(err);
      // A namespace being terminated refuses every creation: nothing to report or retry.
      if (message.includes('because it is being terminated')) return;
      void this.recorder.record(asTarget(rc), 'Warning', 'FailedCreate', `Error creating: ${message}`);
      throw err;
    }
  }

  private async deletePod(key: string, rc: k8s.V1ReplicationController, pod: k8s.V1Pod): Promise<void> {
    const name = pod.metadata!.name!;
    try {
      await this.ctx.api.core.deleteNamespacedPod({ name, namespace: pod.metadata!.namespace! });
      void this.recorder.record(asTarget(rc), 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (err) {
      // Not observed through the informer: stop waiting for it.
      this.expectations.deletionObserved(key, keyOf(pod));
      if (isNotFound(err)) return;
      void this.recorder.record(
        asTarget(rc),
        'Warning',
        'FailedDelete',
        `Error deleting: ${apiErrorMessage(err)}`,
      );
      throw err;
    }
  }

  /** updateReplicaSetStatus: skipped when nothing changed; one retry with a fresh read on conflict. */
  private async writeStatus(
    rc: k8s.V1ReplicationController,
    status: k8s.V1ReplicationControllerStatus,
  ): Promise<void> {
    if (statusUnchanged(rc.status, status)) return;
    const name = rc.metadata!.name!;
    const namespace = rc.metadata!.namespace!;
    try {
      await this.ctx.api.core.replaceNamespacedReplicationControllerStatus({
        name,
        namespace,
        body: fromCache({ ...rc, status }, 'V1ReplicationController'),
      });
    } catch (err) {
      if (isNotFound(err)) return;
      if (!isConflict(err)) throw err;
      const fresh = await this.ctx.api.core.readNamespacedReplicationController({ name, namespace });
      if (fresh.metadata?.uid !== rc.metadata?.uid) return;
      await this.ctx.api.core.replaceNamespacedReplicationControllerStatus({
        name,
        namespace,
        body: fromCache({ ...fresh, status }, 'V1ReplicationController'),
      });
    }
  }
}

export const replicationController = (ctx: ControllerContext): Controller => new ReplicationManager(ctx);
