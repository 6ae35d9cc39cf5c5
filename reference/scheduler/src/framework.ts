// The scheduler's plugin contracts, a reduced form of upstream's framework
// (pkg/scheduler/framework/interface.go): Filter and Score, each with an optional pre-pass
// (PreFilter, PreScore) for plugins that must look at the whole cluster once per cycle. A filter
// answers per node with a status carrying upstream's reason strings; a score plugin answers 0–100
// per node.
import type * as k8s from '@kubernetes/client-node';
import type { Allocatable, Resources } from './resources.ts';

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
  /** The node's allocatable, parsed once per Node object (filters and scores read it per pod). */
  allocatable: Allocatable;
  /** The NoSchedule taint the node's Ready condition implies (NodeReady), once per Node object. */
  readyTaint: k8s.V1Taint | undefined;
  pods: k8s.V1Pod[];
  /** Sum of the requests of `pods` (filter semantics: zero where nothing is requested). */
  requested: Resources;
  /** Sum of the requests of `pods` with upstream's non-zero defaults (score semantics). */
  nonZeroRequested: Resources;
  /** Host ports in use: `protocol/hostIP/port`. */
  usedPorts: Set<string>;
  /** How many of `pods` each controller owns, by SelectorSpread's `controllerKey` (so spreading
   * looks one number up per node instead of walking its pods). */
  podsByController: Map<string, number>;
  /** The pods in `pods` with pod affinity or anti-affinity of any kind (upstream's PodsWithAffinity). */
  podsWithAffinity: k8s.V1Pod[];
  /** The pods in `pods` with required pod anti-affinity (upstream's PodsWithRequiredAntiAffinity). */
  podsWithRequiredAntiAffinity: k8s.V1Pod[];
}

/**
 * What one scheduling cycle (one attempt at one pod) sees besides the pod and a node: the whole
 * cluster, read-only, and scratch space where a plugin's PreFilter or PreScore leaves what its
 * Filter or Score reads (upstream's CycleState). A new one is made for every cycle.
 */
export interface CycleContext {
  /** Every node in the scheduler's cache, feasible or not. */
  nodes: readonly NodeInfo[];
  /** The nodes running a pod with pod affinity terms of any kind (upstream's
   * HavePodsWithAffinityList): empty in a cluster without affinity. */
  nodesWithAffinityPods: readonly NodeInfo[];
  /** The nodes running a pod with required pod anti-affinity (HavePodsWithRequiredAntiAffinityList). */
  nodesWithRequiredAntiAffinityPods: readonly NodeInfo[];
  /** The labels of every namespace, by name (for namespaceSelector). */
  namespaces: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Per-plugin state of this cycle, keyed by plugin name. */
  state: Map<string, unknown>;
}

/** upstream's Skip status of PreFilter/PreScore: the plugin has nothing to do for this pod. */
export const SKIP = 'Skip';

export interface FilterPlugin {
  name: string;
  /**
   * Optional PreFilter: runs once per cycle before any `filter`, and may write what `filter` reads
   * into `ctx.state`. Answering SKIP means the plugin has nothing to check for this pod: its
   * `filter` is not called in this cycle. Never mutates the pod or the nodes.
   */
  preFilter?(pod: k8s.V1Pod, ctx: CycleContext): typeof SKIP | undefined;
  /** Must return immediately; never mutates the pod or the node. `ctx` is the cycle's context
   * (always given by the scheduler; plugins without a PreFilter may ignore it). */
  filter(pod: k8s.V1Pod, nodeInfo: NodeInfo, ctx?: CycleContext): FilterStatus;
}

/** What a score plugin may look at besides the pod and the node: the whole cluster, read-only. */
export interface ScoreContext extends CycleContext {
  /** Every node that passed the filters. */
  feasible: readonly NodeInfo[];
  /** Every Service in the cluster (for spreading by service selector). */
  services: readonly k8s.V1Service[];
}

export interface ScorePlugin {
  name: string;
  weight: number;
  /**
   * Optional PreScore: runs once per cycle before any `score`, and may write into `ctx.state`.
   * SKIP means the plugin has no preference for this pod: it scores 0 on every node.
   */
  preScore?(pod: k8s.V1Pod, ctx: ScoreContext): typeof SKIP | undefined;
  /** 0–100, higher is better. Must return immediately; never mutates its arguments. */
  score(pod: k8s.V1Pod, nodeInfo: NodeInfo, ctx: ScoreContext): number;
  /** Rescales the raw scores of all feasible nodes (same order) to 0–100. */
  normalize?(scores: number[]): number[];
}
