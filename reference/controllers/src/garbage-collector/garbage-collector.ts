// The garbage collector (pkg/controller/garbagecollector): deletes objects whose owners are all
// gone (by uid), in the background; runs foreground deletion (an owner carrying the
// foregroundDeletion finalizer stays until its blocking dependents are gone, then the finalizer
// is removed) and orphaning (the dependents lose their references to an owner carrying the
// orphan finalizer, then the finalizer is removed). It watches a fixed list of resources through
// the shared informers; an owner of any other kind is looked up in the apiserver by its
// apiVersion, kind and name.
import * as k8s from '@kubernetes/client-node';
import { keepAliveConfiguration } from '../../../../common/src/k8s-client.ts';
import type { Controller, ControllerContext } from '../framework/controller.ts';
import type { Informer, ResourceName } from '../framework/informers.ts';
import { controllerLoop, type ReconcileLoop } from '../framework/reconcile-loop.ts';
import { isConflict, isNotFound } from '../util/api-errors.ts';
import {
  FOREGROUND,
  ORPHAN,
  blockingDependents,
  decide,
  deletingDependents,
  orphaningDependents,
  ownerRefsPatch,
  type Action,
  type OwnerState,
} from './decide.ts';
import { OwnershipGraph, type ObjectRef } from './graph.ts';

/** The resources whose objects the collector follows, with how to address them in the API. */
export const MONITORED: ReadonlyArray<{ resource: ResourceName; apiVersion: string; kind: string }> = [
  { resource: 'pods', apiVersion: 'v1', kind: 'Pod' },
  { resource: 'replicationcontrollers', apiVersion: 'v1', kind: 'ReplicationController' },
  { resource: 'replicasets', apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { resource: 'deployments', apiVersion: 'apps/v1', kind: 'Deployment' },
  { resource: 'services', apiVersion: 'v1', kind: 'Service' },
  { resource: 'endpoints', apiVersion: 'v1', kind: 'Endpoints' },
  { resource: 'endpointslices', apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
  { resource: 'configmaps', apiVersion: 'v1', kind: 'ConfigMap' },
  { resource: 'secrets', apiVersion: 'v1', kind: 'Secret' },
  { resource: 'serviceaccounts', apiVersion: 'v1', kind: 'ServiceAccount' },
  { resource: 'persistentvolumeclaims', apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { resource: 'persistentvolumes', apiVersion: 'v1', kind: 'PersistentVolume' },
  { resource: 'nodes', apiVersion: 'v1', kind: 'Node' },
  { resource: 'leases', apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' },
];

const MERGE = k8s.PatchStrategy.MergePatch;

type Obj = k8s.KubernetesObject;

export class GarbageCollector implements Controller {
  readonly name = 'garbagecollector';
  private readonly graph = new OwnershipGraph();
  private readonly informers = new Map<string, Informer<Obj>>();
  /** Owners being deleted in the foreground or orphaning: looked at again on every resync. */
  private readonly finalizing = new Set<string>();
  private readonly objects: k8s.KubernetesObjectApi;
  private readonly loop: ReconcileLoop;

  constructor(private readonly ctx: ControllerContext) {
    this.objects = new k8s.KubernetesObjectApi(keepAliveConfiguration(ctx.kubeconfig, 8));
    this.loop = controllerLoop(
      ctx,
      this.name,
      (uid) => this.sync(uid),
      () => [...this.finalizing],
    );
    for (const entry of MONITORED) {
      const informer = ctx.informers.for(entry.resource) as unknown as Informer<Obj>;
      this.informers.set(entry.resource, informer);
      const refOf = (obj: Obj): ObjectRef => ({
        resource: entry.resource,
        apiVersion: entry.apiVersion,
        kind: entry.kind,
        namespace: obj.metadata?.namespace,
        name: obj.metadata!.name!,
        uid: obj.metadata!.uid!,
      });
      const changed = (obj: Obj) => {
        const uid = obj.metadata?.uid;
        if (!uid) return;
        const before = this.graph.ownersOf(uid);
        this.graph.upsert(refOf(obj), obj.metadata?.ownerReferences);
        const now = new Set((obj.metadata?.ownerReferences ?? []).map((r) => r.uid));
        // An owner this object no longer references may have been waiting for it.
        for (const owner of before) if (!now.has(owner)) this.loop.add(owner);
        if (deletingDependents(obj) || orphaningDependents(obj)) this.finalizing.add(uid);
        else this.finalizing.delete(uid);
        if (now.size > 0 || this.finalizing.has(uid)) this.loop.add(uid);
      };
      informer.onChange({
        add: changed,
        update: changed,
        delete: (obj) => {
          const uid = obj.metadata?.uid;
          if (!uid) return;
          this.finalizing.delete(uid);
          const dependents = this.graph.dependents(uid);
          // Owners waiting for this one re-check; dependents of this one may now be garbage.
          for (const owner of this.graph.remove(uid)) this.loop.add(owner);
          for (const dependent of dependents) this.loop.add(dependent);
        },
      });
    }
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** The cached object the graph knows by `uid`, if it is still that object. */
  private cached(uid: string): { ref: ObjectRef; obj: Obj } | undefined {
    const ref = this.graph.get(uid);
    if (!ref) return undefined;
    const obj = this.informers.get(ref.resource)?.get(ref.name, ref.namespace);
    return obj && obj.metadata?.uid === uid ? { ref, obj } : undefined;
  }

  private async sync(uid: string): Promise<void> {
    const found = this.cached(uid);
    if (!found) return;
    const { ref, obj } = found;
    if (orphaningDependents(obj)) return this.orphanDependents(ref, obj);
    if (deletingDependents(obj)) return this.deleteDependents(ref, obj);
    if (obj.metadata?.deletionTimestamp || !(obj.metadata?.ownerReferences ?? []).length) return;

    let action = await this.decideFor(ref, obj);
    if (action.do === 'nothing') return;
    // The cache may lag (a reference already removed, say): decide again on the live object.
    const live = await this.readLive(ref);
    if (!live || live.metadata?.deletionTimestamp) return;
    action = await this.decideFor(ref, live);
    switch (action.do) {
      case 'nothing':
        return;
      case 'patch-owner-refs':
        await this.patch(ref, ownerRefsPatch(live, action.remove, action.unblock), MERGE);
        return;
      case 'delete':
        if (action.unblockFirst.length)
          await this.patch(ref, ownerRefsPatch(live, [], action.unblockFirst), MERGE);
        this.ctx.log.debug('deleting an object whose owners are gone', { ...ref, policy: action.policy });
        await this.delete(ref, action.policy);
    }
  }

  private async decideFor(ref: ObjectRef, obj: Obj): Promise<Action> {
    const owners = new Map<string, OwnerState>();
    for (const owner of obj.metadata?.ownerReferences ?? [])
      owners.set(owner.uid, await this.ownerState(ref, owner));
    return decide(obj, owners, this.graph.dependents(ref.uid).length > 0);
  }

  /** The object as the apiserver has it now, if it is still the one with `ref.uid`. */
  private async readLive(ref: ObjectRef): Promise<Obj | undefined> {
    try {
      const live = await this.objects.read({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
      });
      return live.metadata?.uid === ref.uid ? live : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  /** solid, waiting or dangling: from the graph, else from the apiserver (a virtual owner). */
  private async ownerState(dependent: ObjectRef, owner: k8s.V1OwnerReference): Promise<OwnerState> {
    const known = this.cached(owner.uid);
    if (known) return deletingDependents(known.obj) ? 'waiting' : 'solid';
    try {
      const live = await this.objects.read({
        apiVersion: owner.apiVersion,
        kind: owner.kind,
        metadata: { name: owner.name, ...(dependent.namespace ? { namespace: dependent.namespace } : {}) },
      });
      if (live.metadata?.uid !== owner.uid) return 'dangling';
      return deletingDependents(live) ? 'waiting' : 'solid';
    } catch (err) {
      if (isNotFound(err)) return 'dangling';
      throw err; // e.g. a kind the apiserver does not serve: try again later, delete nothing
    }
  }

  /** Foreground deletion: delete the dependents; drop the finalizer once no blocking one is left. */
  private async deleteDependents(ref: ObjectRef, obj: Obj): Promise<void> {
    const dependents = this.graph
      .dependents(ref.uid)
      .map((uid) => this.cached(uid)?.obj)
      .filter((d): d is Obj => d !== undefined);
    for (const dependent of dependents) this.loop.add(dependent.metadata!.uid!);
    if (blockingDependents(ref.uid, dependents).length > 0) return; // their removal brings us back
    await this.removeFinalizer(ref, obj, FOREGROUND);
  }

  /** Orphaning: every dependent loses its reference to this owner, then the finalizer goes. */
  private async orphanDependents(ref: ObjectRef, obj: Obj): Promise<void> {
    for (const uid of this.graph.dependents(ref.uid)) {
      const dependent = this.cached(uid);
      if (!dependent) continue;
      await this.patch(dependent.ref, ownerRefsPatch(dependent.obj, [ref.uid], []), MERGE);
    }
    await this.removeFinalizer(ref, obj, ORPHAN);
  }

  private async removeFinalizer(ref: ObjectRef, obj: Obj, finalizer: string): Promise<void> {
    const finalizers = (obj.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
    await this.patch(
      ref,
      { metadata: { finalizers, resourceVersion: obj.metadata?.resourceVersion } },
      MERGE,
    );
  }

  /** A patch of `ref`; an object already gone needs none. */
  private async patch(ref: ObjectRef, body: object, strategy: k8s.PatchStrategy): Promise<void> {
    try {
      await this.objects.patch(
        {
          ...body,
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          metadata: {
            ...(body as { metadata?: object }).metadata,
            name: ref.name,
            ...(ref.namespace ? { namespace: ref.namespace } : {}),
          },
        },
        undefined,
        undefined,
        undefined,
        undefined,
        strategy,
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  private async delete(ref: ObjectRef, policy: 'Background' | 'Foreground' | 'Orphan'): Promise<void> {
    try {
      await this.objects.delete(
        {
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
        },
        undefined,
        undefined,
        undefined,
        undefined,
        policy,
        { preconditions: { uid: ref.uid }, propagationPolicy: policy },
      );
    } catch (err) {
      // Gone already, or a new object of the same name (uid precondition): nothing to collect.
      if (!isNotFound(err) && !isConflict(err)) throw err;
    }
  }
}

export const garbageCollector = (ctx: ControllerContext): Controller => new GarbageCollector(ctx);
