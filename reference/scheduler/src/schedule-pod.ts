// One scheduling decision, as a value (upstream's schedulePod → findNodesThatFitPod,
// prioritizeNodes, selectHost): pure over a snapshot of the nodes, so it is tested without I/O.
import type * as k8s from '@kubernetes/client-node';
import {
  SKIP,
  type CycleContext,
  type FilterPlugin,
  type FilterStatus,
  type NodeInfo,
  type ScoreContext,
  type ScorePlugin,
} from './framework.ts';
import { unschedulableMessage } from './fit-error.ts';

export type Decision =
  | { bind: true; nodeName: string; feasible: number; evaluated: number }
  | {
      bind: false;
      /** PodScheduled condition reason: Unschedulable, or SchedulerError with no nodes at all. */
      reason: 'Unschedulable' | 'SchedulerError';
      message: string;
      statuses: ReadonlyMap<string, FilterStatus>;
    };

export interface ScheduleInput {
  pod: k8s.V1Pod;
  nodes: readonly NodeInfo[];
  services: readonly k8s.V1Service[];
  /** The nodes with pods that have pod affinity terms / required anti-affinity, as the cache keeps
   * them; found by a pass over `nodes` when absent. */
  nodesWithAffinityPods?: readonly NodeInfo[];
  nodesWithRequiredAntiAffinityPods?: readonly NodeInfo[];
  /** Namespace labels by name (for pod affinity's namespaceSelector); none when absent. */
  namespaces?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  filters: readonly FilterPlugin[];
  scores: readonly ScorePlugin[];
  /** Where the search through `nodes` starts (upstream's nextStartNodeIndex), for fairness. */
  startIndex?: number;
  /** Upstream's percentageOfNodesToScore; 0 (default) means adaptive. */
  percentageOfNodesToScore?: number;
  /** [0, 1); injectable for tests. */
  random?: () => number;
}

export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/** upstream's numFeasibleNodesToFind: all nodes up to 100, then an adaptive share (50% at 0
 * nodes falling by 1% per 125 nodes, at least 5%), but never fewer than 100. */
export function numFeasibleNodesToFind(numAllNodes: number, percentage = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let adaptive = percentage;
  if (adaptive <= 0) {
    adaptive = 50 - Math.floor(numAllNodes / 125);
    if (adaptive < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) adaptive = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const count = Math.floor((numAllNodes * adaptive) / 100);
  return count < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : count;
}

const NO_NAMESPACES: ReadonlyMap<string, Record<string, string>> = new Map();

/** Runs the filters in order; the first that fails answers for the node. */
export function runFilters(
  pod: k8s.V1Pod,
  info: NodeInfo,
  filters: readonly FilterPlugin[],
  ctx?: CycleContext,
): FilterStatus {
  for (const plugin of filters) {
    const status = plugin.filter(pod, info, ctx);
    if (status.code !== 'Success') return { ...status, plugin: plugin.name };
  }
  return { code: 'Success', reasons: [] };
}

/** Weighted sum of the (normalised) scores per feasible node, in the order given. */
export function scoreNodes(
  pod: k8s.V1Pod,
  feasible: readonly NodeInfo[],
  ctx: ScoreContext,
  scores: readonly ScorePlugin[],
): number[] {
  const total = new Array<number>(feasible.length).fill(0);
  for (const plugin of scores) {
    if (plugin.preScore?.(pod, ctx) === SKIP) continue; // scores 0 everywhere
    let raw = feasible.map((info) => plugin.score(pod, info, ctx));
    if (plugin.normalize) raw = plugin.normalize(raw);
    raw.forEach((s, i) => (total[i]! += s * plugin.weight));
  }
  return total;
}

/** The index of a best score, ties broken uniformly at random (upstream's reservoir sampling). */
export function selectHost(totals: readonly number[], random: () => number = Math.random): number {
  let best = -1;
  let ties = 0;
  for (let i = 0; i < totals.length; i++) {
    if (best < 0 || totals[i]! > totals[best]!) {
      best = i;
      ties = 1;
    } else if (totals[i] === totals[best]) {
      ties++;
      if (random() * ties < 1) best = i;
    }
  }
  return best;
}

/** Decides where `pod` goes, or why it goes nowhere. Never mutates its input. */
export function schedulePod(input: ScheduleInput): Decision {
  const { pod, nodes, filters } = input;
  if (nodes.length === 0) {
    return {
      bind: false,
      reason: 'SchedulerError',
      message: unschedulableMessage(pod, 0, new Map()),
      statuses: new Map(),
    };
  }
  const ctx: CycleContext = {
    nodes,
    nodesWithAffinityPods: input.nodesWithAffinityPods ?? nodes.filter((n) => n.podsWithAffinity.length > 0),
    nodesWithRequiredAntiAffinityPods:
      input.nodesWithRequiredAntiAffinityPods ??
      nodes.filter((n) => n.podsWithRequiredAntiAffinity.length > 0),
    namespaces: input.namespaces ?? NO_NAMESPACES,
    state: new Map(),
  };
  // PreFilter: a plugin that skips is left out of this cycle's filters.
  const active = filters.filter((plugin) => plugin.preFilter?.(pod, ctx) !== SKIP);
  const wanted = numFeasibleNodesToFind(nodes.length, input.percentageOfNodesToScore);
  const start = (input.startIndex ?? 0) % nodes.length;
  const feasible: NodeInfo[] = [];
  const statuses = new Map<string, FilterStatus>();
  let evaluated = 0;
  for (let i = 0; i < nodes.length && feasible.length < wanted; i++) {
    const info = nodes[(start + i) % nodes.length]!;
    evaluated++;
    const status = runFilters(pod, info, active, ctx);
    if (status.code === 'Success') feasible.push(info);
    else statuses.set(info.node.metadata!.name!, status);
  }
  if (feasible.length === 0) {
    return {
      bind: false,
      reason: 'Unschedulable',
      message: unschedulableMessage(pod, nodes.length, statuses),
      statuses,
    };
  }
  if (feasible.length === 1) {
    return { bind: true, nodeName: feasible[0]!.node.metadata!.name!, feasible: 1, evaluated };
  }
  const totals = scoreNodes(pod, feasible, { ...ctx, feasible, services: input.services }, input.scores);
  const chosen = feasible[selectHost(totals, input.random)]!;
  return { bind: true, nodeName: chosen.node.metadata!.name!, feasible: feasible.length, evaluated };
}
