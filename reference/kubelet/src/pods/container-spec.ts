// Turns a pod's container into what the runtime creates: command and args, environment (with
// upstream's downward-API fieldRefs), working dir, resource limits as cgroup settings, the pod's
// sandbox namespaces and our labels. Pure: no I/O, so it is unit-tested alone.
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { podContainerLabels, type ContainerSpec } from '../runtime/container-runtime.ts';
import { PodSandboxManager, type PodSandbox } from '../network/pod-sandbox.ts';

/** Label carrying how many times this container was restarted before (upstream's restartCount). */
export const LABEL_RESTART_COUNT = 'io.kconform.restart-count';

export interface SpecContext {
  pod: V1Pod;
  sandbox: PodSandbox;
  nodeName: string;
  hostIp: string;
  restartCount: number;
  /** Host directories for the pod's volumes, by volume name. */
  volumeDirs?: Record<string, string>;
}

/** Upstream's quantity → bytes for memory limits ("128Mi", "1G", "500000"). */
export function memoryBytes(quantity: string | undefined): number {
  if (!quantity) return 0;
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m)?$/.exec(quantity);
  if (!match) throw new Error(`memory quantity "${quantity}" is not a Kubernetes quantity`);
  const factor: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    m: 1e-3,
  };
  return Math.ceil(Number(match[1]) * (match[2] ? factor[match[2]]! : 1));
}

/** Upstream's quantity → millicores ("500m", "2", "0.5"). */
export function milliCpu(quantity: string | undefined): number {
  if (!quantity) return 0;
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(quantity);
  if (!match) throw new Error(`cpu quantity "${quantity}" is not a Kubernetes quantity`);
  return match[2] ? Math.ceil(Number(match[1])) : Math.ceil(Number(match[1]) * 1000);
}

/** Resolves the env of a container: values, and fieldRefs for the pod's own fields. */
export function containerEnv(container: V1Container, ctx: SpecContext): Record<string, string> {
  const env: Record<string, string> = {};
  const fields: Record<string, string> = {
    'metadata.name': ctx.pod.metadata?.name ?? '',
    'metadata.namespace': ctx.pod.metadata?.namespace ?? '',
    'metadata.uid': ctx.pod.metadata?.uid ?? '',
    'spec.nodeName': ctx.nodeName,
    'spec.serviceAccountName': ctx.pod.spec?.serviceAccountName ?? '',
    'status.podIP': ctx.sandbox.ip,
    'status.podIPs': ctx.sandbox.ip,
    'status.hostIP': ctx.hostIp,
    'status.hostIPs': ctx.hostIp,
  };
  for (const item of container.env ?? []) {
    if (item.value !== undefined) {
      // $(VAR) references to earlier variables expand as upstream's expansion does.
      env[item.name] = item.value.replace(
        /\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g,
        (whole, name: string) => env[name] ?? whole,
      );
      continue;
    }
    const path = item.valueFrom?.fieldRef?.fieldPath;
    if (path !== undefined) {
      const label = /^metadata\.labels\['(.+)'\]$/.exec(path);
      const annotation = /^metadata\.annotations\['(.+)'\]$/.exec(path);
      env[item.name] = label
        ? (ctx.pod.metadata?.labels?.[label[1]!] ?? '')
        : annotation
          ? (ctx.pod.metadata?.annotations?.[annotation[1]!] ?? '')
          : (fields[path] ?? '');
    }
  }
  return env;
}

export function containerSpec(container: V1Container, ctx: SpecContext): ContainerSpec {
  const pod = ctx.pod;
  const ref = { uid: pod.metadata!.uid!, name: pod.metadata!.name!, namespace: pod.metadata!.namespace! };
  const limits = container.resources?.limits ?? {};
  const requests = container.resources?.requests ?? {};
  const cpuLimit = milliCpu(limits.cpu);
  const cpuRequest = milliCpu(requests.cpu ?? limits.cpu);
  const binds = (container.volumeMounts ?? []).flatMap((mount) => {
    const dir = ctx.volumeDirs?.[mount.name];
    return dir ? [`${dir}:${mount.mountPath}${mount.readOnly ? ':ro' : ''}`] : [];
  });
  return {
    image: container.image!,
    ...(container.command ? { entrypoint: container.command } : {}),
    ...(container.args ? { cmd: container.args } : {}),
    env: containerEnv(container, ctx),
    ...(container.workingDir ? { workingDir: container.workingDir } : {}),
    labels: { ...podContainerLabels(ref, container.name), [LABEL_RESTART_COUNT]: String(ctx.restartCount) },
    ...PodSandboxManager.joinModes(ctx.sandbox),
    ...(binds.length ? { binds } : {}),
    ...(limits.memory ? { memoryBytes: memoryBytes(limits.memory) } : {}),
    ...(cpuLimit ? { nanoCpus: cpuLimit * 1e6 } : {}),
    // upstream: shares = milliCPU * 1024 / 1000, at least 2
    ...(cpuRequest ? { cpuShares: Math.max(2, Math.floor((cpuRequest * 1024) / 1000)) } : {}),
  };
}
