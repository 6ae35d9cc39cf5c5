// The Deployment controller's decisions as pure functions of the Deployment and its ReplicaSets
// (pkg/controller/deployment/rolling.go, recreate.go, sync.go): how far to scale the new
// ReplicaSet up and the old ones down in one rolling-update step, what a resize does to each
// ReplicaSet (proportional scaling), and which old ReplicaSets the history limit removes. Each
// returns scale targets; the controller writes them.
import type * as k8s from '@kubernetes/client-node';
import {
  activeReplicaSets,
  availableReplicas,
  byCreation,
  desiredAnnotation,
  desiredOf,
  isRollingUpdate,
  maxSurge,
  maxUnavailable,
  proportion,
  replicasOf,
  revisionOf,
  scaledValue,
  specReplicas,
  type RS,
} from './deployment-util.ts';

/** A ReplicaSet and the replica count it should be scaled to. */
export interface ScaleTarget {
  rs: RS;
  replicas: number;
}

/** NewRSNewReplicas: the new ReplicaSet's size after this step (surge-bounded for rolling updates). */
export function newReplicaSetReplicas(d: k8s.V1Deployment, allRSs: RS[], newRS: RS): number {
  if (!isRollingUpdate(d)) return desiredOf(d);
  const surge = scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge, desiredOf(d), true);
  const current = specReplicas(allRSs);
  const maxTotal = desiredOf(d) + surge;
  if (current >= maxTotal) return replicasOf(newRS);
  const scaleUp = Math.min(maxTotal - current, desiredOf(d) - replicasOf(newRS));
  return replicasOf(newRS) + scaleUp;
}

/** reconcileNewReplicaSet: the new ReplicaSet's target, or undefined when it stays as it is. */
export function reconcileNewReplicaSet(d: k8s.V1Deployment, allRSs: RS[], newRS: RS): number | undefined {
  const desired = desiredOf(d);
  if (replicasOf(newRS) === desired) return undefined;
  const target = replicasOf(newRS) > desired ? desired : newReplicaSetReplicas(d, allRSs, newRS);
  return target === replicasOf(newRS) ? undefined : target;
}

/**
 * reconcileOldReplicaSets: scale-downs of old ReplicaSets that keep at least
 * desired - maxUnavailable pods available. First the unhealthy pods of old ReplicaSets go
 * (cleanupUnhealthyReplicas, oldest first), then available ones down to the minimum
 * (scaleDownOldReplicaSetsForRollingUpdate). One target per ReplicaSet, its final size.
 */
export function reconcileOldReplicaSets(
  d: k8s.V1Deployment,
  allRSs: RS[],
  oldRSs: RS[],
  newRS: RS,
): ScaleTarget[] {
  const active = activeReplicaSets(oldRSs);
  if (specReplicas(active) === 0) return [];
  const minAvailable = desiredOf(d) - maxUnavailable(d);
  const newUnavailable = replicasOf(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = specReplicas(allRSs) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];

  const sizes = new Map<RS, number>(active.map((rs) => [rs, replicasOf(rs)]));
  const ordered = [...active].sort(byCreation);
  let cleaned = 0;
  for (const rs of ordered) {
    if (cleaned >= maxScaledDown) break;
    const size = sizes.get(rs)!;
    const available = rs.status?.availableReplicas ?? 0;
    if (size === 0 || size === available) continue;
    const down = Math.min(maxScaledDown - cleaned, size - available);
    sizes.set(rs, size - down);
    cleaned += down;
  }
  // Scale down what is still available, as long as the minimum stays available.
  const available = availableReplicas([...active, newRS]);
  if (available > minAvailable) {
    const toScaleDown = available - minAvailable;
    let scaled = 0;
    for (const rs of ordered) {
      if (scaled >= toScaleDown) break;
      const size = sizes.get(rs)!;
      if (size === 0) continue;
      const down = Math.min(size, toScaleDown - scaled);
      sizes.set(rs, size - down);
      scaled += down;
    }
  }
  return ordered
    .filter((rs) => sizes.get(rs) !== replicasOf(rs))
    .map((rs) => ({ rs, replicas: sizes.get(rs)! }));
}

/** FindActiveOrLatest: the one ReplicaSet with replicas, the newest if none has; undefined when several do. */
export function activeOrLatest(newRS: RS | undefined, oldRSs: RS[]): RS | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort(byCreation).reverse();
  const active = activeReplicaSets([...newestFirst, newRS]);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/** IsSaturated: the new ReplicaSet is sized for the Deployment and all its pods are available. */
export function isSaturated(d: k8s.V1Deployment, rs: RS | undefined): boolean {
  if (!rs) return false;
  return (
    desiredAnnotation(rs) === desiredOf(d) &&
    replicasOf(rs) === desiredOf(d) &&
    (rs.status?.availableReplicas ?? 0) === desiredOf(d)
  );
}

/** isScalingEvent: an active ReplicaSet was sized for another replica count than the Deployment's. */
export function isScalingEvent(d: k8s.V1Deployment, allRSs: Array<RS | undefined>): boolean {
  return activeReplicaSets(allRSs).some((rs) => {
    const desired = desiredAnnotation(rs);
    return desired !== undefined && desired !== desiredOf(d);
  });
}

const newerFirst = (a: RS, b: RS) => -byCreation(a, b);

/**
 * scale (sync.go): a resize of the Deployment. One active ReplicaSet takes the whole count; a
 * saturated new one means the old ones go to 0; otherwise, during a rolling update, the
 * difference is shared in proportion to each ReplicaSet's size, leftovers to the largest.
 * Returns every ReplicaSet to write (also those whose size is unchanged: their annotations are).
 */
export function scaleTargets(d: k8s.V1Deployment, newRS: RS | undefined, oldRSs: RS[]): ScaleTarget[] {
  const only = activeOrLatest(newRS, oldRSs);
  if (only) return replicasOf(only) === desiredOf(d) ? [] : [{ rs: only, replicas: desiredOf(d) }];
  if (isSaturated(d, newRS)) return activeReplicaSets(oldRSs).map((rs) => ({ rs, replicas: 0 }));
  if (!isRollingUpdate(d)) return [];
  const all = activeReplicaSets([...oldRSs, newRS]);
  const allowed = desiredOf(d) > 0 ? desiredOf(d) + maxSurge(d) : 0;
  const toAdd = allowed - specReplicas(all);
  // ReplicaSetsBySizeNewer for a scale-up, BySizeOlder for a scale-down: largest first.
  const tieBreak = toAdd > 0 ? newerFirst : byCreation;
  if (toAdd !== 0) all.sort((a, b) => replicasOf(b) - replicasOf(a) || tieBreak(a, b));
  let added = 0;
  const sizes = all.map((rs) => {
    if (toAdd === 0) return replicasOf(rs);
    const share = proportion(rs, d, toAdd, added);
    added += share;
    return replicasOf(rs) + share;
  });
  if (toAdd !== 0 && all.length > 0) sizes[0] = Math.max(0, sizes[0]! + toAdd - added);
  return all.map((rs, i) => ({ rs, replicas: sizes[i]! }));
}

/**
 * cleanupDeployment: the old ReplicaSets beyond revisionHistoryLimit, lowest revision first,
 * that are scaled to 0, have no pods and have been observed by their controller.
 */
export function replicaSetsToCleanUp(d: k8s.V1Deployment, oldRSs: RS[]): RS[] {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === null) return [];
  const cleanable = oldRSs.filter((rs) => !rs.metadata?.deletionTimestamp);
  const excess = cleanable.length - limit;
  if (excess <= 0) return [];
  const byRevision = [...cleanable].sort((a, b) => revisionOf(a) - revisionOf(b) || byCreation(a, b));
  return byRevision
    .slice(0, excess)
    .filter(
      (rs) =>
        (rs.status?.replicas ?? 0) === 0 &&
        replicasOf(rs) === 0 &&
        (rs.metadata?.generation ?? 0) <= (rs.status?.observedGeneration ?? 0),
    );
}
