// The scheduler's plugin contracts, a reduced form of upstream's framework
// (pkg/scheduler/framework/interface.go): only Filter and Score. A filter answers per node with a
// status carrying upstream's reason strings; a score plugin answers 0–100 per node.
import type * as k8s from '@kubernetes/client-node';
import type { Resources } from './resources.ts';

/** upstream's status codes: Unschedulable may be helped by preemption, the other cannot. */
export type FilterCode = 'Success' | 'Unschedulable' | 'UnschedulableAndUnresolvable';

export interface FilterStatus {
  code: FilterCode;
  /** upstream's reason strings, in the order the plugin found them (counted in the FitError). */
  reasons: string[];
  /** The plugin that answered, for logs. */
  plugin?: string;
}

export const SUCCESS: FilterStatus = Object.freeze({ code: 'Success', reasons: [] }) as FilterStatus;

export const unschedulable = (...reasons: string[]): FilterStatus => ({ code: 'Unschedulable', reasons });
export const unresolvable = (...reasons: string[]): FilterStatus => ({
  code: 'UnschedulableAndUnresolvable',
  reasons,
});

/** One node as the scheduler sees it: the Node and the pods bound (or assumed bound) to it. */
export interface NodeInfo {
  node: k8s.V1Node;
  pods: k8s.V1Pod[];
  /** Sum of the requests of `pods` (filter semantics: zero where nothing is requested). */
  requested: Resources;
  /** Sum of the requests of `pods` with upstream's non-zero defaults (score semantics). */
  nonZeroRequested: Resources;
  /** Host ports in use: `protocol/hostIP/port`. */
  usedPorts: Set<string>;
}

export interface FilterPlugin {
  name: string;
  /** Must return immediately; never mutates the pod or the node. */
  filter(pod: k8s.V1Pod, nodeInfo: NodeInfo): FilterStatus;
}

/** What a score plugin may look at besides the pod and the node: the whole cluster, read-only. */
export interface ScoreContext {
  /** Every node that passed the filters. */
  feasible: readonly NodeInfo[];
  /** Every Service in the cluster (for spreading by service selector). */
  services: readonly k8s.V1Service[];
}

export interface ScorePlugin {
  name: string;
  weight: number;
  /** 0–100, higher is better. Must return immediately; never mutates its arguments. */
  score(pod: k8s.V1Pod, nodeInfo: NodeInfo, ctx: ScoreContext): number;
  /** Rescales the raw scores of all feasible nodes (same order) to 0–100. */
  normalize?(scores: number[]): number[];
}
