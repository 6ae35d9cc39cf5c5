// InterPodAffinity's PreFilter and Filter (upstream plugins/interpodaffinity/filtering.go), as
// pure functions over the nodes. PreFilter counts, per topology domain (a node label key and
// value), the existing pods that match the incoming pod's required affinity terms, those that
// match its required anti-affinity terms, and the existing pods whose required anti-affinity
// terms match the incoming pod; Filter then only looks the node's domains up in those counts.
import type * as k8s from '@kubernetes/client-node';
import type { CycleContext } from '../framework.ts';
import {
  affinityTerms,
  matchesAllTerms,
  resolveNamespaces,
  termMatches,
  topologyPair,
  type AffinityTerm,
  type Labels,
} from './inter-pod-affinity-terms.ts';

export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";
export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH =
  "node(s) didn't satisfy existing pods anti-affinity rules";

/** Counts per topology pair (see topologyPair). */
export type TopologyCounts = Map<string, number>;

export interface AffinityFilterState {
  pod: k8s.V1Pod;
  /** The incoming pod's required terms, namespaceSelector resolved to namespaces. */
  requiredAffinity: AffinityTerm[];
  requiredAntiAffinity: AffinityTerm[];
  /** Existing pods matching ALL the incoming pod's affinity terms, counted once per term's domain. */
  affinityCounts: TopologyCounts;
  /** Existing pods matching each of the incoming pod's anti-affinity terms, per term's domain. */
  antiAffinityCounts: TopologyCounts;
  /** Existing pods' anti-affinity terms that the incoming pod matches, per term's domain. */
  existingAntiAffinityCounts: TopologyCounts;
}

function bump(counts: TopologyCounts, node: k8s.V1Node, topologyKey: string): void {
  const value = node.metadata?.labels?.[topologyKey];
  if (value === undefined) return;
  const pair = topologyPair(topologyKey, value);
  counts.set(pair, (counts.get(pair) ?? 0) + 1);
}

/**
 * PreFilter: the counts Filter reads, or undefined when there is nothing to check (the pod has no
 * required terms and no existing pod's required anti-affinity matches it; upstream's Skip). In a
 * cluster without affinity this visits no node and no pod.
 */
export function affinityFilterState(
  pod: k8s.V1Pod,
  ctx: Pick<CycleContext, 'nodes' | 'nodesWithRequiredAntiAffinityPods' | 'namespaces'>,
): AffinityFilterState | undefined {
  const { nodes, namespaces } = ctx;
  const terms = affinityTerms(pod);
  const namespaceLabels: Labels = namespaces.get(pod.metadata?.namespace ?? 'default') ?? {};

  const existingAntiAffinityCounts: TopologyCounts = new Map();
  for (const info of ctx.nodesWithRequiredAntiAffinityPods) {
    for (const existing of info.podsWithRequiredAntiAffinity) {
      for (const term of affinityTerms(existing).requiredAntiAffinity) {
        if (termMatches(term, pod, namespaceLabels))
          bump(existingAntiAffinityCounts, info.node, term.topologyKey);
      }
    }
  }
  if (
    existingAntiAffinityCounts.size === 0 &&
    terms.requiredAffinity.length === 0 &&
    terms.requiredAntiAffinity.length === 0
  )
    return undefined;

  const requiredAffinity = terms.requiredAffinity.map((t) => resolveNamespaces(t, namespaces));
  const requiredAntiAffinity = terms.requiredAntiAffinity.map((t) => resolveNamespaces(t, namespaces));
  const affinityCounts: TopologyCounts = new Map();
  const antiAffinityCounts: TopologyCounts = new Map();
  if (requiredAffinity.length > 0 || requiredAntiAffinity.length > 0) {
    for (const info of nodes) {
      for (const existing of info.pods) {
        if (matchesAllTerms(requiredAffinity, existing)) {
          for (const term of requiredAffinity) bump(affinityCounts, info.node, term.topologyKey);
        }
        for (const term of requiredAntiAffinity) {
          if (termMatches(term, existing)) bump(antiAffinityCounts, info.node, term.topologyKey);
        }
      }
    }
  }
  return {
    pod,
    requiredAffinity,
    requiredAntiAffinity,
    affinityCounts,
    antiAffinityCounts,
    existingAntiAffinityCounts,
  };
}

/**
 * upstream's satisfyPodAffinity: the node has every term's topology key, and each of its domains
 * holds a matching pod. Exception for the first pod of a group whose terms select itself: when no
 * pod anywhere matches, it may go to any node that has the topology keys.
 */
export function satisfiesPodAffinity(state: AffinityFilterState, node: k8s.V1Node): boolean {
  const labels = node.metadata?.labels ?? {};
  let podsExist = true;
  for (const term of state.requiredAffinity) {
    const value = labels[term.topologyKey];
    if (value === undefined) return false; // every topology label must exist on the node
    if ((state.affinityCounts.get(topologyPair(term.topologyKey, value)) ?? 0) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  return state.affinityCounts.size === 0 && matchesAllTerms(state.requiredAffinity, state.pod);
}

/** upstream's satisfyPodAntiAffinity: no domain of the node holds a pod the pod's terms match. */
export function satisfiesPodAntiAffinity(state: AffinityFilterState, node: k8s.V1Node): boolean {
  if (state.antiAffinityCounts.size === 0) return true;
  const labels = node.metadata?.labels ?? {};
  for (const term of state.requiredAntiAffinity) {
    const value = labels[term.topologyKey];
    if (value === undefined) continue;
    if ((state.antiAffinityCounts.get(topologyPair(term.topologyKey, value)) ?? 0) > 0) return false;
  }
  return true;
}

/** upstream's satisfyExistingPodsAntiAffinity: no existing pod's anti-affinity rules out any of
 * the node's domains for the incoming pod. */
export function satisfiesExistingPodsAntiAffinity(state: AffinityFilterState, node: k8s.V1Node): boolean {
  if (state.existingAntiAffinityCounts.size === 0) return true;
  for (const [key, value] of Object.entries(node.metadata?.labels ?? {})) {
    if ((state.existingAntiAffinityCounts.get(topologyPair(key, value)) ?? 0) > 0) return false;
  }
  return true;
}

export type AffinityVerdict =
  { fits: true } | { fits: false; reason: string; code: 'Unschedulable' | 'UnschedulableAndUnresolvable' };

/** Filter, in upstream's order: affinity (unresolvable), anti-affinity, existing pods' anti-affinity. */
export function checkNode(state: AffinityFilterState, node: k8s.V1Node): AffinityVerdict {
  if (!satisfiesPodAffinity(state, node))
    return { fits: false, code: 'UnschedulableAndUnresolvable', reason: ERR_REASON_AFFINITY_RULES_NOT_MATCH };
  if (!satisfiesPodAntiAffinity(state, node))
    return { fits: false, code: 'Unschedulable', reason: ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH };
  if (!satisfiesExistingPodsAntiAffinity(state, node))
    return { fits: false, code: 'Unschedulable', reason: ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH };
  return { fits: true };
}
