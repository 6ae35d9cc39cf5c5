// Pod sandboxes the way the kubelet made them on Docker (dockershim): a pause container started
// with network mode `none` and a shareable IPC namespace, then CNI ADD into its network namespace;
// app containers join both with `container:<pause id>`. A host-network pod's pause container
// shares the node's network and UTS namespaces (`host`) and gets no CNI: its IP is the node's. Both directions are idempotent and keyed
// by the pod uid, and everything is found again from container labels, so a restarted kubelet
// re-adopts the sandboxes that still run.
import type { Logger } from '../../../../common/src/log.ts';
import {
  LABEL_CONTAINER_NAME,
  LABEL_POD_NAME,
  LABEL_POD_NAMESPACE,
  LABEL_POD_UID,
  POD_INFRA_CONTAINER_NAME,
  podContainerLabels,
  type ContainerRuntime,
  type PodRef,
} from '../runtime/container-runtime.ts';
import type { CniNetwork, CniRuntimeArgs } from './cni.ts';

export interface PodSandbox {
  pod: PodRef;
  pauseId: string;
  /** The pod IP (for a host-network pod, the node's IP). */
  ip: string;
  gateway: string | undefined;
  /** In the node's network namespace (spec.hostNetwork). */
  hostNetwork?: boolean;
}

/** Marks a pause container in the node's network namespace (no CNI network to find or release). */
export const LABEL_HOST_NETWORK = 'io.kconform.host-network';

export interface PodSandboxManagerOptions {
  runtime: ContainerRuntime;
  network: CniNetwork;
  /** The pause image's tag (fixtures: `kconform/pause:<hash>`). */
  pauseImage: string;
  logger: Logger;
  /** Seconds a pause container gets to stop before it is killed. */
  stopTimeoutSeconds?: number;
  /** The node's IP, which host-network pods report as theirs; default 127.0.0.1. */
  hostIp?: string;
}

export class PodSandboxManager {
  private readonly runtime: ContainerRuntime;
  private readonly network: CniNetwork;
  private readonly pauseImage: string;
  private readonly logger: Logger;
  private readonly stopTimeoutSeconds: number;
  private readonly hostIp: string;
  /** One operation per pod at a time: the tail of each pod's queue. */
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(options: PodSandboxManagerOptions) {
    if (!options.pauseImage) throw new Error('PodSandboxManager: pauseImage must not be empty');
    this.runtime = options.runtime;
    this.network = options.network;
    this.pauseImage = options.pauseImage;
    this.logger = options.logger.child({ component: 'pod-sandbox' });
    this.stopTimeoutSeconds = options.stopTimeoutSeconds ?? 2;
    this.hostIp = options.hostIp ?? '127.0.0.1';
  }

  /** The HostConfig modes an app container of this sandbox is created with. */
  static joinModes(sandbox: PodSandbox): { networkMode: string; ipcMode: string; utsMode?: string } {
    const modes = { networkMode: `container:${sandbox.pauseId}`, ipcMode: `container:${sandbox.pauseId}` };
    // dockershim's modifyHostOptionsForContainer: a host-network pod's containers see the node's hostname
    return sandbox.hostNetwork ? { ...modes, utsMode: 'host' } : modes;
  }

  /**
   * Returns the pod's running sandbox, making it when there is none: a pause container that is
   * not running (or has no network) is torn down and replaced. On failure nothing is left behind.
   */
  ensure(pod: PodRef, hostname?: string, options: { hostNetwork?: boolean } = {}): Promise<PodSandbox> {
    return this.serialise(pod.uid, () => this.ensureNow(pod, hostname, options.hostNetwork ?? false));
  }

  /** CNI DEL, then removes the pause container(s) of the pod; does nothing when there are none. */
  tearDown(podUid: string): Promise<void> {
    return this.serialise(podUid, async () => {
      for (const c of await this.pauseContainers(podUid)) await this.tearDownPause(c.id, podUid);
    });
  }

  /** The pod's running sandbox with its IP, or undefined (never makes one). */
  async find(podUid: string): Promise<PodSandbox | undefined> {
    return this.runningAmong(await this.pauseContainers(podUid));
  }

  private async runningAmong(pauses: { id: string }[]): Promise<PodSandbox | undefined> {
    for (const c of pauses) {
      const status = await this.runtime.inspect(c.id);
      if (status?.state !== 'running') continue;
      if (status.labels[LABEL_HOST_NETWORK] === 'true') {
        return {
          pod: refFromLabels(status.labels),
          pauseId: c.id,
          ip: this.hostIp,
          gateway: undefined,
          hostNetwork: true,
        };
      }
      const cached = await this.network.cached(this.cniArgs(c.id, status.pid, refFromLabels(status.labels)));
      if (cached)
        return { pod: refFromLabels(status.labels), pauseId: c.id, ip: cached.ip, gateway: cached.gateway };
    }
    return undefined;
  }

  /** The uids of every pod that has a pause container on this node (for re-adoption and cleanup). */
  async listPodUids(): Promise<string[]> {
    const pauses = await this.runtime.list({ [LABEL_CONTAINER_NAME]: POD_INFRA_CONTAINER_NAME });
    return [...new Set(pauses.map((c) => c.labels[LABEL_POD_UID]).filter((uid): uid is string => !!uid))];
  }

  /** `hostname`: the pod's (upstream's GeneratePodHostNameAndDomain); its name by default. */
  private async ensureNow(
    pod: PodRef,
    hostname = pod.name.slice(0, 63),
    hostNetwork: boolean,
  ): Promise<PodSandbox> {
    // One list serves both the look-up and the clean-up (a pod's start is on this path).
    const pauses = await this.pauseContainers(pod.uid);
    const existing = await this.runningAmong(pauses);
    if (existing) return existing;
    // Anything left is stale: stopped, or started without a network. Replace it.
    for (const c of pauses) await this.tearDownPause(c.id, pod.uid);
    if (hostNetwork) return this.startHostNetworkPause(pod);

    const started = Date.now();
    const pauseId = await this.runtime.create({
      name: containerName(pod),
      image: this.pauseImage,
      labels: podContainerLabels(pod, POD_INFRA_CONTAINER_NAME),
      networkMode: 'none',
      ipcMode: 'shareable',
      hostname,
    });
    try {
      await this.runtime.start(pauseId);
      const status = await this.runtime.inspect(pauseId);
      if (status?.state !== 'running' || status.pid <= 0) {
        throw new Error(
          `pause container ${pauseId.slice(0, 12)} is ${status?.state ?? 'gone'} right after start`,
        );
      }
      const result = await this.network.add(this.cniArgs(pauseId, status.pid, pod));
      this.logger.info('sandbox ready', {
        pod: `${pod.namespace}/${pod.name}`,
        ip: result.ip,
        ms: Date.now() - started,
      });
      return { pod, pauseId, ip: result.ip, gateway: result.gateway };
    } catch (err) {
      await this.tearDownPause(pauseId, pod.uid).catch((cleanupErr: unknown) =>
        this.logger.warn('cleanup after a failed sandbox start failed', { pauseId, err: cleanupErr }),
      );
      throw err;
    }
  }

  /**
   * A host-network pod's pause container: the node's network, UTS (hostname) namespaces, no CNI
   * (upstream's sandbox with NamespaceMode_NODE; dockershim sets NetworkMode and UTSMode `host`).
   */
  private async startHostNetworkPause(pod: PodRef): Promise<PodSandbox> {
    const pauseId = await this.runtime.create({
      name: containerName(pod),
      image: this.pauseImage,
      labels: { ...podContainerLabels(pod, POD_INFRA_CONTAINER_NAME), [LABEL_HOST_NETWORK]: 'true' },
      networkMode: 'host',
      utsMode: 'host',
      ipcMode: 'shareable',
    });
    try {
      await this.runtime.start(pauseId);
    } catch (err) {
      await this.runtime.remove(pauseId).catch(() => undefined);
      throw err;
    }
    this.logger.info('host-network sandbox ready', { pod: `${pod.namespace}/${pod.name}`, ip: this.hostIp });
    return { pod, pauseId, ip: this.hostIp, gateway: undefined, hostNetwork: true };
  }

  private async tearDownPause(pauseId: string, podUid: string): Promise<void> {
    const status = await this.runtime.inspect(pauseId);
    if (!status) return;
    const pid = status.state === 'running' ? status.pid : 0;
    // With no namespace left (pid 0) the plugin still releases the IP and skips the interface.
    // A host-network sandbox has no CNI network to release.
    if (status.labels[LABEL_HOST_NETWORK] !== 'true') {
      await this.network.del(this.cniArgs(pauseId, pid, refFromLabels(status.labels)));
    }
    await this.runtime.stop(pauseId, this.stopTimeoutSeconds);
    await this.runtime.remove(pauseId);
    this.logger.info('sandbox removed', { podUid, pauseId: pauseId.slice(0, 12) });
  }

  private pauseContainers(podUid: string): Promise<{ id: string }[]> {
    return this.runtime.list({ [LABEL_POD_UID]: podUid, [LABEL_CONTAINER_NAME]: POD_INFRA_CONTAINER_NAME });
  }

  private cniArgs(pauseId: string, pid: number, pod: PodRef): CniRuntimeArgs {
    return {
      containerId: pauseId,
      netns: pid > 0 ? `/proc/${pid}/ns/net` : '',
      ifName: 'eth0',
      args: {
        K8S_POD_NAMESPACE: pod.namespace,
        K8S_POD_NAME: pod.name,
        K8S_POD_INFRA_CONTAINER_ID: pauseId,
        K8S_POD_UID: pod.uid,
      },
    };
  }

  private serialise<T>(key: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(key) ?? Promise.resolve();
    const next = previous.then(operation, operation);
    const tail = next.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return next;
  }
}

function refFromLabels(labels: Record<string, string>): PodRef {
  return {
    uid: labels[LABEL_POD_UID] ?? '',
    name: labels[LABEL_POD_NAME] ?? '',
    namespace: labels[LABEL_POD_NAMESPACE] ?? '',
  };
}

// dockershim's scheme (k8s_POD_<name>_<namespace>_<uid>_<attempt>), with a time-based attempt so
// a replacement never collides with a pause container still being removed.
function containerName(pod: PodRef): string {
  const safe = (s: string): string => s.replace(/[^a-zA-Z0-9_.-]/g, '-');
  return `kcf_POD_${safe(pod.name)}_${safe(pod.namespace)}_${safe(pod.uid)}_${Date.now().toString(36)}`;
}
