// Helpers for the scheduler's integration tests: Nodes with no kubelet behind them, made Ready
// through the status subresource, and a bounded poll.
import type * as k8s from '@kubernetes/client-node';

export interface FakeNodeOptions {
  cpu?: string;
  memory?: string;
  pods?: string;
  labels?: Record<string, string>;
  taints?: k8s.V1Taint[];
}

/** Creates a Node and sets its status Ready with the given allocatable (no kubelet needed). */
export async function createReadyNode(
  core: k8s.CoreV1Api,
  name: string,
  opts: FakeNodeOptions = {},
): Promise<void> {
  await core.createNode({
    body: {
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...opts.labels } },
      spec: opts.taints ? { taints: opts.taints } : {},
    },
  });
  const node = await core.readNode({ name });
  const resources = { cpu: opts.cpu ?? '4', memory: opts.memory ?? '8Gi', pods: opts.pods ?? '110' };
  node.status = {
    capacity: resources,
    allocatable: resources,
    conditions: [
      {
        type: 'Ready',
        status: 'True',
        reason: 'KubeletReady',
        message: 'fake node for scheduler tests',
        lastHeartbeatTime: new Date(),
        lastTransitionTime: new Date(),
      },
    ],
  };
  await core.replaceNodeStatus({ name, body: node });
}

/** Polls `probe` every 100 ms until it returns a value other than undefined. */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const started = Date.now();
  let last: unknown;
  while (Date.now() - started < timeoutMs) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} not seen after ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
}
