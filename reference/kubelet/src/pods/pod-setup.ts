// Everything a pod's containers need from the node besides the sandbox, gathered for one sync:
// the volumes (set up before the sandbox, as upstream's WaitForAttachAndMount precedes it), the
// kubelet-managed /etc/hosts and resolv.conf, and each container's environment. From these
// `spec()` builds a container's runtime spec without further I/O. A volume that cannot be set up
// is reported with FailedMount events; an environment that cannot be built becomes the container's
// CreateContainerConfigError.
import { chmodSync, existsSync, mkdirSync, statSync } from 'node:fs';
import type { V1Container, V1Pod, V1Service } from '@kubernetes/client-node';
import type { ContainerEvents } from '../events.ts';
import type { PodSandbox } from '../network/pod-sandbox.ts';
import type { ContainerSpec } from '../runtime/container-runtime.ts';
import type { PodVolumes, VolumeManager } from '../volumes/volume-manager.ts';
import { containerSpec, subPathHostPath } from './container-spec.ts';
import type { DownwardContext } from './downward-api.ts';
import { ContainerConfigError, resolveEnv, type EnvSources } from './env.ts';
import { utsHostname, writeEtcFiles, type DnsSettings, type EtcFiles } from './etc-files.ts';
import { serviceEnvironment } from './service-env.ts';

/** upstream's event reason for a volume that could not be mounted. */
export const FAILED_MOUNT = 'FailedMount';

export interface PodSetupOptions {
  volumes: VolumeManager;
  sources: EnvSources;
  /** Every service the kubelet knows of (its informer's cache). */
  services: () => readonly V1Service[];
  dns: DnsSettings;
  hostIp: string;
  allocatable: DownwardContext['allocatable'];
  events: ContainerEvents;
}

/** A pod ready for its containers to be made: volumes, /etc files, each container's env. */
export interface PreparedPod {
  pod: V1Pod;
  sandbox: PodSandbox;
  volumes: PodVolumes;
  etc: EtcFiles | undefined;
  env: Map<string, ReadonlyMap<string, string> | ContainerConfigError>;
}

/** What building a container's spec gives: the spec, or why the container cannot be made. */
export type SpecResult = ContainerSpec | ContainerConfigError;

export class PodSetup {
  constructor(private readonly o: PodSetupOptions) {}

  /** The hostname the pod's sandbox (UTS namespace) gets. */
  hostname(pod: V1Pod): string {
    return utsHostname(pod, this.o.dns.clusterDomain);
  }

  private downward(pod: V1Pod, podIp: string | undefined): DownwardContext {
    const podIps = podIp ? [podIp] : (pod.status?.podIPs ?? []).map((p) => p.ip);
    return { podIps, hostIps: [this.o.hostIp], allocatable: this.o.allocatable };
  }

  /**
   * Sets up (or refreshes) the pod's volumes. Undefined when one cannot be set up yet: the
   * FailedMount events are recorded and the pod waits (ContainerCreating) for the next sync.
   */
  async volumes(pod: V1Pod): Promise<PodVolumes | undefined> {
    const result = await this.o.volumes.setUp(pod, this.downward(pod, pod.status?.podIP));
    if (result.ok) return result.volumes;
    for (const message of result.messages)
      this.o.events.record(pod, undefined, 'Warning', FAILED_MOUNT, message);
    return undefined;
  }

  /** Writes the /etc files and resolves every container's environment for this sync. */
  async prepare(pod: V1Pod, sandbox: PodSandbox, volumes: PodVolumes): Promise<PreparedPod> {
    const uid = pod.metadata!.uid!;
    const podIps = sandbox.ip ? [sandbox.ip] : [];
    const etc =
      podIps.length > 0 || pod.spec?.hostNetwork
        ? writeEtcFiles(this.o.volumes.podDir(uid), pod, podIps, this.o.dns)
        : undefined;
    const serviceEnv = serviceEnvironment(
      this.o.services(),
      pod.metadata?.namespace ?? '',
      pod.spec?.enableServiceLinks ?? true,
    );
    const ctx = this.downward(pod, sandbox.ip);
    const env = new Map<string, ReadonlyMap<string, string> | ContainerConfigError>();
    for (const container of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
      try {
        env.set(container.name, await resolveEnv(pod, container, ctx, this.o.sources, serviceEnv));
      } catch (err) {
        if (!(err instanceof ContainerConfigError)) throw err;
        env.set(container.name, err);
      }
    }
    return { pod, sandbox, volumes, etc, env };
  }

  /** The runtime spec of one container, or the ContainerConfigError that prevents it. */
  spec(prepared: PreparedPod, container: V1Container, restartCount: number): SpecResult {
    const env = prepared.env.get(container.name);
    if (env instanceof ContainerConfigError) return env;
    try {
      makeSubPaths(container, prepared.volumes);
      return containerSpec(container, {
        pod: prepared.pod,
        sandbox: prepared.sandbox,
        restartCount,
        ...(env ? { env } : {}),
        volumes: prepared.volumes,
        ...(prepared.etc ? { etc: prepared.etc } : {}),
      });
    } catch (err) {
      if (err instanceof ContainerConfigError) return err;
      throw err;
    }
  }

  /** Removes the pod's volumes and files (not hostPath or PersistentVolume data). */
  tearDown(uid: string): Promise<void> {
    return this.o.volumes.tearDown(uid);
  }
}

/** upstream creates a missing subPath directory before the container starts, with the volume's mode. */
function makeSubPaths(container: V1Container, volumes: PodVolumes): void {
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.get(mount.name);
    if (!mount.subPath || !volume || volume.readOnly) continue;
    const path = subPathHostPath(volume.path, mount.subPath);
    if (existsSync(path)) continue;
    mkdirSync(path, { recursive: true });
    chmodSync(path, statSync(volume.path).mode & 0o7777);
  }
}
