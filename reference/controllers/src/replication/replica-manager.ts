// The replica manager (upstream's ReplicaSetController, pkg/controller/replicaset, which also runs
// core/v1 ReplicationControllers through pkg/controller/replication): keeps spec.replicas active
// pods from the template, adopting orphans that match the selector and releasing pods that stop
// matching; creates in slow-start batches and deletes the least useful pods first; waits for its
// own creations and deletions to show in the informer (expectations) before acting again; and
// writes replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration and
// the ReplicaFailure condition into the status. What differs between the kinds is in
// replica-kinds.ts.
import * as k8s from '@kubernetes/client-node';
import type { Controller, ControllerContext } from '../framework/controller.ts';
import type { Informer } from '../framework/informers.ts';
import { controllerLoop, keyOf, type ReconcileLoop } from '../framework/reconcile-loop.ts';
import { apiErrorMessage, isConflict, isNotFound, statusCode } from '../util/api-errors.ts';
import { controllerOf, isPodActive } from '../util/pod-state.ts';
import { podsToDelete } from './active-pods.ts';
import { adoptPatch, claimPods, releasePatch } from './claim-pods.ts';
import { Expectations } from './expectations.ts';
import { controllerRefFor, podFromTemplate, slowStartBatch } from './pod-template.ts';
import type { ReplicaKind, Replicator } from './replica-kinds.ts';
import { calculateStatus, statusUnchanged } from './replication-status.ts';

/** upstream's BurstReplicas: at most this many creations or deletions per sync. */
export const BURST_REPLICAS = 500;
const SLOW_START_INITIAL_BATCH = 1;
const STRATEGIC = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

export class ReplicaManager<T extends Replicator> implements Controller {
  readonly name: string;
  private readonly owners: Informer<T>;
  private readonly pods: Informer<k8s.V1Pod>;
  private readonly loop: ReconcileLoop;
  readonly expectations: Expectations;
  private readonly recorder;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly kind: ReplicaKind<T>,
  ) {
    this.name = kind.controllerName;
    this.owners = ctx.informers.for(kind.resource) as unknown as Informer<T>;
    this.pods = ctx.informers.for('pods');
    this.expectations = new Expectations(() => ctx.now().getTime());
    this.recorder = ctx.recorder(kind.component);
    this.loop = controllerLoop(
      ctx,
      this.name,
      (key) => this.sync(key),
      () => this.owners.list().map(keyOf),
    );
    this.owners.onChange({
      add: (owner) => this.loop.add(keyOf(owner)),
      update: (owner) => this.loop.add(keyOf(owner)),
      delete: (owner) => this.expectations.delete(keyOf(owner)),
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

  private asTarget(owner: T) {
    return { apiVersion: this.kind.apiVersion, kind: this.kind.kind, metadata: owner.metadata };
  }

  /** The owner that controls `pod`, if it is one this informer knows (same uid). */
  private ownerOf(pod: k8s.V1Pod): string | undefined {
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== this.kind.kind) return undefined;
    const owner = this.owners.get(ref.name, pod.metadata?.namespace);
    return owner && owner.metadata?.uid === ref.uid ? keyOf(owner) : undefined;
  }

  /** An orphan may be adopted by any owner of its namespace whose selector matches it. */
  private enqueueMatching(pod: k8s.V1Pod): void {
    for (const owner of this.owners.list(pod.metadata?.namespace)) {
      if (this.kind.selects(owner, pod.metadata?.labels)) this.loop.add(keyOf(owner));
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
    const owner = this.owners.get(name, namespace);
    if (!owner) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key) && !owner.metadata?.deletionTimestamp;
    const active = this.pods.list(namespace).filter(isPodActive);
    const owned = await this.claim(owner, active);
    let manageError: string | undefined;
    if (needsSync) manageError = await this.manageReplicas(key, owner, owned);

    const now = this.ctx.now();
    const status = calculateStatus(owner, owned, manageError, now);
    await this.writeStatus(owner, status);
    if (manageError !== undefined) throw new Error(manageError); // back off, then try again
    // A ready pod becomes available minReadySeconds later without any event: look again then.
    const minReady = owner.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && (status.readyReplicas ?? 0) > (status.availableReplicas ?? 0)) {
      return { requeueAfterMs: minReady * 1000 };
    }
  }

  /** Adopts and releases as claimPods decides; answers the pods this owner now owns. */
  private async claim(owner: T, active: k8s.V1Pod[]): Promise<k8s.V1Pod[]> {
    const claim = claimPods(owner, active, (labels) => this.kind.selects(owner, labels));
    const owned = [...claim.owned];
    if (claim.adopt.length > 0 && (await this.canAdopt(owner))) {
      const ref = controllerRefFor(owner, this.kind);
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
            body: releasePatch(pod, owner.metadata!.uid!),
          },
          STRATEGIC,
        );
      } catch (err) {
        // Gone, or changed under us (uid precondition): either way it is no longer ours to release.
        if (!isNotFound(err) && !isConflict(err) && statusCode(err) !== 422) throw err;
      }
    }
    return owned;
  }

  /** RecheckDeletionTimestamp: adopt only for the live owner with this uid that is not being deleted. */
  private async canAdopt(owner: T): Promise<boolean> {
    try {
      const fresh = await this.kind.read(this.ctx.api, owner.metadata!.name!, owner.metadata!.namespace!);
      return fresh.metadata?.uid === owner.metadata?.uid && !fresh.metadata?.deletionTimestamp;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  /** Creates or deletes pods towards spec.replicas; answers the first error's message. */
  private async manageReplicas(key: string, owner: T, owned: k8s.V1Pod[]): Promise<string | undefined> {
    const wanted = owner.spec?.replicas ?? 1;
    const diff = owned.length - wanted;
    if (diff < 0) {
      const count = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expect(key, count);
      const { succeeded, error } = await slowStartBatch(count, SLOW_START_INITIAL_BATCH, () =>
        this.createPod(owner),
      );
      // Creations never attempted (or failed) will not be observed: stop waiting for them.
      for (let i = succeeded; i < count; i++) this.expectations.creationObserved(key);
      return error === undefined ? undefined : apiErrorMessage(error);
    }
    if (diff > 0) {
      const victims = podsToDelete(owned, Math.min(diff, BURST_REPLICAS), this.ctx.now());
      this.expectations.expect(key, 0, victims.map(keyOf));
      const results = await Promise.allSettled(victims.map((pod) => this.deletePod(key, owner, pod)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      return failed ? apiErrorMessage(failed.reason) : undefined;
    }
    return undefined;
  }

  private async createPod(owner: T): Promise<void> {
    const namespace = owner.metadata!.namespace!;
    try {
      const pod = await this.ctx.api.core.createNamespacedPod({
        namespace,
        body: podFromTemplate(owner, this.kind),
      });
      void this.recorder.record(
        this.asTarget(owner),
        'Normal',
        'SuccessfulCreate',
        `Created pod: ${pod.metadata?.name}`,
      );
    } catch (err) {
      const message = apiErrorMessage(err);
      // A namespace being terminated refuses every creation: nothing to report or retry.
      if (message.includes('because it is being terminated')) return;
      void this.recorder.record(
        this.asTarget(owner),
        'Warning',
        'FailedCreate',
        `Error creating: ${message}`,
      );
      throw err;
    }
  }

  private async deletePod(key: string, owner: T, pod: k8s.V1Pod): Promise<void> {
    const name = pod.metadata!.name!;
    try {
      await this.ctx.api.core.deleteNamespacedPod({ name, namespace: pod.metadata!.namespace! });
      void this.recorder.record(this.asTarget(owner), 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
    } catch (err) {
      // Not observed through the informer: stop waiting for it.
      this.expectations.deletionObserved(key, keyOf(pod));
      if (isNotFound(err)) return;
      void this.recorder.record(
        this.asTarget(owner),
        'Warning',
        'FailedDelete',
        `Error deleting: ${apiErrorMessage(err)}`,
      );
      throw err;
    }
  }

  /** updateReplicaSetStatus: skipped when nothing changed; one retry with a fresh read on conflict. */
  private async writeStatus(owner: T, status: k8s.V1ReplicaSetStatus): Promise<void> {
    if (statusUnchanged(owner.status, status)) return;
    try {
      await this.kind.replaceStatus(this.ctx.api, { ...owner, status });
    } catch (err) {
      if (isNotFound(err)) return;
      if (!isConflict(err)) throw err;
      const fresh = await this.kind.read(this.ctx.api, owner.metadata!.name!, owner.metadata!.namespace!);
      if (fresh.metadata?.uid !== owner.metadata?.uid) return;
      await this.kind.replaceStatus(this.ctx.api, { ...fresh, status });
    }
  }
}
