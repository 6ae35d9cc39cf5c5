// `kconform up` and `kconform down`: a whole reference cluster on this host, in the background.
// up: certificates and a token, the store (embedded, or an etcd process), the apiserver, the
// scheduler, the controller-manager, the network guard (before any pod can start), then one kubelet
// per node; it returns when every node is Ready. down: stops the kubelets (each removes its
// containers, sandboxes and bridge), the controller-manager, the scheduler, the apiserver and etcd,
// removes the guard and the state, so the host is as it was.
import { tsxArgs } from '../../../common/src/tsx.ts';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import Docker from 'dockerode';
import { runCommand } from '../../../common/src/exec.ts';
import { KconformError } from '../../../common/src/errors.ts';
import type { Logger } from '../../../common/src/log.ts';
import { retryUntil } from '../../../common/src/wait.ts';
import { resolveImages } from '../../../fixtures/src/recipes.ts';
import { NetworkGuard } from '../../kubelet/src/network/guard.ts';
import { DEFAULT_POD_RANGE, DEFAULT_SERVICE_RANGE, NodeNetwork } from '../../kubelet/src/node-network.ts';
import { DockerRuntime } from '../../kubelet/src/runtime/docker-runtime.ts';
import { apiserverArgs, apiserverCredentials } from './apiserver-launch.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { openPki } from './pki.ts';
import { freePort, isRunning, startDetached, stopProcess } from './processes.ts';

const KUBELET_MAIN = fileURLToPath(new URL('../../kubelet/src/main.ts', import.meta.url));
const SCHEDULER_MAIN = fileURLToPath(new URL('../../scheduler/src/main.ts', import.meta.url));
const CONTROLLER_MANAGER_MAIN = fileURLToPath(new URL('../../controllers/src/main.ts', import.meta.url));

export interface ClusterOptions {
  stateDir: string;
  nodes: number;
  store: 'embedded' | 'etcd';
  log: Logger;
  /** Reports progress lines for a person ("apiserver serving at …"). */
  progress?: (line: string) => void;
  readyTimeoutMs?: number;
  /** Extra controller-manager flags, e.g. `['--node-monitor-grace-period', '10s']` for tests. */
  controllerManagerArgs?: string[];
}

interface ClusterState {
  version: 1;
  guardName: string;
  apiserver: { pid: number; url: string };
  etcd?: { pid: number; endpoint: string };
  scheduler?: { pid: number };
  controllerManager?: { pid: number };
  kubelets: Array<{ name: string; index: number; pid: number }>;
  kubeconfig: string;
}

const STATE_FILE = 'cluster.json';
export const nodeName = (i: number): string => `kconform-node-${i}`;

function guardNameFor(stateDir: string): string {
  return 'C' + createHash('sha256').update(stateDir).digest('hex').slice(0, 7).toUpperCase();
}

function guardFor(name: string, log: Logger): NetworkGuard {
  return new NetworkGuard({
    config: {
      podRange: DEFAULT_POD_RANGE,
      serviceRange: DEFAULT_SERVICE_RANGE,
      bridgePattern: 'kcf-+',
      name,
    },
    runCommand,
    logger: log,
  });
}

export async function clusterUp(options: ClusterOptions): Promise<string> {
  const stateDir = resolve(options.stateDir);
  const say = options.progress ?? (() => {});
  if (existsSync(join(stateDir, STATE_FILE))) {
    throw new KconformError(
      'USAGE',
      { detail: `up: a cluster is already running from ${stateDir}` },
      { hint: `kconform down --state-dir ${options.stateDir}` },
    );
  }
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const images = resolveImages();
  const pause = images.find((i) => i.recipe.name === 'pause')!.tag;
  const state: ClusterState = {
    version: 1,
    guardName: guardNameFor(stateDir),
    apiserver: { pid: 0, url: '' },
    kubelets: [],
    kubeconfig: join(stateDir, 'kubeconfig'),
  };
  const save = (): void => writeFileSync(join(stateDir, STATE_FILE), JSON.stringify(state, null, 2) + '\n');
  save();
  try {
    const pki = await openPki(join(stateDir, 'pki'));
    const credentials = await apiserverCredentials(stateDir, pki);
    // What the apiserver presents to the kubelets' API (logs, exec).
    const kubeletTokenFile = join(stateDir, 'kubelet-api-token');
    writeFileSync(kubeletTokenFile, randomBytes(24).toString('hex') + '\n', { mode: 0o600 });

    const storeArgs: string[] = [];
    if (options.store === 'etcd') {
      const [client, peer] = [await freePort(), await freePort()];
      const endpoint = `http://127.0.0.1:${client}`;
      const pid = startDetached(
        'etcd',
        [
          '--name=kconform',
          `--data-dir=${join(stateDir, 'etcd')}`,
          `--listen-client-urls=${endpoint}`,
          `--advertise-client-urls=${endpoint}`,
          `--listen-peer-urls=http://127.0.0.1:${peer}`,
          `--initial-advertise-peer-urls=http://127.0.0.1:${peer}`,
          `--initial-cluster=kconform=http://127.0.0.1:${peer}`,
          '--experimental-watch-progress-notify-interval=5s',
          '--log-level=warn',
        ],
        join(stateDir, 'etcd.log'),
      );
      state.etcd = { pid, endpoint };
      save();
      storeArgs.push('--store', 'etcd', '--etcd-servers', endpoint);
      say(`etcd started (pid ${pid}) at ${endpoint}`);
    }

    const port = await freePort();
    const url = `https://127.0.0.1:${port}`;
    state.apiserver = {
      url,
      pid: startDetached(
        process.execPath,
        [
          ...apiserverArgs({
            stateDir,
            credentials,
            port,
            storeArgs,
            kubelet: { caFile: pki.ca.cert, tokenFile: kubeletTokenFile },
          }),
        ],
        join(stateDir, 'apiserver.log'),
      ),
    };
    save();
    writeKubeconfig(state.kubeconfig, { server: url, caPem: pki.caPem(), token: credentials.token });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(state.kubeconfig);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const timeoutMs = options.readyTimeoutMs ?? 120_000;
    // -1: the apiserver process died, no point waiting out the timeout.
    const served = await retryUntil(
      async () => (isRunning(state.apiserver.pid) ? (await core.listNamespace()).items.length : -1),
      {
        what: `apiserver at ${url} serving`,
        timeoutMs,
        intervalMs: 250,
        done: (n) => n !== 0,
        describe: (_last, err) =>
          `${(err as Error | undefined)?.message ?? 'no answer'}; see ${join(stateDir, 'apiserver.log')}`,
      },
    );
    if (served < 0) {
      throw new KconformError('COMMAND_FAILED', {
        command: 'kconform apiserver',
        code: 'exited',
        output: `see ${join(stateDir, 'apiserver.log')}`,
      });
    }
    say(`apiserver serving at ${url} (pid ${state.apiserver.pid})`);
    state.scheduler = {
      pid: startDetached(
        process.execPath,
        [...tsxArgs(SCHEDULER_MAIN), '--kubeconfig', state.kubeconfig],
        join(stateDir, 'scheduler.log'),
      ),
    };
    save();
    say(`scheduler started (pid ${state.scheduler.pid})`);
    state.controllerManager = {
      pid: startDetached(
        process.execPath,
        [
          ...tsxArgs(CONTROLLER_MANAGER_MAIN),
          '--kubeconfig',
          state.kubeconfig,
          // Dynamically provisioned volumes live with the cluster's state and go with it on down.
          '--volume-root',
          join(stateDir, 'volumes'),
          ...(options.controllerManagerArgs ?? []),
        ],
        join(stateDir, 'controller-manager.log'),
      ),
    };
    save();
    say(`controller-manager started (pid ${state.controllerManager.pid})`);

    await guardFor(state.guardName, options.log).install();
    say(`network guard installed (chains KCONFORM-${state.guardName}-*)`);

    for (let i = 1; i <= options.nodes; i++) {
      const name = nodeName(i);
      const kubeletServing = await pki.serving(`kubelet-${name}`, ['127.0.0.1'], [name, 'localhost']);
      const pid = startDetached(
        process.execPath,
        [
          ...tsxArgs(KUBELET_MAIN),
          '--kubeconfig',
          state.kubeconfig,
          '--node-name',
          name,
          '--node-index',
          String(i),
          '--root-dir',
          join(stateDir, 'nodes', name),
          '--pod-infra-container-image',
          pause,
          '--tls-cert-file',
          kubeletServing.cert,
          '--tls-private-key-file',
          kubeletServing.key,
          '--authentication-token-file',
          kubeletTokenFile,
          '--cleanup-on-exit',
        ],
        join(stateDir, `kubelet-${name}.log`),
      );
      state.kubelets.push({ name, index: i, pid });
      save();
    }
    await retryUntil(async () => (await core.listNode()).items, {
      what: `${options.nodes} node(s) Ready`,
      timeoutMs,
      intervalMs: 250,
      done: (nodes) =>
        nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
          .length >= options.nodes,
      describe: (nodes) =>
        `ready: ${(nodes ?? []).map((n) => n.metadata?.name).join(', ') || 'none'}; see ${stateDir}/kubelet-*.log`,
    });
    say(`${options.nodes} node(s) Ready`);
    return state.kubeconfig;
  } catch (err) {
    options.log.error('kconform up failed; tearing down what started', { err });
    await clusterDown({ stateDir: options.stateDir, log: options.log, keepState: true }).catch(
      () => undefined,
    );
    throw err;
  }
}

export interface DownOptions {
  stateDir: string;
  log: Logger;
  progress?: (line: string) => void;
  /** Keep the state folder (logs) after stopping: used when `up` failed, for the post-mortem. */
  keepState?: boolean;
}

/** Stops the cluster in `stateDir` and removes what it put on the host. Idempotent. */
export async function clusterDown(options: DownOptions): Promise<boolean> {
  const stateDir = resolve(options.stateDir);
  const say = options.progress ?? (() => {});
  const file = join(stateDir, STATE_FILE);
  if (!existsSync(file)) return false;
  const state = JSON.parse(readFileSync(file, 'utf8')) as ClusterState;
  // Kubelets first: each removes its pods' containers, sandboxes and its bridge on SIGTERM.
  await Promise.all(state.kubelets.map((k) => stopProcess(k.pid)));
  // Whatever a kubelet that died could not remove: its containers and bridge, by label and name.
  const docker = new Docker();
  for (const k of state.kubelets) {
    const runtime = new DockerRuntime({ docker, logger: options.log, nodeName: k.name });
    for (const c of await runtime.list().catch(() => [])) await runtime.remove(c.id).catch(() => undefined);
    const network = new NodeNetwork({
      nodeName: k.name,
      nodeIndex: k.index,
      stateDir: join(stateDir, 'nodes', k.name),
      runCommand,
      logger: options.log,
    });
    await network
      .tearDown()
      .catch((err: unknown) => options.log.warn('bridge removal failed', { node: k.name, err }));
  }
  say(`${state.kubelets.length} kubelet(s) stopped`);
  if (state.controllerManager) await stopProcess(state.controllerManager.pid);
  if (state.scheduler) await stopProcess(state.scheduler.pid);
  if (state.apiserver.pid) await stopProcess(state.apiserver.pid);
  if (state.etcd) await stopProcess(state.etcd.pid);
  say('control plane stopped');
  await guardFor(state.guardName, options.log).remove();
  say('network guard removed');
  const survivors = [
    state.apiserver.pid,
    state.etcd?.pid ?? 0,
    state.scheduler?.pid ?? 0,
    state.controllerManager?.pid ?? 0,
    ...state.kubelets.map((k) => k.pid),
  ].filter((pid) => pid && isRunning(pid));
  if (survivors.length) options.log.warn('processes still running after down', { pids: survivors });
  if (options.keepState) rmSync(file, { force: true });
  else rmSync(stateDir, { recursive: true, force: true });
  return true;
}
