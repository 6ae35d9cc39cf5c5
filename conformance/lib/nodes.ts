// The nodes of the cluster under test that a test may place its pods on.
import type { V1Node } from '@kubernetes/client-node';
import type { Cluster } from './cluster.ts';

/** Ready nodes that take ordinary pods (not cordoned, no NoSchedule/NoExecute taint), by name. */
export async function schedulableNodes(cluster: Cluster): Promise<V1Node[]> {
  const nodes = (await cluster.core.listNode()).items;
  return nodes
    .filter((node) => !node.spec?.unschedulable)
    .filter(
      (node) => !(node.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'),
    )
    .filter((node) => node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
    .sort((a, b) => a.metadata!.name!.localeCompare(b.metadata!.name!));
}
