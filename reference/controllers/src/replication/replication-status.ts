// A ReplicationController's or ReplicaSet's status from the pods it owns (calculateStatus in upstream's
// replica_set_utils.go): replicas counts its active pods, fullyLabeledReplicas those carrying
// every template label, readyReplicas the Ready ones, availableReplicas those Ready for
// minReadySeconds; a create or delete error sets the ReplicaFailure condition and the next
// error-free pass removes it.
import type * as k8s from '@kubernetes/client-node';
import { isPodAvailable, isPodReady } from '../util/pod-state.ts';

export const REPLICA_FAILURE = 'ReplicaFailure';

/** Every template label present on the pod; an empty template matches every pod (Everything()). */
function carriesTemplateLabels(template: Record<string, string> | undefined, pod: k8s.V1Pod): boolean {
  return Object.entries(template ?? {}).every(([key, value]) => pod.metadata?.labels?.[key] === value);
}

/** Both kinds' status and spec fields read here have the same shape. */
type Owner = {
  metadata?: k8s.V1ObjectMeta;
  spec?: { replicas?: number; minReadySeconds?: number; template?: k8s.V1PodTemplateSpec };
  status?: k8s.V1ReplicaSetStatus;
};

export function calculateStatus(
  rc: Owner,
  activePods: k8s.V1Pod[],
  manageError: string | undefined,
  now: Date,
): k8s.V1ReplicaSetStatus {
  const minReadySeconds = rc.spec?.minReadySeconds ?? 0;
  const templateLabels = rc.spec?.template?.metadata?.labels;
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of activePods) {
    if (carriesTemplateLabels(templateLabels, pod)) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReadySeconds, now)) available++;
    }
  }
  let conditions = [...(rc.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageError !== undefined && !failure) {
    const diff = activePods.length - (rc.spec?.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions.push({
      type: REPLICA_FAILURE,
      status: 'True',
      reason,
      message: manageError,
      lastTransitionTime: now,
    });
  } else if (manageError === undefined && failure) {
    conditions = conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  return {
    replicas: activePods.length,
    fullyLabeledReplicas: fullyLabeled,
    readyReplicas: ready,
    availableReplicas: available,
    observedGeneration: rc.metadata?.generation,
    ...(conditions.length ? { conditions } : {}),
  };
}

/** Whether writing `next` would change anything the status shows (upstream skips such writes). */
export function statusUnchanged(
  current: k8s.V1ReplicaSetStatus | undefined,
  next: k8s.V1ReplicaSetStatus,
): boolean {
  const c = current ?? { replicas: 0 };
  const conditionsOf = (s: k8s.V1ReplicaSetStatus) =>
    JSON.stringify((s.conditions ?? []).map((x) => [x.type, x.status, x.reason, x.message]));
  return (
    c.replicas === next.replicas &&
    (c.fullyLabeledReplicas ?? 0) === (next.fullyLabeledReplicas ?? 0) &&
    (c.readyReplicas ?? 0) === (next.readyReplicas ?? 0) &&
    (c.availableReplicas ?? 0) === (next.availableReplicas ?? 0) &&
    c.observedGeneration === next.observedGeneration &&
    conditionsOf(c) === conditionsOf(next)
  );
}
