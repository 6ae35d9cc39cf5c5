// Leaves the host as a node found it: every container of the node removed (app containers
// first, then each pod's sandbox through CNI DEL), then the node's bridge and state. Used when a
// node goes away (`kconform down`) and by tests' after-hooks. Best effort per item: one failure
// is logged and the rest still goes; the first failure is rethrown at the end.
import type { Logger } from '../../../common/src/log.ts';
import type { NodeNetwork } from './node-network.ts';
import type { PodSandboxManager } from './network/pod-sandbox.ts';
import {
  LABEL_CONTAINER_NAME,
  POD_INFRA_CONTAINER_NAME,
  type ContainerRuntime,
} from './runtime/container-runtime.ts';

export interface NodeCleanupParts {
  runtime: ContainerRuntime;
  sandboxes: PodSandboxManager;
  network: NodeNetwork;
  logger: Logger;
}

export async function cleanUpNode(parts: NodeCleanupParts): Promise<void> {
  const failures: unknown[] = [];
  const attempt = async (what: string, step: () => Promise<void>): Promise<void> => {
    try {
      await step();
    } catch (err) {
      failures.push(err);
      parts.logger.warn('node cleanup step failed', { what, err });
    }
  };
  const containers = await parts.runtime.list();
  for (const c of containers.filter((c) => c.labels[LABEL_CONTAINER_NAME] !== POD_INFRA_CONTAINER_NAME)) {
    await attempt(`remove container ${c.name}`, () => parts.runtime.remove(c.id));
  }
  for (const uid of await parts.sandboxes.listPodUids()) {
    await attempt(`tear down sandbox of pod ${uid}`, () => parts.sandboxes.tearDown(uid));
  }
  await attempt(`tear down network of node ${parts.network.nodeName}`, () => parts.network.tearDown());
  if (failures.length > 0) throw failures[0];
}
