// What the controllers read from a pod's status, as upstream's podutil does: whether it is ready
// and since when, whether it still counts (active), and its most restarted container.
import type * as k8s from '@kubernetes/client-node';

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: k8s.V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** When the pod last became Ready, or undefined when it is not ready (podReadyTime). */
export function podReadyTime(pod: k8s.V1Pod): Date | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'True');
  return ready?.lastTransitionTime ? new Date(ready.lastTransitionTime) : undefined;
}

/**
 * podutil.IsPodAvailable: ready for at least `minReadySeconds` (at once when 0).
 * `now` is the caller's clock, so a test can decide the moment.
 */
export function isPodAvailable(pod: k8s.V1Pod, minReadySeconds: number, now: Date): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const since = podReadyTime(pod);
  return since !== undefined && since.getTime() + minReadySeconds * 1000 <= now.getTime();
}

/** controller.IsPodActive: not finished and not being deleted. */
export function isPodActive(pod: k8s.V1Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

/** The highest restart count of the pod's containers (maxContainerRestarts). */
export function maxContainerRestarts(pod: k8s.V1Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((s) => s.restartCount ?? 0));
}

/** The Pod's controller ownerReference, if it has one (metav1.GetControllerOf). */
export function controllerOf(obj: { metadata?: k8s.V1ObjectMeta }): k8s.V1OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((ref) => ref.controller === true);
}

/** labels.SelectorFromSet(selector).Matches(labels); an empty selector matches nothing here. */
export function selectorMatches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  const entries = Object.entries(selector ?? {});
  if (entries.length === 0) return false;
  return entries.every(([key, value]) => labels?.[key] === value);
}
