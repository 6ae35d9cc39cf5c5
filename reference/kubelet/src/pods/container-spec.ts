// Turns a pod's container into what the runtime creates: command and args with `$(VAR)`
// expanded, the resolved environment, working dir, volume binds (readOnly, subPath), the
// kubelet-managed /etc/hosts and /etc/resolv.conf, resources as cgroup settings (as upstream's
// kuberuntime does for Linux), the pod's sandbox namespaces and our labels. Pure: the env, the
// mounted volumes and the /etc files are resolved beforehand, so it is unit-tested alone.
import { posix } from 'node:path';
import type { V1Container, V1Pod, V1VolumeMount } from '@kubernetes/client-node';
import { podContainerLabels, type ContainerSpec } from '../runtime/container-runtime.ts';
import { PodSandboxManager, type PodSandbox } from '../network/pod-sandbox.ts';
import type { MountedVolume } from '../volumes/types.ts';
import { ContainerConfigError, expandCommand } from './env.ts';
import type { EtcFiles } from './etc-files.ts';
import { memoryBytes, milliCpu } from './quantity.ts';

/** Label carrying how many times this container was restarted before (upstream's restartCount). */
export const LABEL_RESTART_COUNT = 'io.kconform.restart-count';

/** upstream's CFS period (100 ms) and the smallest quota it sets. */
export const CPU_PERIOD_US = 100_000;
export const MIN_CPU_QUOTA_US = 1_000;
/** upstream's MinShares: what a container without a CPU request gets. */
export const MIN_CPU_SHARES = 2;

export interface SpecContext {
  pod: V1Pod;
  sandbox: PodSandbox;
  restartCount: number;
  /** The resolved environment, in order (see env.ts). */
  env?: ReadonlyMap<string, string>;
  /** The pod's set-up volumes, by volume name. */
  volumes?: ReadonlyMap<string, MountedVolume>;
  /** The kubelet-managed hosts and resolv.conf files to bind. */
  etc?: EtcFiles;
}

/** upstream's milliCPUToShares: requests (or limits) in millicores → cgroup v1 shares. */
export function cpuShares(milli: number): number {
  return Math.max(MIN_CPU_SHARES, Math.floor((milli * 1024) / 1000));
}

/** upstream's milliCPUToQuota: a CPU limit → CFS quota per 100 ms period; 0 without a limit. */
export function cpuQuota(milli: number): number {
  if (milli === 0) return 0;
  return Math.max(MIN_CPU_QUOTA_US, Math.floor((milli * CPU_PERIOD_US) / 1000));
}

/**
 * Checks a subPath as upstream's makeMounts does and returns the host path it names. Throws
 * ContainerConfigError for an absolute path or one that climbs out with `..`.
 */
export function subPathHostPath(volumePath: string, subPath: string): string {
  if (posix.isAbsolute(subPath)) {
    throw new ContainerConfigError(`error SubPath \`${subPath}\` must not be an absolute path`);
  }
  if (subPath.split('/').includes('..')) {
    throw new ContainerConfigError(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
  }
  return posix.join(volumePath, subPath);
}

/** The `host:container[:ro]` binds of a container's volumeMounts and the /etc files. */
export function containerBinds(
  container: V1Container,
  volumes: ReadonlyMap<string, MountedVolume>,
  etc: EtcFiles | undefined,
): string[] {
  const mounts: V1VolumeMount[] = container.volumeMounts ?? [];
  const binds = mounts.map((mount) => {
    const volume = volumes.get(mount.name);
    if (!volume) {
      throw new ContainerConfigError(
        `cannot find volume "${mount.name}" to mount into container "${container.name}"`,
      );
    }
    const host = mount.subPath ? subPathHostPath(volume.path, mount.subPath) : volume.path;
    const readOnly = (mount.readOnly ?? false) || volume.readOnly;
    return `${host}:${mount.mountPath}${readOnly ? ':ro' : ''}`;
  });
  const taken = new Set(mounts.map((m) => posix.normalize(m.mountPath)));
  if (etc && !taken.has('/etc/hosts')) binds.push(`${etc.hosts}:/etc/hosts`);
  if (etc && !taken.has('/etc/resolv.conf')) binds.push(`${etc.resolvConf}:/etc/resolv.conf`);
  return binds;
}

export function containerSpec(container: V1Container, ctx: SpecContext): ContainerSpec {
  const pod = ctx.pod;
  const ref = { uid: pod.metadata!.uid!, name: pod.metadata!.name!, namespace: pod.metadata!.namespace! };
  const limits = container.resources?.limits ?? {};
  const requests = container.resources?.requests ?? {};
  const cpuLimit = milliCpu(limits.cpu);
  // With no request the limit counts (the apiserver defaults requests from limits anyway).
  const cpuRequest = milliCpu(requests.cpu ?? limits.cpu);
  const memoryLimit = memoryBytes(limits.memory);
  const env = ctx.env ?? new Map<string, string>();
  const { command, args } = expandCommand(container, env);
  const binds = containerBinds(container, ctx.volumes ?? new Map(), ctx.etc);
  return {
    image: container.image!,
    ...(command ? { entrypoint: command } : {}),
    ...(args ? { cmd: args } : {}),
    env: Object.fromEntries(env),
    ...(container.workingDir ? { workingDir: container.workingDir } : {}),
    labels: { ...podContainerLabels(ref, container.name), [LABEL_RESTART_COUNT]: String(ctx.restartCount) },
    ...PodSandboxManager.joinModes(ctx.sandbox),
    ...(binds.length ? { binds } : {}),
    // No swap beyond the limit: upstream sets the swap limit equal to the memory limit.
    ...(memoryLimit ? { memoryBytes: memoryLimit, memorySwapBytes: memoryLimit } : {}),
    ...(cpuLimit ? { cpuQuota: cpuQuota(cpuLimit), cpuPeriod: CPU_PERIOD_US } : {}),
    cpuShares: cpuShares(cpuRequest),
  };
}
