// VolumeBinding (upstream plugins/volumebinding, Filter part): every PersistentVolumeClaim the pod
// mounts must exist and not be terminating; a bound claim's volume must be reachable from the node
// (its node affinity); an unbound claim of an Immediate class makes the pod wait for the
// PersistentVolume controller; an unbound claim of a WaitForFirstConsumer class needs an available
// volume that fits on this node, or a class with a provisioner that will make one. The matching
// rules are upstream's shared FindMatchingVolume, imported from the controllers' pure matcher as
// upstream's scheduler imports pkg/controller/volume/persistentvolume/util. It reads the
// scheduler's volume caches, so scheduler.ts appends it after the stateless filters of
// plugins/index.ts (upstream's default order has VolumeBinding after NodeResourcesFit too).
import type * as k8s from '@kubernetes/client-node';
import {
  claimClass,
  findMatchingVolume,
  isDelayBindingClass,
  volumeNodeAffinityFits,
} from '../../../controllers/src/volume/pv-matching.ts';
import { SUCCESS, unresolvable, unschedulable, type FilterPlugin } from '../framework.ts';

export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_PV_NOT_EXIST = 'pvc(s) bound to non-existent pv(s)';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
/** upstream's marker for classes whose volumes are only ever made by hand. */
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

/** What the filter reads: the scheduler's caches of claims, volumes and classes. */
export interface VolumeListers {
  claim(namespace: string, name: string): k8s.V1PersistentVolumeClaim | undefined;
  volume(name: string): k8s.V1PersistentVolume | undefined;
  volumes(): readonly k8s.V1PersistentVolume[];
  storageClass(name: string): k8s.V1StorageClass | undefined;
}

export const claimNames = (pod: k8s.V1Pod): string[] =>
  (pod.spec?.volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : [],
  );

/** What binding the pod's unbound late-binding claims on `node` takes: a volume per claim, or provisioning. */
export type ClaimPlan = { claim: k8s.V1PersistentVolumeClaim } & (
  { volume: k8s.V1PersistentVolume } | { provision: true }
);

/**
 * Checks the pod's claims against `node`. Answers the failing reason, or the plan for its unbound
 * WaitForFirstConsumer claims (empty when every claim is bound already).
 */
export function planVolumes(
  pod: k8s.V1Pod,
  node: k8s.V1Node,
  listers: VolumeListers,
): { reason: string; resolvable: boolean } | { plans: ClaimPlan[] } {
  const namespace = pod.metadata?.namespace ?? 'default';
  const plans: ClaimPlan[] = [];
  const promised = new Set<string>();
  for (const name of claimNames(pod)) {
    const claim = listers.claim(namespace, name);
    if (!claim) return { reason: `persistentvolumeclaim "${name}" not found`, resolvable: false };
    if (claim.metadata?.deletionTimestamp) {
      return { reason: `persistentvolumeclaim "${name}" is being deleted`, resolvable: false };
    }
    const volumeName = claim.spec?.volumeName;
    if (volumeName) {
      const volume = listers.volume(volumeName);
      if (!volume) return { reason: ERR_REASON_PV_NOT_EXIST, resolvable: false };
      if (!volumeNodeAffinityFits(volume, node))
        return { reason: ERR_REASON_NODE_CONFLICT, resolvable: false };
      continue;
    }
    const sc = listers.storageClass(claimClass(claim));
    if (!isDelayBindingClass(sc)) return { reason: ERR_UNBOUND_IMMEDIATE, resolvable: false };
    const volume = findMatchingVolume(claim, listers.volumes(), {
      node,
      delayBinding: true,
      excluded: promised,
    });
    if (volume) {
      promised.add(volume.metadata!.name!);
      plans.push({ claim, volume });
    } else if (sc?.provisioner && sc.provisioner !== NO_PROVISIONER) {
      plans.push({ claim, provision: true });
    } else {
      return { reason: ERR_REASON_BIND_CONFLICT, resolvable: true };
    }
  }
  return { plans };
}

export function volumeBinding(listers: VolumeListers): FilterPlugin {
  return {
    name: 'VolumeBinding',
    filter: (pod, info) => {
      if (claimNames(pod).length === 0) return SUCCESS;
      const result = planVolumes(pod, info.node, listers);
      if ('plans' in result) return SUCCESS;
      return result.resolvable ? unschedulable(result.reason) : unresolvable(result.reason);
    },
  };
}
