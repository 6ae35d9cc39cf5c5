// The scheduler's plugins, listed explicitly in the order they run (upstream's default profile
// order for the filters it shares: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity,
// NodePorts, NodeResourcesFit).
import type { FilterPlugin, ScorePlugin } from '../framework.ts';
import { leastAllocated } from './least-allocated.ts';
import { nodeAffinity } from './node-affinity.ts';
import { nodeName } from './node-name.ts';
import { nodePorts } from './node-ports.ts';
import { nodeReady } from './node-ready.ts';
import { nodeResourcesFit } from './node-resources-fit.ts';
import { nodeUnschedulable } from './node-unschedulable.ts';
import { selectorSpread } from './selector-spread.ts';
import { taintToleration } from './taint-toleration.ts';

export const FILTER_PLUGINS: readonly FilterPlugin[] = [
  nodeUnschedulable,
  nodeName,
  taintToleration,
  nodeReady,
  nodeAffinity,
  nodePorts,
  nodeResourcesFit,
];

export const SCORE_PLUGINS: readonly ScorePlugin[] = [selectorSpread, leastAllocated];
