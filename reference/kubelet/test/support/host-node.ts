// Test support for @host tests: a node's runtime pieces wired to the real Docker engine, CNI
// plugins and iptables, names unique to this run (so tests sharing the engine never meet), and
// a leftover check that looks only at what this run made.
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import * as k8s from '@kubernetes/client-node';
import { runCommand } from '../../../../common/src/exec.ts';
import { silentLogger, type Logger } from '../../../../common/src/log.ts';
import { retryUntil } from '../../../../common/src/wait.ts';
import { startControlPlane } from '../../../cluster/src/control-plane.ts';
import { resolveImages } from '../../../../fixtures/src/recipes.ts';
import { Kubelet, type KubeletConfig } from '../../src/kubelet.ts';
import { NetworkGuard } from '../../src/network/guard.ts';
import { PodSandboxManager } from '../../src/network/pod-sandbox.ts';
import { cleanUpNode } from '../../src/node-cleanup.ts';
import { DEFAULT_POD_RANGE, DEFAULT_SERVICE_RANGE, NodeNetwork } from '../../src/node-network.ts';
import { LABEL_MANAGED, LABEL_NODE } from '../../src/runtime/container-runtime.ts';
import { DockerRuntime } from '../../src/runtime/docker-runtime.ts';

/** Unique to this test process: in node names, guard chain names and the state folder. */
export const RUN_ID = `${process.pid.toString(36)}${Date.now().toString(36).slice(-4)}`;

export function fixtureImages(): { busybox: string; pause: string } {
  const images = resolveImages();
  const tag = (name: string): string => {
    const found = images.find((i) => i.recipe.name === name);
    if (!found) throw new Error(`no fixture image recipe named ${name}`);
    return found.tag;
  };
  return { busybox: tag('busybox'), pause: tag('pause') };
}

/**
 * The forward/output guard a @host test installs before its pods start, for the default pod and
 * service ranges; its chains are named after `tag` (one letter per test file) and this run.
 */
export function testGuard(tag: string, logger: Logger = silentLogger): NetworkGuard {
  return new NetworkGuard({
    config: {
      podRange: DEFAULT_POD_RANGE,
      serviceRange: DEFAULT_SERVICE_RANGE,
      bridgePattern: 'kcf-+',
      name: `${tag}${RUN_ID}`.toUpperCase(),
    },
    runCommand,
    logger,
  });
}

export interface TestNode {
  name: string;
  runtime: DockerRuntime;
  network: NodeNetwork;
  sandboxes: PodSandboxManager;
}

export class HostTestBed {
  readonly docker = new Docker();
  readonly logger: Logger = silentLogger;
  readonly images = fixtureImages();
  readonly nodes: TestNode[] = [];
  readonly guard = testGuard('T', this.logger);
  stateDir = '';

  async setUp(): Promise<void> {
    this.stateDir = await mkdtemp(join(tmpdir(), 'kcf-kubelet-test-'));
  }

  /**
   * A node with its own bridge and /24. Indices 150..249 keep clear of the low slices a cluster
   * started by another test on this machine would use.
   */
  async addNode(offset: number): Promise<TestNode> {
    const name = `t${RUN_ID}-n${offset}`;
    const nodeIndex = 150 + ((process.pid + offset) % 100);
    const runtime = new DockerRuntime({ docker: this.docker, logger: this.logger, nodeName: name });
    const network = new NodeNetwork({
      nodeName: name,
      nodeIndex,
      stateDir: this.stateDir,
      runCommand,
      logger: this.logger,
    });
    await network.setUp();
    const sandboxes = new PodSandboxManager({
      runtime,
      network: network.cni,
      pauseImage: this.images.pause,
      logger: this.logger,
    });
    const node = { name, runtime, network, sandboxes };
    this.nodes.push(node);
    return node;
  }

  /** Removes everything this run made; safe to call twice and after a failed test. */
  async tearDown(): Promise<void> {
    const failures: unknown[] = [];
    for (const node of this.nodes) {
      await cleanUpNode({ ...node, logger: this.logger }).catch((err: unknown) => failures.push(err));
    }
    await this.guard.remove().catch((err: unknown) => failures.push(err));
    if (this.stateDir) await rm(this.stateDir, { recursive: true, force: true });
    if (failures.length > 0) throw failures[0];
  }

  /** What of this run is still on the host; every list empty means a clean host. */
  async leftovers(): Promise<Record<string, string[]>> {
    const nodeNames = this.nodes.map((n) => n.name);
    const containers = await this.docker.listContainers({
      all: true,
      filters: { label: [`${LABEL_MANAGED}=true`] },
    });
    const ours = containers.filter((c) => nodeNames.includes(c.Labels[LABEL_NODE] ?? ''));
    const links = (await runCommand('ip', ['-o', 'link', 'show'])).stdout;
    const bridges = this.nodes.map((n) => n.network.bridge).filter((b) => links.includes(` ${b}:`));
    const enslaved = links
      .split('\n')
      .filter((line) => this.nodes.some((n) => line.includes(`master ${n.network.bridge} `)));
    const rules = (await runCommand('iptables-save', [])).stdout
      .split('\n')
      .filter((line) => line.includes(this.guard.chains.output) || line.includes(this.guard.chains.forward));
    const netns = (await runCommand('ip', ['netns', 'list'])).stdout
      .split('\n')
      .filter((line) => line.includes('kcf') || line.includes(RUN_ID));
    const state = this.stateDir ? await readdir(this.stateDir).catch(() => []) : [];
    return {
      containers: ours.map((c) => c.Names[0] ?? c.Id),
      bridges,
      vethsOnOurBridges: enslaved,
      rules,
      netns,
      stateDir: state.map(String),
    };
  }

  /** Waits (bounded) until the container's logs contain `text`; returns the logs. */
  async logsContaining(node: TestNode, id: string, text: string, timeoutMs = 10_000): Promise<string> {
    return retryUntil(() => node.runtime.logs(id), {
      what: `logs of ${id.slice(0, 12)} containing "${text}"`,
      timeoutMs,
      intervalMs: 100,
      done: (logs) => logs.includes(text),
      describe: (logs) => `logs so far: ${JSON.stringify(logs)}`,
    });
  }
}

/**
 * Polls the pod (bounded) until `done` holds; the error names what was awaited and shows the last
 * status seen. A pod not created yet counts as not done.
 */
export function podUntil(
  core: k8s.CoreV1Api,
  namespace: string,
  name: string,
  what: string,
  done: (pod: k8s.V1Pod) => boolean,
  timeoutMs = 60_000,
): Promise<k8s.V1Pod> {
  return retryUntil(() => core.readNamespacedPod({ name, namespace }), {
    what: `pod ${namespace}/${name}: ${what}`,
    timeoutMs,
    intervalMs: 200,
    done,
    describe: (pod) => `last status ${JSON.stringify(pod?.status)}`,
  });
}

export interface KubeletTestNode {
  /** The test's temp folder: cp/ (the apiserver), node/ (the kubelet's root) and the test's own files. */
  dir: string;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  kubelet: Kubelet;
  /** Removes the node (containers, bridge), the guard, the apiserver and the folder; never throws. */
  stop(): Promise<void>;
}

export interface KubeletTestNodeOptions {
  /** Temp folder prefix, e.g. `kconform-probes-`. */
  prefix: string;
  /** The network guard's tag (one per test file). */
  guardTag: string;
  nodeName: string;
  nodeIndex: number;
  /** Namespace made once the kubelet runs. */
  namespace: string;
  /** More kubelet settings; may write files into the test's folder first. */
  kubelet?: (dir: string) => Partial<KubeletConfig>;
}

/**
 * A reference apiserver and one real kubelet on the Docker engine, with the network guard
 * installed before any pod starts: the bed of the kubelet's end-to-end tests.
 */
export async function startKubeletTestNode(o: KubeletTestNodeOptions): Promise<KubeletTestNode> {
  const dir = mkdtempSync(join(tmpdir(), o.prefix));
  const guard = testGuard(o.guardTag);
  let cp: Awaited<ReturnType<typeof startControlPlane>> | undefined;
  let kubelet: Kubelet | undefined;
  const stop = async (): Promise<void> => {
    await kubelet?.destroy().catch(() => undefined);
    await guard.remove().catch(() => undefined);
    await cp?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    cp = await startControlPlane({ stateDir: join(dir, 'cp') });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await guard.install();
    kubelet = new Kubelet({
      nodeName: o.nodeName,
      nodeIndex: o.nodeIndex,
      kubeconfig: kc,
      docker: new Docker(),
      stateDir: join(dir, 'node'),
      pauseImage: fixtureImages().pause,
      log: silentLogger,
      ...o.kubelet?.(dir),
    });
    await kubelet.start();
    await core.createNamespace({ body: { metadata: { name: o.namespace } } });
    return { dir, kc, core, kubelet, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
