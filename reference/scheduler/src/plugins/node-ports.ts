// NodePorts (upstream plugins/nodeports): a host port (protocol, hostIP, port) the pod wants must
// be free on the node; 0.0.0.0 conflicts with every address.
import type * as k8s from '@kubernetes/client-node';
import { SUCCESS, unschedulable, type FilterPlugin } from '../framework.ts';

export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";

export interface HostPort {
  protocol: string;
  hostIP: string;
  port: number;
}

/** The host ports the pod's containers ask for. */
export function hostPorts(pod: k8s.V1Pod): HostPort[] {
  const ports: HostPort[] = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (!p.hostPort || p.hostPort <= 0) continue;
      ports.push({ protocol: p.protocol ?? 'TCP', hostIP: p.hostIP || '0.0.0.0', port: p.hostPort });
    }
  }
  return ports;
}

export const portKey = (p: HostPort): string => `${p.protocol}/${p.hostIP}/${p.port}`;

export function conflicts(want: HostPort, used: ReadonlySet<string>): boolean {
  if (want.hostIP === '0.0.0.0') {
    for (const key of used) {
      const [protocol, , port] = key.split('/');
      if (protocol === want.protocol && Number(port) === want.port) return true;
    }
    return false;
  }
  return used.has(portKey(want)) || used.has(portKey({ ...want, hostIP: '0.0.0.0' }));
}

export const fits = (pod: k8s.V1Pod, used: ReadonlySet<string>): boolean =>
  !hostPorts(pod).some((p) => conflicts(p, used));

export const nodePorts = {
  name: 'NodePorts',
  filter: (pod, info) => (fits(pod, info.usedPorts) ? SUCCESS : unschedulable(ERR_REASON)),
} satisfies FilterPlugin;
