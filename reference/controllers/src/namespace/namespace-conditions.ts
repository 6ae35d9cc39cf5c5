// The conditions the namespace controller writes on a Terminating namespace
// (pkg/controller/namespace/deletion/status_condition_utils.go): each of the five types is either
// its failure (True, with what failed) or its "ok" variant (False), with upstream's reasons and
// messages.
import type * as k8s from '@kubernetes/client-node';

export const CONDITION_TYPES = [
  'NamespaceDeletionDiscoveryFailure',
  'NamespaceDeletionGroupVersionParsingFailure',
  'NamespaceDeletionContentFailure',
  'NamespaceContentRemaining',
  'NamespaceFinalizersRemaining',
] as const;
type ConditionType = (typeof CONDITION_TYPES)[number];

const OK: Record<ConditionType, { reason: string; message: string }> = {
  NamespaceDeletionDiscoveryFailure: {
    reason: 'ResourcesDiscovered',
    message: 'All resources successfully discovered',
  },
  NamespaceDeletionGroupVersionParsingFailure: {
    reason: 'ParsedGroupVersions',
    message: 'All legacy kube types successfully parsed',
  },
  NamespaceDeletionContentFailure: {
    reason: 'ContentDeleted',
    message: 'All content successfully deleted, may be waiting on finalization',
  },
  NamespaceContentRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
  NamespaceFinalizersRemaining: { reason: 'ContentRemoved', message: 'All content successfully removed' },
};

/** What one pass of deletion found. */
export interface DeletionOutcome {
  discoveryError?: string;
  /** Messages of failed deletions, one per resource that failed. */
  deleteErrors: string[];
  /** `<resource>.<group>` → instances still there. */
  remaining: Map<string, number>;
  /** finalizer → instances still carrying it. */
  finalizers: Map<string, number>;
}

/** The failure conditions of one pass (ProcessDiscoverResourcesErr, ProcessContentTotals, …). */
export function failureConditions(outcome: DeletionOutcome, now: Date): k8s.V1NamespaceCondition[] {
  const out: k8s.V1NamespaceCondition[] = [];
  const cond = (type: ConditionType, reason: string, message: string): k8s.V1NamespaceCondition => ({
    type,
    status: 'True',
    reason,
    message,
    lastTransitionTime: now,
  });
  if (outcome.discoveryError)
    out.push(cond('NamespaceDeletionDiscoveryFailure', 'DiscoveryFailed', outcome.discoveryError));
  if (outcome.deleteErrors.length) {
    const messages = [...outcome.deleteErrors].sort();
    out.push(
      cond(
        'NamespaceDeletionContentFailure',
        'ContentDeletionFailed',
        `Failed to delete all resource types, ${messages.length} remaining: ${messages.join(', ')}`,
      ),
    );
  }
  const remaining = [...outcome.remaining]
    .filter(([, n]) => n > 0)
    .map(([gr, n]) => `${gr} has ${n} resource instances`)
    .sort();
  if (remaining.length)
    out.push(
      cond(
        'NamespaceContentRemaining',
        'SomeResourcesRemain',
        `Some resources are remaining: ${remaining.join(', ')}`,
      ),
    );
  const finalizers = [...outcome.finalizers]
    .filter(([, n]) => n > 0)
    .map(([f, n]) => `${f} in ${n} resource instances`)
    .sort();
  if (finalizers.length)
    out.push(
      cond(
        'NamespaceFinalizersRemaining',
        'SomeFinalizerRemain',
        `Some finalizers are remaining: ${finalizers.join(', ')}`,
      ),
    );
  return out;
}

/**
 * updateConditions: every type gets the new failure or its ok variant; a condition keeps its
 * lastTransitionTime unless its status flips. Answers the new list and whether it changed.
 */
export function mergeConditions(
  current: k8s.V1NamespaceCondition[] | undefined,
  failures: k8s.V1NamespaceCondition[],
  now: Date,
): { conditions: k8s.V1NamespaceCondition[]; changed: boolean } {
  const conditions = (current ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of CONDITION_TYPES) {
    const wanted = failures.find((c) => c.type === type) ?? {
      type,
      status: 'False',
      reason: OK[type].reason,
      message: OK[type].message,
      lastTransitionTime: now,
    };
    const old = conditions.find((c) => c.type === type);
    if (!old) {
      conditions.push(wanted);
      changed = true;
    } else if (
      old.status !== wanted.status ||
      old.reason !== wanted.reason ||
      old.message !== wanted.message
    ) {
      if (old.status !== wanted.status) old.lastTransitionTime = now;
      old.status = wanted.status;
      old.reason = wanted.reason;
      old.message = wanted.message;
      changed = true;
    }
  }
  return { conditions, changed };
}
