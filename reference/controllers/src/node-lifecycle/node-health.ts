// Node health as upstream's node lifecycle controller judges it (tryUpdateNodeHealth): the
// controller's own clock notes when it last saw a node's heartbeat move (the Ready condition's
// lastHeartbeatTime or the node Lease's renewTime), so a skewed kubelet clock cannot fake
// freshness. A node whose heartbeat has not moved for the grace period (the startup grace period
// for a node that never posted Ready) gets every condition set to Unknown. Pure, with the clock
// passed in.
import type * as k8s from '@kubernetes/client-node';

export const NODE_STARTUP_GRACE_PERIOD_MS = 60_000;
/** The conditions upstream turns Unknown when the kubelet goes silent. */
export const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;
export const UNKNOWN_REASON = 'NodeStatusUnknown';
export const UNKNOWN_MESSAGE = 'Kubelet stopped posting node status.';
export const NEVER_REASON = 'NodeStatusNeverUpdated';
export const NEVER_MESSAGE = 'Kubelet never posted node status.';

interface Observed {
  heartbeat: string;
  leaseRenew: string;
  /** Controller time (ms) of the last heartbeat movement seen. */
  probeTimestamp: number;
}

const time = (t: Date | string | undefined | null): string =>
  t === undefined || t === null ? '' : t instanceof Date ? t.toISOString() : String(t);

export class NodeHealthTracker {
  private readonly observed = new Map<string, Observed>();

  constructor(private readonly gracePeriodMs: number) {}

  /**
   * Notes the node's heartbeats as of `now` and answers how long until it is stale (≤ 0: stale
   * now). A node seen for the first time starts its grace period now, as upstream's does.
   */
  observe(node: k8s.V1Node, lease: k8s.V1Lease | undefined, now: number): number {
    const name = node.metadata!.name!;
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    const heartbeat = time(ready?.lastHeartbeatTime);
    const leaseRenew = time(lease?.spec?.renewTime as Date | string | undefined);
    let seen = this.observed.get(name);
    if (!seen) {
      seen = { heartbeat, leaseRenew, probeTimestamp: now };
      this.observed.set(name, seen);
    } else if (seen.heartbeat !== heartbeat || seen.leaseRenew !== leaseRenew) {
      seen.heartbeat = heartbeat;
      seen.leaseRenew = leaseRenew;
      seen.probeTimestamp = now;
    }
    const grace = ready ? this.gracePeriodMs : NODE_STARTUP_GRACE_PERIOD_MS;
    return seen.probeTimestamp + grace - now;
  }

  forget(name: string): void {
    this.observed.delete(name);
  }
}

/**
 * The conditions of a node whose kubelet went silent: each monitored condition Unknown (kept
 * heartbeat, new transition time), a missing one added as never updated. Undefined when every
 * monitored condition is Unknown already.
 */
export function unknownConditions(node: k8s.V1Node, now: Date): k8s.V1NodeCondition[] | undefined {
  const conditions = [...(node.status?.conditions ?? [])];
  let changed = false;
  for (const type of MONITORED_CONDITIONS) {
    const i = conditions.findIndex((c) => c.type === type);
    if (i < 0) {
      conditions.push({
        type,
        status: 'Unknown',
        reason: NEVER_REASON,
        message: NEVER_MESSAGE,
        lastHeartbeatTime: node.metadata?.creationTimestamp,
        lastTransitionTime: now,
      });
      changed = true;
    } else if (conditions[i]!.status !== 'Unknown') {
      conditions[i] = {
        ...conditions[i]!,
        status: 'Unknown',
        reason: UNKNOWN_REASON,
        message: UNKNOWN_MESSAGE,
        lastTransitionTime: now,
      };
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}

/** upstream's zone key: region and zone labels joined (empty for a node without them). */
export const zoneOf = (node: k8s.V1Node): string => {
  const labels = node.metadata?.labels ?? {};
  return `${labels['topology.kubernetes.io/region'] ?? ''}:\x00:${labels['topology.kubernetes.io/zone'] ?? ''}`;
};

/**
 * upstream's full-disruption rule: when no node of a zone is Ready, the fault is more likely the
 * control plane's view than every node at once, so no pods are evicted in that zone.
 */
export function zonesInFullDisruption(nodes: readonly k8s.V1Node[]): Set<string> {
  const ready = new Map<string, number>();
  const notReady = new Map<string, number>();
  for (const n of nodes) {
    const zone = zoneOf(n);
    const isReady = n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
    const map = isReady ? ready : notReady;
    map.set(zone, (map.get(zone) ?? 0) + 1);
  }
  return new Set([...notReady.keys()].filter((zone) => (ready.get(zone) ?? 0) === 0));
}
