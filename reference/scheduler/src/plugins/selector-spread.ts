// SelectorSpread (upstream's former default spreading, plugins/selectorspread): fewer pods of the
// same group on a node scores higher. A pod's group: pods in its namespace with the same
// controller (ownerReferences with controller: true), or matched by a Service selector that also
// matches the pod. Upstream now spreads with PodTopologySpread's system defaults (hostname,
// ScheduleAnyway), which ranks nodes the same way on one zone.
import type * as k8s from '@kubernetes/client-node';
import type { NodeInfo, ScorePlugin, ScoreContext } from '../framework.ts';

export const MAX_SCORE = 100;

const owners = new WeakMap<k8s.V1Pod, string | null>();
/** The uid of the pod's controller; cached per pod object (informer objects are never mutated). */
function controllerUid(pod: k8s.V1Pod): string | undefined {
  let uid = owners.get(pod);
  if (uid === undefined) {
    uid = pod.metadata?.ownerReferences?.find((o) => o.controller)?.uid ?? null;
    owners.set(pod, uid);
  }
  return uid ?? undefined;
}

/** The pod's controller as `namespace/uid` (the key of NodeInfo.podsByController); undefined
 * when it has none. */
export function controllerKey(pod: k8s.V1Pod): string | undefined {
  const uid = controllerUid(pod);
  return uid === undefined ? undefined : `${pod.metadata?.namespace}/${uid}`;
}

export function selectorMatches(
  selector: Record<string, string> | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector || Object.keys(selector).length === 0) return false; // an empty selector selects nothing
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** A predicate for "pod belongs to the same group as `pod`"; undefined when it has no group. */
export function peerMatcher(
  pod: k8s.V1Pod,
  services: readonly k8s.V1Service[],
): ((other: k8s.V1Pod) => boolean) | undefined {
  return matcherFor(pod, controllerUid(pod), serviceSelectors(pod, services));
}

/** The selectors of the services in the pod's namespace that select it. */
function serviceSelectors(pod: k8s.V1Pod, services: readonly k8s.V1Service[]): Record<string, string>[] {
  const namespace = pod.metadata?.namespace;
  const labels = pod.metadata?.labels ?? {};
  return services
    .filter((s) => s.metadata?.namespace === namespace && selectorMatches(s.spec?.selector, labels))
    .map((s) => s.spec!.selector!);
}

function matcherFor(
  pod: k8s.V1Pod,
  owner: string | undefined,
  selectors: readonly Record<string, string>[],
): ((other: k8s.V1Pod) => boolean) | undefined {
  const namespace = pod.metadata?.namespace;
  if (!owner && selectors.length === 0) return undefined;
  return (other) => {
    const uid = pod.metadata?.uid;
    if (owner && controllerUid(other) === owner)
      return other.metadata?.namespace === namespace && other.metadata?.uid !== uid;
    if (selectors.length === 0) return false;
    if (other.metadata?.namespace !== namespace || other.metadata?.uid === pod.metadata?.uid) return false;
    const otherLabels = other.metadata?.labels ?? {};
    return selectors.some((s) => selectorMatches(s, otherLabels));
  };
}

/** Raw score: how many of the pod's peers the node already runs. */
export function countPeers(
  match: ((other: k8s.V1Pod) => boolean) | undefined,
  pods: readonly k8s.V1Pod[],
): number {
  if (!match) return 0;
  let count = 0;
  for (const p of pods) if (match(p)) count++;
  return count;
}

/** Fewer peers, higher score: 100 × (max − count) / max; all 100 when no node has a peer. */
export function normalizeSpread(counts: number[]): number[] {
  const max = Math.max(0, ...counts);
  return counts.map((c) => (max === 0 ? MAX_SCORE : Math.floor((MAX_SCORE * (max - c)) / max)));
}

/**
 * countPeers for a pod whose only peers are its controller's pods (no service selects it): the
 * node's count for the controller, less the pod itself if it is there. One lookup per node instead
 * of a walk over its pods: this is the scheduler's hottest score.
 */
export function controllerPeers(pod: k8s.V1Pod, key: string, info: NodeInfo): number {
  const count = info.podsByController.get(key) ?? 0;
  if (count === 0) return 0;
  // Only a pod bound to this node can be among its pods: a pending one skips the walk.
  if (pod.spec?.nodeName !== info.node.metadata?.name) return count;
  const uid = pod.metadata?.uid;
  const self = info.pods.find((p) => p.metadata?.uid === uid);
  return self && controllerKey(self) === key ? count - 1 : count;
}

/** The pod's peers in one cycle: its controller's key when only those count, else a matcher. */
type Peers =
  | { ctx: ScoreContext; controller: string }
  | { ctx: ScoreContext; match: ((o: k8s.V1Pod) => boolean) | undefined };

function peersOf(pod: k8s.V1Pod, ctx: ScoreContext): Peers {
  const owner = controllerUid(pod);
  const selectors = serviceSelectors(pod, ctx.services);
  if (owner && selectors.length === 0) return { ctx, controller: controllerKey(pod)! };
  return { ctx, match: matcherFor(pod, owner, selectors) };
}

const cycles = new WeakMap<k8s.V1Pod, Peers>();

export const selectorSpread = {
  name: 'SelectorSpread',
  weight: 2,
  score: (pod, info, ctx) => {
    let peers = cycles.get(pod);
    if (!peers || peers.ctx !== ctx) {
      peers = peersOf(pod, ctx);
      cycles.set(pod, peers);
    }
    return 'controller' in peers
      ? controllerPeers(pod, peers.controller, info)
      : countPeers(peers.match, info.pods);
  },
  normalize: normalizeSpread,
} satisfies ScorePlugin;
