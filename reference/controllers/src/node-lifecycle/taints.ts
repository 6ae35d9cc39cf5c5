// Taints and tolerations as the node lifecycle and taint eviction controllers read them: which
// taints a node's conditions call for (upstream's nodeConditionToTaintKeyStatusMap and
// doNoExecuteTaintingPass) and how long a pod may stay on a node with NoExecute taints (upstream's
// GetMatchingTolerations and getMinTolerationTime). Pure.
import type * as k8s from '@kubernetes/client-node';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** Condition type → status → the NoSchedule taint key it calls for. */
const CONDITION_TAINTS: Record<string, Record<string, string>> = {
  Ready: { False: TAINT_NOT_READY, Unknown: TAINT_UNREACHABLE },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};

/** Every NoSchedule key this controller manages (it never touches other taints). */
const MANAGED_NO_SCHEDULE = new Set([
  ...Object.values(CONDITION_TAINTS).flatMap((m) => Object.values(m)),
  TAINT_UNSCHEDULABLE,
]);
const MANAGED_NO_EXECUTE = new Set([TAINT_NOT_READY, TAINT_UNREACHABLE]);

export const readyStatus = (node: k8s.V1Node): string | undefined =>
  node.status?.conditions?.find((c) => c.type === 'Ready')?.status;

/** The NoExecute taint a node's Ready condition calls for; none for a Ready node. */
export function noExecuteTaintKey(node: k8s.V1Node): string | undefined {
  const ready = readyStatus(node);
  if (ready === 'False') return TAINT_NOT_READY;
  if (ready === 'Unknown') return TAINT_UNREACHABLE;
  return undefined;
}

/**
 * The node's taints as they should be: the managed NoSchedule taints its conditions and
 * spec.unschedulable call for, the managed NoExecute taint for its Ready condition (unless
 * `evictionsAllowed` is false, upstream's full-disruption mode), and every other taint untouched.
 * A taint already present keeps its timeAdded. Returns undefined when nothing changes.
 */
export function reconcileTaints(
  node: k8s.V1Node,
  now: Date,
  evictionsAllowed = true,
): k8s.V1Taint[] | undefined {
  const current = node.spec?.taints ?? [];
  const wantNoSchedule = new Set<string>();
  for (const c of node.status?.conditions ?? []) {
    const key = CONDITION_TAINTS[c.type]?.[c.status];
    if (key) wantNoSchedule.add(key);
  }
  if (node.spec?.unschedulable) wantNoSchedule.add(TAINT_UNSCHEDULABLE);
  const noExecute = evictionsAllowed ? noExecuteTaintKey(node) : undefined;

  const kept = current.filter((t) => {
    if (t.effect === 'NoSchedule' && MANAGED_NO_SCHEDULE.has(t.key)) return wantNoSchedule.has(t.key);
    if (t.effect === 'NoExecute' && MANAGED_NO_EXECUTE.has(t.key)) return t.key === noExecute;
    return true;
  });
  const has = (key: string, effect: string) => kept.some((t) => t.key === key && t.effect === effect);
  const added: k8s.V1Taint[] = [];
  for (const key of wantNoSchedule) if (!has(key, 'NoSchedule')) added.push({ key, effect: 'NoSchedule' });
  if (noExecute && !has(noExecute, 'NoExecute'))
    added.push({ key: noExecute, effect: 'NoExecute', timeAdded: now });
  if (added.length === 0 && kept.length === current.length) return undefined;
  return [...kept, ...added];
}

/** upstream's ToleratesTaint. */
export function toleratesTaint(toleration: k8s.V1Toleration, taint: k8s.V1Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (toleration.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export type EvictionDecision =
  /** No NoExecute taint, or every one tolerated forever. */
  | { kind: 'keep' }
  /** Some taint is not tolerated, or a toleration's seconds are 0 or less. */
  | { kind: 'evict-now' }
  /** Tolerated for this long (the smallest tolerationSeconds among the tolerations used). */
  | { kind: 'evict-after'; seconds: number };

/** How long a pod with `tolerations` may stay on a node with `taints` (only NoExecute ones count). */
export function evictionDecision(
  tolerations: readonly k8s.V1Toleration[] | undefined,
  taints: readonly k8s.V1Taint[] | undefined,
): EvictionDecision {
  const noExecute = (taints ?? []).filter((t) => t.effect === 'NoExecute');
  if (noExecute.length === 0) return { kind: 'keep' };
  const used: k8s.V1Toleration[] = [];
  for (const taint of noExecute) {
    const match = (tolerations ?? []).find((t) => toleratesTaint(t, taint));
    if (!match) return { kind: 'evict-now' };
    used.push(match);
  }
  let min: number | undefined;
  for (const t of used) {
    if (t.tolerationSeconds === undefined || t.tolerationSeconds === null) continue;
    if (t.tolerationSeconds <= 0) return { kind: 'evict-now' };
    if (min === undefined || t.tolerationSeconds < min) min = t.tolerationSeconds;
  }
  return min === undefined ? { kind: 'keep' } : { kind: 'evict-after', seconds: min };
}
