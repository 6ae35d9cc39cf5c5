// Builders for pods and nodes in unit tests.
import type * as k8s from '@kubernetes/client-node';
import type { NodeInfo } from '../src/framework.ts';
import { NodeCache } from '../src/node-cache.ts';

export function makeNode(
  name: string,
  opts: {
    cpu?: string;
    memory?: string;
    pods?: string;
    labels?: Record<string, string>;
    taints?: k8s.V1Taint[];
    unschedulable?: boolean;
    ready?: 'True' | 'False' | 'Unknown' | 'absent';
  } = {},
): k8s.V1Node {
  const allocatable = { cpu: opts.cpu ?? '4', memory: opts.memory ?? '8Gi', pods: opts.pods ?? '110' };
  return {
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...opts.labels } },
    spec: {
      ...(opts.taints ? { taints: opts.taints } : {}),
      ...(opts.unschedulable ? { unschedulable: true } : {}),
    },
    status: {
      allocatable,
      capacity: allocatable,
      conditions: opts.ready === 'absent' ? [] : [{ type: 'Ready', status: opts.ready ?? 'True' }],
    },
  };
}

let uid = 0;
export function makePod(
  name: string,
  opts: {
    cpu?: string;
    memory?: string;
    nodeName?: string;
    labels?: Record<string, string>;
    spec?: Partial<k8s.V1PodSpec>;
    owner?: string;
    namespace?: string;
  } = {},
): k8s.V1Pod {
  const requests: Record<string, string> = {};
  if (opts.cpu) requests['cpu'] = opts.cpu;
  if (opts.memory) requests['memory'] = opts.memory;
  return {
    metadata: {
      name,
      namespace: opts.namespace ?? 'default',
      uid: `uid-${name}-${++uid}`,
      labels: opts.labels ?? {},
      ...(opts.owner
        ? {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: opts.owner,
                uid: opts.owner,
                controller: true,
              },
            ],
          }
        : {}),
    },
    spec: {
      containers: [{ name: 'c', image: 'busybox', resources: { requests } }],
      ...(opts.nodeName ? { nodeName: opts.nodeName } : {}),
      ...opts.spec,
    },
  };
}

/** NodeInfos for `nodes` with `pods` (each with spec.nodeName) counted on them. */
export function nodeInfos(nodes: k8s.V1Node[], pods: k8s.V1Pod[] = []): NodeInfo[] {
  const cache = new NodeCache();
  for (const n of nodes) cache.setNode(n);
  for (const p of pods) cache.updatePod(p);
  return cache.nodeInfos();
}

export const infoOf = (node: k8s.V1Node, pods: k8s.V1Pod[] = []): NodeInfo => nodeInfos([node], pods)[0]!;
