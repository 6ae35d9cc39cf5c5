// Pod start-up latency on the two-node reference cluster, against the Docker floor. The bench
// starts the cluster itself (its own state dir, torn down at the end), then measures create →
// Running and create → Ready (as a watch sees them) for a burst of BURST pods created at once and
// for SINGLE pods one at a time; pods are bound with nodeName, alternating between the two nodes,
// so the scheduler is not part of the figure. The floor makes "the same pods" straight through the
// Docker API with no kubelet: a pause container with network none, CNI ADD (bridge + host-local,
// the kubelet's own plugin config, on a bench-only bridge) into its namespace, then the app
// container joined with container:<pause> (network and IPC), started; same concurrency.
// KCONFORM_BENCH_POD_STARTUP_BURST / _SINGLE override the counts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import Docker from 'dockerode';
import { runCommand } from '../common/src/exec.ts';
import { silentLogger } from '../common/src/log.ts';
import { resolveImages } from '../fixtures/src/recipes.ts';
import { clusterDown, clusterUp, nodeName } from '../reference/cluster/src/cluster.ts';
import { CniNetwork, renderBridgeConfig } from '../reference/kubelet/src/network/cni.ts';
import { countFromEnv, percentile, round, type Benchmark } from './benchmark.ts';

const NAMESPACE = 'bench-startup';
const WAIT_MS = 180_000;
/** The floor's own bridge and /24, clear of the nodes' slices (node i has 10.244.i.0/24). */
const FLOOR_BRIDGE = 'kcf-benchfloor';
const FLOOR_SUBNET = '10.244.250.0/24';
const FLOOR_GATEWAY = '10.244.250.1';
const APP_COMMAND = ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'];

interface Timing {
  runningMs: number;
  readyMs: number;
}

function figures(kubelet: Timing[], floor: number[]): Record<string, number> {
  const running = kubelet.map((t) => t.runningMs);
  const ready = kubelet.map((t) => t.readyMs);
  return {
    pods: kubelet.length,
    runningP50Ms: round(percentile(running, 50)),
    runningP99Ms: round(percentile(running, 99)),
    p50Ms: round(percentile(ready, 50)),
    p99Ms: round(percentile(ready, 99)),
    floorP50Ms: round(percentile(floor, 50)),
    floorP99Ms: round(percentile(floor, 99)),
  };
}

/** Watches the namespace's pods and resolves, per pod name, when it is first Running / Ready. */
class StartupWatch {
  private readonly seen = new Map<string, { running?: number; ready?: number }>();
  private readonly waiters = new Map<string, () => void>();
  private abort: AbortController | undefined;

  constructor(private readonly kc: k8s.KubeConfig) {}

  async start(): Promise<void> {
    this.abort = await new k8s.Watch(this.kc).watch(
      `/api/v1/namespaces/${NAMESPACE}/pods`,
      {},
      (_type: string, pod: k8s.V1Pod) => {
        const now = performance.now();
        const name = pod.metadata!.name!;
        const entry = this.seen.get(name) ?? {};
        if (entry.running === undefined && pod.status?.phase === 'Running') entry.running = now;
        const ready = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
        if (entry.ready === undefined && ready) entry.ready = now;
        this.seen.set(name, entry);
        if (entry.ready !== undefined && entry.running !== undefined) this.waiters.get(name)?.();
      },
      () => {},
    );
  }

  /** Resolves with the times (performance.now()) the pod was first seen Running and Ready. */
  until(name: string): Promise<{ running: number; ready: number }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`pod ${name} not Running and Ready after ${WAIT_MS} ms`)),
        WAIT_MS,
      );
      const check = (): void => {
        const entry = this.seen.get(name);
        if (entry?.running !== undefined && entry.ready !== undefined) {
          clearTimeout(timer);
          this.waiters.delete(name);
          resolve({ running: entry.running, ready: entry.ready });
        }
      };
      this.waiters.set(name, check);
      check();
    });
  }

  stop(): void {
    this.abort?.abort();
  }
}

async function kubeletPods(
  core: k8s.CoreV1Api,
  watch: StartupWatch,
  busybox: string,
  prefix: string,
  count: number,
  concurrent: boolean,
): Promise<Timing[]> {
  const one = async (i: number): Promise<Timing> => {
    const name = `${prefix}-${i}`;
    const created = performance.now();
    const done = watch.until(name);
    await core.createNamespacedPod({
      namespace: NAMESPACE,
      body: {
        metadata: { name },
        spec: {
          nodeName: nodeName(1 + (i % 2)),
          terminationGracePeriodSeconds: 1,
          automountServiceAccountToken: false,
          containers: [{ name: 'app', image: busybox, command: APP_COMMAND }],
        },
      },
    });
    const { running, ready } = await done;
    return { runningMs: running - created, readyMs: ready - created };
  };
  if (concurrent) return Promise.all(Array.from({ length: count }, (_, i) => one(i)));
  const timings: Timing[] = [];
  for (let i = 0; i < count; i++) timings.push(await one(i));
  return timings;
}

async function deleteAll(core: k8s.CoreV1Api): Promise<void> {
  await core.deleteCollectionNamespacedPod({ namespace: NAMESPACE, gracePeriodSeconds: 0 });
  const deadline = Date.now() + WAIT_MS;
  while ((await core.listNamespacedPod({ namespace: NAMESPACE })).items.length > 0) {
    if (Date.now() > deadline) throw new Error(`pods of ${NAMESPACE} not gone after ${WAIT_MS} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** The Docker floor: the same pod made by hand, timed from the first call to the app started. */
class DockerFloor {
  private readonly cni: CniNetwork;
  private readonly made: Array<{ pause: string; app: string }> = [];

  constructor(
    private readonly docker: Docker,
    private readonly images: { busybox: string; pause: string },
    stateDir: string,
  ) {
    this.cni = new CniNetwork({
      config: renderBridgeConfig({
        name: FLOOR_BRIDGE,
        bridge: FLOOR_BRIDGE,
        subnet: FLOOR_SUBNET,
        gateway: FLOOR_GATEWAY,
        ipamDataDir: join(stateDir, 'ipam'),
      }),
      binDir: '/usr/lib/cni',
      cacheDir: join(stateDir, 'results'),
      runCommand,
      logger: silentLogger,
    });
  }

  private async pod(name: string): Promise<number> {
    const started = performance.now();
    const labels = { 'io.kconform.bench': 'pod-startup' };
    const pause = await this.docker.createContainer({
      name: `${name}-pause`,
      Image: this.images.pause,
      Labels: labels,
      Hostname: name,
      HostConfig: { NetworkMode: 'none', IpcMode: 'shareable' },
    });
    await pause.start();
    const pid = (await pause.inspect()).State.Pid;
    await this.cni.add({ containerId: pause.id, netns: `/proc/${pid}/ns/net`, ifName: 'eth0' });
    const app = await this.docker.createContainer({
      name: `${name}-app`,
      Image: this.images.busybox,
      Cmd: APP_COMMAND,
      Labels: labels,
      HostConfig: { NetworkMode: `container:${pause.id}`, IpcMode: `container:${pause.id}` },
    });
    await app.start();
    this.made.push({ pause: pause.id, app: app.id });
    return performance.now() - started;
  }

  async run(prefix: string, count: number, concurrent: boolean): Promise<number[]> {
    if (concurrent) return Promise.all(Array.from({ length: count }, (_, i) => this.pod(`${prefix}-${i}`)));
    const timings: number[] = [];
    for (let i = 0; i < count; i++) timings.push(await this.pod(`${prefix}-${i}`));
    return timings;
  }

  /** CNI DEL and removal of everything the floor made, then its bridge. */
  async cleanUp(): Promise<void> {
    for (const { pause, app } of this.made.splice(0)) {
      await this.docker
        .getContainer(app)
        .remove({ force: true })
        .catch(() => undefined);
      const pid = await this.docker
        .getContainer(pause)
        .inspect()
        .then((i) => i.State.Pid)
        .catch(() => 0);
      await this.cni
        .del({ containerId: pause, netns: pid > 0 ? `/proc/${pid}/ns/net` : '', ifName: 'eth0' })
        .catch(() => undefined);
      await this.docker
        .getContainer(pause)
        .remove({ force: true })
        .catch(() => undefined);
    }
    await runCommand('ip', ['link', 'del', 'dev', FLOOR_BRIDGE], { allowFailure: true });
  }
}

export const podStartupBench: Benchmark = {
  name: 'pod-startup',
  description:
    'Two-node reference: create → Running / Ready latency for a burst of pods and for pods one at a time, against the same pods made straight through the Docker API (the floor)',
  async run({ log }) {
    const burst = countFromEnv('KCONFORM_BENCH_POD_STARTUP_BURST', 30);
    const single = countFromEnv('KCONFORM_BENCH_POD_STARTUP_SINGLE', 10);
    const images = resolveImages();
    const tag = (name: string): string => images.find((i) => i.recipe.name === name)!.tag;
    const fixture = { busybox: tag('busybox'), pause: tag('pause') };
    const dir = mkdtempSync(join(tmpdir(), 'kconform-bench-startup-'));
    const stateDir = join(dir, 'cluster');
    const docker = new Docker();
    const floor = new DockerFloor(docker, fixture, join(dir, 'floor'));
    let watch: StartupWatch | undefined;
    try {
      const kubeconfig = await clusterUp({ stateDir, nodes: 2, store: 'embedded', log });
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(kubeconfig);
      const core = kc.makeApiClient(k8s.CoreV1Api);
      await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
      watch = new StartupWatch(kc);
      await watch.start();

      // Warm-up on both sides (first use of the image layers, the bridges, the plugin binaries).
      await kubeletPods(core, watch, fixture.busybox, 'warm', 2, true);
      await deleteAll(core);
      await floor.run('kcf-bench-warm', 2, true);
      await floor.cleanUp();

      const burstKubelet = await kubeletPods(core, watch, fixture.busybox, 'burst', burst, true);
      await deleteAll(core);
      const burstFloor = await floor.run('kcf-bench-burst', burst, true);
      await floor.cleanUp();

      const singleKubelet = await kubeletPods(core, watch, fixture.busybox, 'single', single, false);
      await deleteAll(core);
      const singleFloor = await floor.run('kcf-bench-single', single, false);
      await floor.cleanUp();

      return {
        placement: 'nodeName, alternating kconform-node-1 / kconform-node-2',
        burst: figures(burstKubelet, burstFloor),
        single: figures(singleKubelet, singleFloor),
      };
    } finally {
      watch?.stop();
      await floor.cleanUp().catch((err: unknown) => log.warn('floor cleanup failed', { err }));
      await clusterDown({ stateDir, log }).catch((err: unknown) => log.warn('cluster down failed', { err }));
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
