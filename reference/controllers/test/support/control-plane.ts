// For the controllers' integration tests: the reference apiserver as its own process (no kubelet,
// no Docker), clients for the test, the controllers under test run in-process through the
// ControllerManager, bounded polls that say what they waited for, and pod statuses the test
// writes through the status subresource to stand in for a kubelet.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { createLogger, levelFromEnv } from '../../../../common/src/log.ts';
import { retryUntil } from '../../../../common/src/wait.ts';
import { startControlPlane, type ControlPlane } from '../../../cluster/src/control-plane.ts';
import { ControllerManager } from '../../src/controller-manager.ts';
import type { ControllerSettings } from '../../src/framework/controller.ts';

export interface TestCluster {
  dir: string;
  kubeconfig: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  discovery: k8s.DiscoveryV1Api;
  storage: k8s.StorageV1Api;
  coordination: k8s.CoordinationV1Api;
  manager: ControllerManager;
  stop(): Promise<void>;
}

/** `settings` may depend on the test's own folder (e.g. a volume root inside it). */
export async function startTestCluster(
  controllers: string[],
  settings: Partial<ControllerSettings> | ((dir: string) => Partial<ControllerSettings>),
): Promise<TestCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'kconform-controllers-'));
  let cp: ControlPlane | undefined;
  let manager: ControllerManager | undefined;
  try {
    cp = await startControlPlane({ stateDir: join(dir, 'cp') });
    const kubeconfig = new k8s.KubeConfig();
    kubeconfig.loadFromFile(cp.kubeconfigPath);
    // KCONFORM_LOG=debug shows the controllers' reasoning when a test fails.
    const log = createLogger({ level: levelFromEnv(process.env, 'silent') });
    manager = new ControllerManager({
      kubeconfig,
      log,
      controllers,
      settings: typeof settings === 'function' ? settings(dir) : settings,
    });
    await manager.start();
    const started = { cp, manager };
    return {
      dir,
      kubeconfig,
      core: kubeconfig.makeApiClient(k8s.CoreV1Api),
      discovery: kubeconfig.makeApiClient(k8s.DiscoveryV1Api),
      storage: kubeconfig.makeApiClient(k8s.StorageV1Api),
      coordination: kubeconfig.makeApiClient(k8s.CoordinationV1Api),
      manager,
      async stop() {
        try {
          await started.manager.stop();
        } finally {
          await started.cp.stop();
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    await manager?.stop().catch(() => undefined);
    await cp?.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/**
 * Registers mocha hooks: before, a test cluster running `controllers` (resync every 5 s) with
 * `namespaces` created; after, its removal (also when a test failed). The handle is filled in by
 * the before hook: read it inside tests only.
 */
export function useTestCluster(controllers: string[], namespaces: string[]): TestCluster {
  const handle = {} as TestCluster;
  let cluster: TestCluster | undefined;
  before(async function () {
    this.timeout(60_000);
    cluster = await startTestCluster(controllers, { resyncIntervalMs: 5_000 });
    Object.assign(handle, cluster);
    for (const name of namespaces) await cluster.core.createNamespace({ body: { metadata: { name } } });
  });
  after(async function () {
    this.timeout(30_000);
    await cluster?.stop();
  });
  return handle;
}

/** Polls `probe` every 100 ms until `done` holds; the timeout names what was awaited and the last value. */
export function eventually<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  return retryUntil(probe, {
    what,
    timeoutMs,
    intervalMs: 100,
    done,
    describe: (last, err) =>
      err ? String((err as Error).message ?? err) : (JSON.stringify(last)?.slice(0, 400) ?? 'nothing'),
  });
}

/** `eventually` for a probe that answers undefined until what it waits for is there. */
export function eventuallyDefined<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  return eventually(what, probe, (value) => value !== undefined, timeoutMs) as Promise<T>;
}

/** The reasons and messages of the events about one object. */
export async function eventsFor(core: k8s.CoreV1Api, namespace: string, name: string) {
  const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items.map((e) => ({
    reason: e.reason,
    message: e.message,
    type: e.type,
    source: e.source?.component,
  }));
}

export const notFound = (err: unknown): boolean => (err as { code?: number }).code === 404;

/** What `read` answers, or undefined when the object is gone (404). */
export async function unlessGone<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (notFound(err)) return undefined;
    throw err;
  }
}

/** Sets a pod's status as a kubelet would: Running with an IP, Ready or not. */
export async function setPodStatus(
  core: k8s.CoreV1Api,
  namespace: string,
  name: string,
  opts: { ip: string; ready: boolean; readySince?: Date; phase?: string },
): Promise<void> {
  const pod = await core.readNamespacedPod({ name, namespace });
  const since = opts.readySince ?? new Date();
  pod.status = {
    ...pod.status,
    phase: opts.phase ?? 'Running',
    podIP: opts.ip,
    podIPs: [{ ip: opts.ip }],
    conditions: [
      { type: 'Ready', status: opts.ready ? 'True' : 'False', lastTransitionTime: since },
      { type: 'PodScheduled', status: 'True', lastTransitionTime: since },
    ],
  };
  await core.replaceNamespacedPodStatus({ name, namespace, body: pod });
}
