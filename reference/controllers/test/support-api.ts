// Integration-test support for the controllers: a real reference apiserver process (no kubelet,
// no scheduler), the controllers under test run in-process through ControllerManager, and pods
// whose status the test sets through the status subresource to stand in for a kubelet.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { createLogger, silentLogger } from '../../../common/src/log.ts';
import { startControlPlane, type ControlPlane } from '../../cluster/src/control-plane.ts';
import { ControllerManager } from '../src/controller-manager.ts';

export interface ApiHarness {
  core: k8s.CoreV1Api;
  discovery: k8s.DiscoveryV1Api;
  kubeconfig: k8s.KubeConfig;
  manager: ControllerManager;
}

/**
 * Registers before/after hooks that start an apiserver and the named controllers, and stop and
 * remove both afterwards (also when a test failed). Read the handle inside tests only.
 */
export function useControllers(controllers: string[], namespaces: string[]): ApiHarness {
  let dir: string | undefined;
  let cp: ControlPlane | undefined;
  const handle = {} as ApiHarness;
  before(async function () {
    this.timeout(60_000);
    dir = mkdtempSync(join(tmpdir(), 'kconform-controllers-'));
    cp = await startControlPlane({ stateDir: join(dir, 'cp') });
    handle.kubeconfig = new k8s.KubeConfig();
    handle.kubeconfig.loadFromFile(cp.kubeconfigPath);
    handle.core = handle.kubeconfig.makeApiClient(k8s.CoreV1Api);
    handle.discovery = handle.kubeconfig.makeApiClient(k8s.DiscoveryV1Api);
    for (const name of namespaces) await handle.core.createNamespace({ body: { metadata: { name } } });
    handle.manager = new ControllerManager({
      kubeconfig: handle.kubeconfig,
      log: process.env.KCONFORM_TEST_LOG ? createLogger({ level: 'debug' }) : silentLogger,
      controllers,
      settings: { resyncIntervalMs: 5_000 },
    });
    await handle.manager.start();
  });
  after(async function () {
    this.timeout(30_000);
    await handle.manager?.stop();
    await cp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return handle;
}

/** Polls `probe` every 50 ms until it returns a value other than undefined. */
export async function eventually<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const detail = lastError ? ` (last error: ${String(lastError)})` : '';
  throw new Error(`${what} not seen after ${timeoutMs} ms${detail}`);
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
