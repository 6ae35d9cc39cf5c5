// The garbage collector's view of ownership (upstream's GraphBuilder, over this controller-
// manager's shared informers instead of its own monitors): every watched object by uid, and for
// every owner uid the objects that reference it. Owners are found by uid only; an owner the graph
// does not hold is checked against the apiserver by the collector (a "virtual" owner).
import type * as k8s from '@kubernetes/client-node';

/** Where an object lives: enough to read it from its informer and to address it in the API. */
export interface ObjectRef {
  resource: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  uid: string;
}

interface Entry {
  ref: ObjectRef;
  owners: string[];
}

export class OwnershipGraph {
  private readonly objects = new Map<string, Entry>();
  private readonly dependentsOf = new Map<string, Set<string>>();

  get(uid: string): ObjectRef | undefined {
    return this.objects.get(uid)?.ref;
  }

  /** The uids of the objects that list `ownerUid` among their owners. */
  dependents(ownerUid: string): string[] {
    return [...(this.dependentsOf.get(ownerUid) ?? [])];
  }

  /** The owner uids `uid` had when last seen. */
  ownersOf(uid: string): string[] {
    return this.objects.get(uid)?.owners ?? [];
  }

  /** Records the object as it is now (add or update). */
  upsert(ref: ObjectRef, ownerReferences: k8s.V1OwnerReference[] | undefined): void {
    this.unlink(ref.uid);
    const owners = (ownerReferences ?? []).map((r) => r.uid);
    this.objects.set(ref.uid, { ref, owners });
    for (const owner of owners) {
      let set = this.dependentsOf.get(owner);
      if (!set) this.dependentsOf.set(owner, (set = new Set()));
      set.add(ref.uid);
    }
  }

  /** Forgets the object; answers the owners it had. */
  remove(uid: string): string[] {
    const owners = this.ownersOf(uid);
    this.unlink(uid);
    this.objects.delete(uid);
    return owners;
  }

  private unlink(uid: string): void {
    for (const owner of this.ownersOf(uid)) {
      const set = this.dependentsOf.get(owner);
      set?.delete(uid);
      if (set?.size === 0) this.dependentsOf.delete(owner);
    }
  }
}
