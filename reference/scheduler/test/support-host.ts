// Helpers for the scheduler's integration tests: a reference apiserver with the scheduler in this
// process, Nodes with no kubelet behind them (made Ready through the status subresource), and
// bounded polls for what a test waits on.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { silentLogger } from '../../../common/src/log.ts';
import { startControlPlane } from '../../cluster/src/control-plane.ts';
import { Scheduler } from '../src/scheduler.ts';

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

export interface SchedulerCluster {
  core: k8s.CoreV1Api;
  /** Starts the scheduler (after the test made its nodes, so the first pods see them all). */
  startScheduler(): Promise<void>;
  /** Stops the scheduler and the apiserver and removes the state folder; safe to call twice. */
  stop(): Promise<void>;
}

/** A reference apiserver in a new temp folder named after `prefix`, with `namespaces` made. */
export async function startSchedulerCluster(
  prefix: string,
  namespaces: k8s.V1Namespace[],
): Promise<SchedulerCluster> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const cp = await startControlPlane({ stateDir: join(dir, 'cp') }).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cp.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let scheduler: Scheduler | undefined;
  const cluster: SchedulerCluster = {
    core,
    startScheduler: async () => {
      scheduler = new Scheduler({ kubeconfig: kc, log: silentLogger });
      await scheduler.start();
    },
    stop: async () => {
      await scheduler?.stop();
      await cp.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const body of namespaces) await core.createNamespace({ body });
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return cluster;
}

/** The node the pod is bound to, once it is. */
export const boundNode = (core: k8s.CoreV1Api, namespace: string, name: string, timeoutMs = 30_000) =>
  waitFor(`pod ${namespace}/${name} bound`, timeoutMs, async () => {
    const p = await core.readNamespacedPod({ name, namespace });
    return p.spec?.nodeName || undefined;
  });

/** The pod's PodScheduled=False condition, once it has one and is still unbound. */
export const unschedulableCondition = (core: k8s.CoreV1Api, namespace: string, name: string) =>
  waitFor(`PodScheduled=False on ${namespace}/${name}`, 30_000, async () => {
    const p = await core.readNamespacedPod({ name, namespace });
    const c = p.status?.conditions?.find((x) => x.type === 'PodScheduled');
    return c?.status === 'False' && !p.spec?.nodeName ? c : undefined;
  });

/** The pod's FailedScheduling event, once there is one. */
export const failedSchedulingEvent = (core: k8s.CoreV1Api, namespace: string, name: string) =>
  waitFor(`FailedScheduling event for ${namespace}/${name}`, 30_000, async () => {
    const events = await core.listNamespacedEvent({ namespace });
    return events.items.find((e) => e.involvedObject?.name === name && e.reason === 'FailedScheduling');
  });
