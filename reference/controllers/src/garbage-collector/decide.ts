// The garbage collector's decisions as pure functions (attemptToDeleteItem and
// processDeletingDependentsItem in pkg/controller/garbagecollector/garbagecollector.go): given an
// object and what is known of each of its owners, what to do with it.
import type * as k8s from '@kubernetes/client-node';

export const FOREGROUND = 'foregroundDeletion';
export const ORPHAN = 'orphan';

/** What the collector knows of one owner. */
export type OwnerState =
  /** exists and is not waiting for its dependents */
  | 'solid'
  /** absent, or present with another uid */
  | 'dangling'
  /** being deleted in the foreground: waits for its blocking dependents */
  | 'waiting';

export type Action =
  | { do: 'nothing'; why: string }
  /** Drop the dangling references and stop the waiting owners from being blocked by this one. */
  | { do: 'patch-owner-refs'; remove: string[]; unblock: string[] }
  | { do: 'delete'; policy: 'Background' | 'Foreground' | 'Orphan'; unblockFirst: string[] };

export interface ObjectFacts {
  metadata?: k8s.V1ObjectMeta;
}

const has = (obj: ObjectFacts, finalizer: string): boolean =>
  obj.metadata?.finalizers?.includes(finalizer) ?? false;

export const deletingDependents = (obj: ObjectFacts): boolean =>
  obj.metadata?.deletionTimestamp !== undefined && has(obj, FOREGROUND);
export const orphaningDependents = (obj: ObjectFacts): boolean =>
  obj.metadata?.deletionTimestamp !== undefined && has(obj, ORPHAN);

/**
 * attemptToDeleteItem for an object that is not itself being deleted: keep it while one owner is
 * solid (tidying references to the others), delete it once none is, in the foreground when an
 * owner waits for it and it has dependents of its own.
 */
export function decide(obj: ObjectFacts, owners: Map<string, OwnerState>, hasDependents: boolean): Action {
  if (obj.metadata?.deletionTimestamp !== undefined) return { do: 'nothing', why: 'already being deleted' };
  const refs = obj.metadata?.ownerReferences ?? [];
  if (refs.length === 0) return { do: 'nothing', why: 'no owners' };
  const solid = refs.filter((r) => owners.get(r.uid) === 'solid');
  const dangling = refs.filter((r) => owners.get(r.uid) === 'dangling').map((r) => r.uid);
  const waiting = refs.filter((r) => owners.get(r.uid) === 'waiting').map((r) => r.uid);
  if (solid.length > 0) {
    const unblock = refs
      .filter((r) => waiting.includes(r.uid) && r.blockOwnerDeletion === true)
      .map((r) => r.uid);
    if (dangling.length === 0 && unblock.length === 0) return { do: 'nothing', why: 'an owner exists' };
    return { do: 'patch-owner-refs', remove: dangling, unblock };
  }
  if (waiting.length > 0 && hasDependents) {
    // Our owner waits for us and we have dependents: delete in the foreground, so the owner keeps
    // waiting until our dependents are gone too; but do not block the owner on ourselves meanwhile.
    const unblockFirst = refs
      .filter((r) => waiting.includes(r.uid) && r.blockOwnerDeletion === true)
      .map((r) => r.uid);
    return { do: 'delete', policy: 'Foreground', unblockFirst };
  }
  const policy = has(obj, ORPHAN) ? 'Orphan' : has(obj, FOREGROUND) ? 'Foreground' : 'Background';
  return { do: 'delete', policy, unblockFirst: [] };
}

/** The owner references of `dependents` that block the deletion of `ownerUid`. */
export function blockingDependents<T extends ObjectFacts>(ownerUid: string, dependents: T[]): T[] {
  return dependents.filter((d) =>
    d.metadata?.ownerReferences?.some((r) => r.uid === ownerUid && r.blockOwnerDeletion === true),
  );
}

/**
 * A JSON merge patch that drops the references to `remove` and sets blockOwnerDeletion false on
 * those to `unblock`. It carries the object's resourceVersion, so it applies only to the version
 * it was computed from (a conflict means: look again). Merge patch, not upstream's strategic
 * `$patch: delete`, because client-node's generic client drops keys its models do not know.
 */
export function ownerRefsPatch(obj: ObjectFacts, remove: string[], unblock: string[]): object {
  const ownerReferences = (obj.metadata?.ownerReferences ?? [])
    .filter((r) => !remove.includes(r.uid))
    .map((r) => (unblock.includes(r.uid) ? { ...r, blockOwnerDeletion: false } : r));
  return { metadata: { resourceVersion: obj.metadata?.resourceVersion, ownerReferences } };
}
