// activeDeadlineSeconds, as upstream's activeDeadlineHandler: a pod that has been active on the
// node (since its status.startTime) for as long as its deadline fails, with reason
// DeadlineExceeded, whatever its containers do. The kubelet syncs the pod again when the
// deadline comes. Pure.
import type { V1Pod } from '@kubernetes/client-node';
import type { PodEviction } from './pod-status.ts';

export const DEADLINE_EXCEEDED: PodEviction = {
  reason: 'DeadlineExceeded',
  message: 'Pod was active on the node longer than the specified deadline',
};

/** Milliseconds until the pod's active deadline (0 or less: passed); undefined when it has none. */
export function msToActiveDeadline(pod: V1Pod, now: Date): number | undefined {
  const seconds = pod.spec?.activeDeadlineSeconds;
  const started = pod.status?.startTime;
  // No deadline, or not started yet: nothing to count from (upstream's pastActiveDeadline).
  if (seconds === undefined || seconds === null || !started) return undefined;
  const start = new Date(started).getTime();
  if (Number.isNaN(start)) return undefined;
  return start + seconds * 1000 - now.getTime();
}
