// Which pods a ReplicationController or ReplicaSet owns, adopts and releases
// (ControllerRefManager.ClaimPods): a pod controlled by this owner stays while its labels match the
// selector and is released when they no longer do; an orphan (no controller) that matches is
// adopted; a pod controlled by someone else is never touched. Nothing is adopted or released by an
// owner being deleted, nor is a pod being deleted adopted.
import type * as k8s from '@kubernetes/client-node';
import { controllerOf, selectorMatches } from '../util/pod-state.ts';

export interface Claim {
  /** Pods this RC controls and that match: they count towards its replicas. */
  owned: k8s.V1Pod[];
  adopt: k8s.V1Pod[];
  release: k8s.V1Pod[];
}

/**
 * `selects` says whether the owner's selector matches a pod's labels; by default the label map of
 * a ReplicationController's selector.
 */
export function claimPods(
  rc: { metadata?: k8s.V1ObjectMeta; spec?: { selector?: unknown } },
  pods: k8s.V1Pod[],
  selects: (labels: Record<string, string> | undefined) => boolean = (labels) =>
    selectorMatches(rc.spec?.selector as Record<string, string> | undefined, labels),
): Claim {
  const uid = rc.metadata?.uid;
  const rcDeleting = rc.metadata?.deletionTimestamp !== undefined;
  const claim: Claim = { owned: [], adopt: [], release: [] };
  for (const pod of pods) {
    const ref = controllerOf(pod);
    const matches = selects(pod.metadata?.labels);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) claim.owned.push(pod);
      else if (!rcDeleting && !pod.metadata?.deletionTimestamp) claim.release.push(pod);
      continue;
    }
    if (!matches || rcDeleting || pod.metadata?.deletionTimestamp) continue;
    claim.adopt.push(pod);
  }
  return claim;
}

/** The strategic merge patch that adds the controller reference (AdoptPod). */
export function adoptPatch(pod: k8s.V1Pod, ref: k8s.V1OwnerReference): object {
  return { metadata: { ownerReferences: [ref], uid: pod.metadata?.uid } };
}

/** The strategic merge patch that removes `ownerUid`'s reference (ReleasePod). */
export function releasePatch(pod: k8s.V1Pod, ownerUid: string): object {
  return { metadata: { ownerReferences: [{ $patch: 'delete', uid: ownerUid }], uid: pod.metadata?.uid } };
}
