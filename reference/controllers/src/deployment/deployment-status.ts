// A Deployment's status from its ReplicaSets, and its Available and Progressing conditions with
// upstream's reasons and messages (pkg/controller/deployment/sync.go calculateStatus,
// progress.go syncRolloutStatus, util/deployment_util.go). Pure: `now` is passed in.
import type * as k8s from '@kubernetes/client-node';
import {
  actualReplicas,
  availableReplicas,
  desiredOf,
  maxUnavailable,
  readyReplicas,
  specReplicas,
  type RS,
} from './deployment-util.ts';

export const AVAILABLE = 'Available';
export const PROGRESSING = 'Progressing';
export const REPLICA_FAILURE = 'ReplicaFailure';
export const REASONS = {
  minimumReplicasAvailable: 'MinimumReplicasAvailable',
  minimumReplicasUnavailable: 'MinimumReplicasUnavailable',
  newReplicaSetCreated: 'NewReplicaSetCreated',
  foundNewReplicaSet: 'FoundNewReplicaSet',
  newReplicaSetAvailable: 'NewReplicaSetAvailable',
  replicaSetUpdated: 'ReplicaSetUpdated',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  failedCreate: 'ReplicaSetCreateError',
} as const;

type Condition = k8s.V1DeploymentCondition;
type Status = k8s.V1DeploymentStatus;

export function newCondition(
  type: string,
  status: string,
  reason: string,
  message: string,
  now: Date,
): Condition {
  return { type, status, reason, message, lastUpdateTime: now, lastTransitionTime: now };
}

export const conditionOf = (status: Status | undefined, type: string): Condition | undefined =>
  status?.conditions?.find((c) => c.type === type);

/**
 * SetDeploymentCondition: a condition with the same status and reason is left as it is; one with
 * the same status keeps its lastTransitionTime. Changes `status` in place.
 */
export function setCondition(status: Status, condition: Condition): void {
  const current = conditionOf(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = { ...condition };
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== condition.type), next];
}

export function removeCondition(status: Status, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
  if (status.conditions.length === 0) delete status.conditions;
}

/** calculateStatus: counts from the ReplicaSets, and Available from the minimum availability. */
export function calculateStatus(d: k8s.V1Deployment, allRSs: RS[], newRS: RS | undefined, now: Date): Status {
  const available = availableReplicas(allRSs);
  const status: Status = {
    observedGeneration: d.metadata?.generation,
    replicas: actualReplicas(allRSs),
    updatedReplicas: actualReplicas([newRS]),
    readyReplicas: readyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicas(allRSs) - available),
    ...(d.status?.collisionCount !== undefined ? { collisionCount: d.status.collisionCount } : {}),
    ...(d.status?.conditions?.length ? { conditions: d.status.conditions.map((c) => ({ ...c })) } : {}),
  };
  if (available >= desiredOf(d) - maxUnavailable(d)) {
    setCondition(
      status,
      newCondition(
        AVAILABLE,
        'True',
        REASONS.minimumReplicasAvailable,
        'Deployment has minimum availability.',
        now,
      ),
    );
  } else {
    setCondition(
      status,
      newCondition(
        AVAILABLE,
        'False',
        REASONS.minimumReplicasUnavailable,
        'Deployment does not have minimum availability.',
        now,
      ),
    );
  }
  return status;
}

/** DeploymentComplete: every desired pod updated and available, and the generation observed. */
export function deploymentComplete(d: k8s.V1Deployment, status: Status): boolean {
  const desired = desiredOf(d);
  return (
    status.updatedReplicas === desired &&
    status.replicas === desired &&
    status.availableReplicas === desired &&
    (status.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0)
  );
}

/** DeploymentProgressing: more updated, ready or available pods, or fewer old ones, than before. */
export function deploymentProgressing(d: k8s.V1Deployment, status: Status): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (status.replicas ?? 0) - (status.updatedReplicas ?? 0);
  return (
    (status.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (status.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (status.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

const time = (t: Date | string | undefined): number => (t ? new Date(t).getTime() : 0);

/** DeploymentTimedOut: Progressing has not been updated for progressDeadlineSeconds. */
export function deploymentTimedOut(d: k8s.V1Deployment, now: Date): boolean {
  const deadline = d.spec?.progressDeadlineSeconds;
  const condition = conditionOf(d.status, PROGRESSING);
  if (deadline === undefined || deadline === null || !condition) return false;
  if (condition.reason === REASONS.newReplicaSetAvailable) return false;
  if (condition.reason === REASONS.timedOut) return true;
  return time(condition.lastUpdateTime) + deadline * 1000 < now.getTime();
}

/**
 * syncRolloutStatus's status: calculateStatus plus the Progressing condition (complete,
 * progressing or timed out) and the new ReplicaSet's failures carried over as ReplicaFailure.
 */
export function rolloutStatus(d: k8s.V1Deployment, allRSs: RS[], newRS: RS | undefined, now: Date): Status {
  const status = calculateStatus(d, allRSs, newRS, now);
  const hasDeadline =
    d.spec?.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== null;
  if (!hasDeadline) removeCondition(status, PROGRESSING);
  const current = conditionOf(d.status, PROGRESSING);
  const complete =
    status.replicas === status.updatedReplicas && current?.reason === REASONS.newReplicaSetAvailable;
  if (hasDeadline && !complete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata?.name}"` : `Deployment "${d.metadata?.name}"`;
    if (deploymentComplete(d, status)) {
      setCondition(
        status,
        newCondition(
          PROGRESSING,
          'True',
          REASONS.newReplicaSetAvailable,
          `${subject} has successfully progressed.`,
          now,
        ),
      );
    } else if (deploymentProgressing(d, status)) {
      const condition = newCondition(
        PROGRESSING,
        'True',
        REASONS.replicaSetUpdated,
        `${subject} is progressing.`,
        now,
      );
      if (current) {
        if (current.status === 'True') condition.lastTransitionTime = current.lastTransitionTime;
        removeCondition(status, PROGRESSING);
      }
      setCondition(status, condition);
    } else if (deploymentTimedOut(d, now)) {
      setCondition(
        status,
        newCondition(PROGRESSING, 'False', REASONS.timedOut, `${subject} has timed out progressing.`, now),
      );
    }
  }
  const failure = [newRS, ...allRSs]
    .flatMap((rs) => rs?.status?.conditions ?? [])
    .find((c) => c.type === REPLICA_FAILURE && c.status === 'True');
  if (failure) {
    setCondition(status, {
      type: REPLICA_FAILURE,
      status: failure.status,
      reason: failure.reason,
      message: failure.message,
      lastUpdateTime: failure.lastTransitionTime,
      lastTransitionTime: failure.lastTransitionTime,
    });
  } else removeCondition(status, REPLICA_FAILURE);
  return status;
}

/** Whether writing `next` would change what the status shows (timestamps of equal conditions aside). */
export function statusEqual(current: Status | undefined, next: Status): boolean {
  const view = (s: Status | undefined) =>
    JSON.stringify([
      s?.observedGeneration,
      s?.replicas ?? 0,
      s?.updatedReplicas ?? 0,
      s?.readyReplicas ?? 0,
      s?.availableReplicas ?? 0,
      s?.unavailableReplicas ?? 0,
      s?.collisionCount,
      (s?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message, time(c.lastUpdateTime)]),
    ]);
  return view(current) === view(next);
}

/** When a Progressing rollout would time out, for a look again then (requeueStuckDeployment). */
export function msUntilDeadline(d: k8s.V1Deployment, status: Status, now: Date): number | undefined {
  const deadline = d.spec?.progressDeadlineSeconds;
  const condition = conditionOf(status, PROGRESSING);
  if (deadline === undefined || deadline === null || !condition) return undefined;
  if (condition.reason === REASONS.newReplicaSetAvailable || condition.reason === REASONS.timedOut)
    return undefined;
  if (deploymentComplete(d, status)) return undefined;
  return Math.max(1000, time(condition.lastUpdateTime) + deadline * 1000 - now.getTime() + 1000);
}
