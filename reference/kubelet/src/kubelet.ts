// The reference kubelet: registers its Node, renews its Lease, and runs the pods bound to it on
// the Docker engine. Like upstream's syncLoop it reacts to pod events from the apiserver, to
// container state changes found by relisting the runtime every second (upstream's PLEG), and
// re-syncs every pod on a timer; each pod is synced by one worker at a time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import type Docker from 'dockerode';
import type { Logger } from '../../../common/src/log.ts';
import { runCommand, type RunCommand } from '../../../common/src/exec.ts';
import { PodSandboxManager } from './network/pod-sandbox.ts';
import { NodeNetwork } from './node-network.ts';
import { cleanUpNode } from './node-cleanup.ts';
import { KubeletServer } from './api/kubelet-server.ts';
import { LeaseRenewer } from './node/lease.ts';
import { nodeObject, type NodeIdentity } from './node/node-object.ts';
import { NodeStatusReporter, readHostFacts } from './node/node-status.ts';
import { KubeletEvents } from './events.ts';
import { Backoff } from './pods/backoff.ts';
import { ProbeManager } from './probes/probe-manager.ts';
import { Prober } from './probes/prober.ts';
import { PodSyncer } from './pods/pod-syncer.ts';
import { ApiObjects } from './pods/api-objects.ts';
import { PodSetup } from './pods/pod-setup.ts';
import { VolumeManager } from './volumes/volume-manager.ts';
import { DockerRuntime } from './runtime/docker-runtime.ts';
import { LABEL_POD_UID } from './runtime/container-runtime.ts';
import { KubeletMetrics, type SyncOperation } from './metrics/kubelet-metrics.ts';

export interface KubeletConfig {
  nodeName: string;
  /** Which /24 of the pod range this node gets (node i → 10.244.i.0/24). */
  nodeIndex: number;
  kubeconfig: k8s.KubeConfig;
  docker: Docker;
  /** The node's own state (CNI results, IPAM, volumes). */
  stateDir: string;
  pauseImage: string;
  log: Logger;
  podRange?: string;
  /** The node's address as other nodes and the apiserver see it. */
  hostIp?: string;
  relistIntervalMs?: number;
  resyncIntervalMs?: number;
  leaseRenewIntervalMs?: number;
  runCommand?: RunCommand;
  /** The cluster DNS servers pods' resolv.conf names (`--cluster-dns`); default 10.96.0.10. */
  clusterDns?: string[];
  /** `--cluster-domain`; default cluster.local. */
  clusterDomain?: string;
  /** The resolv.conf pods with dnsPolicy Default get (`--resolv-conf`); "" for none. */
  resolvConf?: string;
  /** Serve the kubelet API (logs, exec) over HTTPS on hostIp; absent: not served. */
  api?: {
    tls: { certFile: string; keyFile: string };
    /** The bearer token the apiserver presents. */
    token: string;
    /** 0 or absent: a free port, reported in the Node's daemonEndpoints. */
    port?: number;
  };
}

export class Kubelet {
  readonly network: NodeNetwork;
  private readonly runtime: DockerRuntime;
  private readonly sandboxes: PodSandboxManager;
  private readonly syncer: PodSyncer;
  private readonly events: KubeletEvents;
  private readonly probes: ProbeManager;
  private readonly objects: ApiObjects;
  private readonly volumes: VolumeManager;
  private readonly core: k8s.CoreV1Api;
  private readonly log: Logger;
  private readonly reporter: NodeStatusReporter;
  private readonly lease: LeaseRenewer;
  private readonly identity: NodeIdentity;
  private readonly api: KubeletServer | undefined;
  /** What the kubelet API serves at /metrics and /metrics/probes. */
  readonly metrics: KubeletMetrics;
  /** Pods synced at least once (their next sync is not a "create"). */
  private readonly synced = new Set<string>();
  private informer: k8s.ListWatch<k8s.V1Pod> | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  /** One pending wake-up per pod that asked to be synced at a given time (its active deadline). */
  private readonly wakeUps = new Map<string, NodeJS.Timeout>();
  /** The tail of each pod's work queue: one sync per pod at a time. */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly dirty = new Set<string>();
  private lastRelist = new Map<string, string>();
  private stopped = false;

  constructor(private readonly config: KubeletConfig) {
    if (!config.nodeName) throw new Error('kubelet: nodeName must not be empty');
    if (!Number.isInteger(config.nodeIndex) || config.nodeIndex < 0 || config.nodeIndex > 255) {
      throw new Error(`kubelet: nodeIndex ${config.nodeIndex} must be a whole number from 0 to 255`);
    }
    if (!config.pauseImage) throw new Error('kubelet: pauseImage must not be empty');
    this.log = config.log.child({ component: 'kubelet', node: config.nodeName });
    const run = config.runCommand ?? runCommand;
    this.network = new NodeNetwork({
      nodeName: config.nodeName,
      nodeIndex: config.nodeIndex,
      ...(config.podRange ? { podRange: config.podRange } : {}),
      stateDir: config.stateDir,
      runCommand: run,
      logger: this.log,
    });
    this.runtime = new DockerRuntime({ docker: config.docker, logger: this.log, nodeName: config.nodeName });
    this.sandboxes = new PodSandboxManager({
      runtime: this.runtime,
      network: this.network.cni,
      pauseImage: config.pauseImage,
      hostIp: config.hostIp ?? '127.0.0.1',
      logger: this.log,
    });
    this.core = config.kubeconfig.makeApiClient(k8s.CoreV1Api);
    const hostIp = config.hostIp ?? '127.0.0.1';
    this.events = new KubeletEvents({ core: this.core, nodeName: config.nodeName, log: this.log });
    this.metrics = new KubeletMetrics(config.nodeName);
    this.probes = new ProbeManager({
      prober: new Prober({
        runtime: this.runtime,
        events: this.events,
        log: this.log,
        metrics: this.metrics,
      }),
      onChange: (uid) => this.enqueue(uid), // a changed probe result wants a sync (kill, ready)
      log: this.log,
    });
    this.objects = new ApiObjects(config.kubeconfig, this.core, this.log);
    this.volumes = new VolumeManager({
      podsDir: join(config.stateDir, 'pods'),
      objects: this.objects,
      runCommand: run,
      log: this.log,
    });
    const hostFacts = readHostFacts('docker://unknown');
    const allocatable = nodeObject(
      { name: config.nodeName, podCidr: this.network.podCidr, internalIp: hostIp },
      hostFacts,
      new Date(),
    ).status!.allocatable!;
    const resolvConf = config.resolvConf ?? '/etc/resolv.conf';
    const setup = new PodSetup({
      volumes: this.volumes,
      sources: this.objects,
      services: () => this.objects.listServices(),
      dns: {
        clusterDns: config.clusterDns ?? ['10.96.0.10'],
        clusterDomain: config.clusterDomain ?? 'cluster.local',
        hostResolvConf: resolvConf === '' ? undefined : readFileSync(resolvConf, 'utf8'),
      },
      hostIp,
      allocatable: { cpu: allocatable.cpu!, memory: allocatable.memory! },
      events: this.events,
    });
    this.syncer = new PodSyncer({
      runtime: this.runtime,
      sandboxes: this.sandboxes,
      core: this.core,
      backoff: new Backoff(),
      hostIp,
      setup,
      log: this.log,
      events: this.events,
      probes: this.probes,
      observer: this.metrics,
      syncAgainIn: (uid, ms) => this.syncAgainIn(uid, ms),
    });
    this.identity = { name: config.nodeName, podCidr: this.network.podCidr, internalIp: hostIp };
    this.api = config.api
      ? new KubeletServer({
          tls: config.api.tls,
          token: config.api.token,
          host: hostIp,
          ...(config.api.port !== undefined ? { port: config.api.port } : {}),
          pods: () => this.informer?.list() ?? [],
          metrics: this.metrics,
          runtime: this.runtime,
          log: this.log,
        })
      : undefined;
    this.reporter = new NodeStatusReporter({
      core: this.core,
      identity: this.identity,
      host: hostFacts,
      log: this.log,
    });
    this.lease = new LeaseRenewer({
      coordination: config.kubeconfig.makeApiClient(k8s.CoordinationV1Api),
      nodeName: config.nodeName,
      ...(config.leaseRenewIntervalMs ? { renewIntervalMs: config.leaseRenewIntervalMs } : {}),
      log: this.log,
    });
  }

  /** Registers the node and starts the loops; resolves once the pod informer has its first list. */
  async start(): Promise<void> {
    await this.network.setUp();
    // Before registering: the Node carries the API's port.
    if (this.api) this.identity.kubeletPort = await this.api.start();
    await this.reporter.register();
    this.reporter.start();
    await this.lease.start();
    // Services before pods: a container's service variables need them (upstream waits too).
    await this.objects.start();

    const fieldSelector = `spec.nodeName=${this.config.nodeName}`;
    this.informer = new k8s.ListWatch<k8s.V1Pod>(
      '/api/v1/pods',
      new k8s.Watch(this.config.kubeconfig),
      () => this.core.listPodForAllNamespaces({ fieldSelector }),
      false,
      undefined,
      fieldSelector,
    );
    const enqueue = (pod: k8s.V1Pod): void => this.enqueue(pod.metadata!.uid!);
    this.informer.on('add', (pod) => {
      this.metrics.podSeen(pod.metadata!.uid!);
      enqueue(pod);
    });
    this.informer.on('update', enqueue);
    this.informer.on('delete', enqueue);
    this.informer.on('error', (err: unknown) => {
      if (this.stopped) return; // stopping aborts the watch: not a failure
      this.log.warn('pod watch failed; restarting it', { err });
      setTimeout(() => void this.informer?.start(), 1000).unref();
    });
    await this.informer.start();

    this.timers.push(setInterval(() => void this.relist(), this.config.relistIntervalMs ?? 1000));
    this.timers.push(setInterval(() => this.resyncAll(), this.config.resyncIntervalMs ?? 10_000));
    for (const t of this.timers) t.unref();
    this.resyncAll();
    this.log.info('kubelet started', { podCIDR: this.network.podCidr });
  }

  /** Stops the loops; pods keep running (a restarted kubelet adopts them). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    for (const t of this.wakeUps.values()) clearTimeout(t);
    this.wakeUps.clear();
    this.probes.stop();
    this.reporter.stop();
    this.lease.stop();
    await this.informer?.stop();
    await this.objects.stop();
    await this.api?.stop();
    await Promise.allSettled([...this.queues.values()]);
    await this.events.flush();
  }

  /** Stops the loops and removes everything of this node from the host (`kconform down`). */
  async destroy(): Promise<void> {
    await this.stop();
    await cleanUpNode({
      runtime: this.runtime,
      sandboxes: this.sandboxes,
      network: this.network,
      logger: this.log,
    });
    // Volumes after the containers that used them: unmounts Memory emptyDirs, removes pod dirs.
    await this.volumes.tearDownOrphans(new Set());
  }

  private resyncAll(): void {
    for (const pod of this.informer?.list() ?? []) this.enqueue(pod.metadata!.uid!);
    // Containers of pods the apiserver no longer has (deleted while we were away).
    void this.runtime
      .list()
      .then((containers) => {
        const known = new Set((this.informer?.list() ?? []).map((p) => p.metadata!.uid!));
        const withContainers = new Set(containers.map((c) => c.labels[LABEL_POD_UID] ?? ''));
        for (const uid of withContainers) {
          if (uid && !known.has(uid)) this.enqueue(uid);
        }
        // Volume dirs of pods that are gone and have nothing left running (upstream's
        // cleanupOrphanedPodDirs); a pod still being torn down keeps its dir until then.
        return this.volumes.tearDownOrphans(new Set([...known, ...withContainers]));
      })
      .catch((err: unknown) => this.log.warn('orphan scan failed', { err }));
  }

  /** upstream's PLEG: relist the runtime and sync the pods whose containers changed state. */
  private async relist(): Promise<void> {
    try {
      const containers = await this.runtime.list();
      this.metrics.runtimeListed(containers);
      const now = new Map<string, string>();
      for (const c of containers) {
        const uid = c.labels[LABEL_POD_UID] ?? '';
        now.set(uid, (now.get(uid) ?? '') + `${c.id}:${c.state};`);
      }
      for (const [uid, states] of now) if (this.lastRelist.get(uid) !== states) this.enqueue(uid);
      this.lastRelist = now;
    } catch (err) {
      this.log.warn('runtime relist failed', { err });
    }
  }

  /** Syncs the pod again in `ms` (a later request replaces an earlier one). */
  private syncAgainIn(uid: string, ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.wakeUps.get(uid));
    const timer = setTimeout(
      () => {
        this.wakeUps.delete(uid);
        this.enqueue(uid);
      },
      Math.max(0, ms),
    );
    timer.unref();
    this.wakeUps.set(uid, timer);
  }

  private enqueue(uid: string): void {
    if (this.stopped) return;
    if (this.dirty.has(uid)) return; // a sync is already waiting and will see the newest state
    this.dirty.add(uid);
    const tail = this.queues.get(uid) ?? Promise.resolve();
    const next = tail.then(async () => {
      this.dirty.delete(uid);
      if (this.stopped) return;
      try {
        await this.syncPod(uid);
      } catch (err) {
        this.log.warn('pod sync failed; retried on the next pass', { uid, err });
      }
    });
    this.queues.set(uid, next);
    void next.then(() => {
      if (this.queues.get(uid) === next) this.queues.delete(uid);
    });
  }

  private async syncPod(uid: string): Promise<void> {
    const pod = (this.informer?.list() ?? []).find((p) => p.metadata?.uid === uid);
    const operation: SyncOperation =
      !pod || pod.metadata?.deletionTimestamp ? 'kill' : this.synced.has(uid) ? 'sync' : 'create';
    const began = performance.now();
    try {
      await this.syncPodNow(uid, pod);
    } finally {
      this.metrics.podSynced(operation, (performance.now() - began) / 1000);
    }
  }

  private async syncPodNow(uid: string, pod: k8s.V1Pod | undefined): Promise<void> {
    if (pod) this.synced.add(uid);
    if (!pod) {
      this.synced.delete(uid);
      this.metrics.podForgotten(uid);
      // Not ours (any more): whatever still runs for it goes, at once.
      await this.syncer.stopPodContainers(uid);
      return;
    }
    if (pod.metadata?.deletionTimestamp) {
      await this.syncer.terminate(pod);
      return;
    }
    await this.syncer.sync(pod);
  }
}
