// Which pods a controller removes first when it scales down: upstream's ActivePodsWithRanks
// ordering (pkg/controller/controller_utils.go), with LogarithmicScaleDown (on by default since
// 1.22), and getPodsRankedByRelatedPodsOnSameNode for the ranks. The first pod in the order is
// the least useful one.
import type * as k8s from '@kubernetes/client-node';
import { isPodActive, isPodReady, maxContainerRestarts, podReadyTime } from '../util/pod-state.ts';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

/** helper.GetDeletionCostFromPodAnnotations: the annotation as an int32, 0 when absent or bad. */
export function deletionCost(pod: k8s.V1Pod): number {
  const text = pod.metadata?.annotations?.[DELETION_COST];
  if (text === undefined || !/^[+-]?\d+$/.test(text.trim())) return 0;
  const value = Number(text.trim());
  return value >= -(2 ** 31) && value < 2 ** 31 ? value : 0;
}

/** ⌊log2(now - t)⌋ in nanoseconds, as logarithmicRankDiff compares durations. */
function logRank(t: Date, now: Date): number {
  const ns = (now.getTime() - t.getTime()) * 1e6;
  return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
}

const uidOf = (pod: k8s.V1Pod): string => pod.metadata?.uid ?? '';
const created = (pod: k8s.V1Pod): Date | undefined =>
  pod.metadata?.creationTimestamp ? new Date(pod.metadata.creationTimestamp) : undefined;

/** afterOrZero: t1 is zero, or later than t2 (a zero time counts as newest). */
function afterOrZero(t1: Date | undefined, t2: Date | undefined): boolean {
  if (t1 === undefined || t2 === undefined) return t1 === undefined;
  return t1.getTime() > t2.getTime();
}

/** Compares two times the LogarithmicScaleDown way; 0 means "equal", so the caller goes on. */
function compareAges(
  t1: Date | undefined,
  t2: Date | undefined,
  i: k8s.V1Pod,
  j: k8s.V1Pod,
  now: Date,
): number {
  const same = (t1?.getTime() ?? 0) === (t2?.getTime() ?? 0);
  if (same) return 0;
  if (t1 === undefined || t2 === undefined) return afterOrZero(t1, t2) ? -1 : 1;
  const diff = logRank(t1, now) - logRank(t2, now);
  if (diff === 0) return uidOf(i) < uidOf(j) ? -1 : uidOf(i) > uidOf(j) ? 1 : 0;
  return diff < 0 ? -1 : 1;
}

/** ActivePodsWithRanks.Less as a comparator: negative when `a` should be deleted before `b`. */
export function compareForDeletion(
  a: k8s.V1Pod,
  rankA: number,
  b: k8s.V1Pod,
  rankB: number,
  now: Date,
): number {
  // 1. Unassigned < assigned.
  const nodeA = a.spec?.nodeName ?? '';
  const nodeB = b.spec?.nodeName ?? '';
  if (nodeA !== nodeB && (nodeA === '' || nodeB === '')) return nodeA === '' ? -1 : 1;
  // 2. Pending < Unknown < Running.
  const phaseA = PHASE_ORDINAL[a.status?.phase ?? ''] ?? 0;
  const phaseB = PHASE_ORDINAL[b.status?.phase ?? ''] ?? 0;
  if (phaseA !== phaseB) return phaseA - phaseB;
  // 3. Not ready < ready.
  const readyA = isPodReady(a);
  const readyB = isPodReady(b);
  if (readyA !== readyB) return readyA ? 1 : -1;
  // 4. Lower pod-deletion-cost < higher.
  const costA = deletionCost(a);
  const costB = deletionCost(b);
  if (costA !== costB) return costA - costB;
  // 5. Doubled up (more related pods on the same node) < not doubled up.
  if (rankA !== rankB) return rankB - rankA;
  // 6. Ready for a shorter time < longer.
  if (readyA && readyB) {
    const byReady = compareAges(podReadyTime(a), podReadyTime(b), a, b, now);
    if (byReady !== 0) return byReady;
  }
  // 7. More container restarts < fewer.
  const restartsA = maxContainerRestarts(a);
  const restartsB = maxContainerRestarts(b);
  if (restartsA !== restartsB) return restartsB - restartsA;
  // 8. Newer < older (no creation time counts as newest).
  return compareAges(created(a), created(b), a, b, now);
}

/**
 * getPodsRankedByRelatedPodsOnSameNode: each pod's rank is how many of `related` (active) pods
 * share its node, so a node holding several replicas gives one up first.
 */
export function ranksBySharedNode(pods: k8s.V1Pod[], related: k8s.V1Pod[]): number[] {
  const onNode = new Map<string, number>();
  for (const pod of related) {
    const node = pod.spec?.nodeName;
    if (!node || !isPodActive(pod)) continue;
    onNode.set(node, (onNode.get(node) ?? 0) + 1);
  }
  return pods.map((pod) => onNode.get(pod.spec?.nodeName ?? '') ?? 0);
}

/** getPodsToDelete: the `count` least useful of `pods`, in the order they should go. */
export function podsToDelete(pods: k8s.V1Pod[], count: number, now: Date): k8s.V1Pod[] {
  if (count >= pods.length) return [...pods];
  const ranks = ranksBySharedNode(pods, pods);
  const order = pods.map((pod, index) => ({ pod, rank: ranks[index]! }));
  order.sort((x, y) => compareForDeletion(x.pod, x.rank, y.pod, y.rank, now));
  return order.slice(0, count).map((entry) => entry.pod);
}
