// The Node object a kubelet registers and keeps current: capacity and allocatable from the host,
// addresses, the node's pod CIDR slice, the conditions upstream's kubelet reports, and nodeInfo.
import type { V1Node, V1NodeCondition } from '@kubernetes/client-node';

export const KUBELET_VERSION = 'v1.32.0-kconform.0';

export interface HostFacts {
  cpus: number;
  memoryBytes: number;
  hostname: string;
  kernelVersion: string;
  osImage: string;
  architecture: string;
  containerRuntimeVersion: string;
}

export interface NodeIdentity {
  name: string;
  podCidr: string;
  /** The address other nodes and the apiserver reach this node's kubelet at. */
  internalIp: string;
  /** The kubelet API's port (status.daemonEndpoints); absent when the API is not served. */
  kubeletPort?: number;
  /** Most pods a node takes (upstream's --max-pods default is 110). */
  maxPods?: number;
  labels?: Record<string, string>;
}

/** Memory kept back from pods, as upstream's eviction threshold does by default (100Mi). */
const RESERVED_MEMORY = 100 * 1024 * 1024;

const kib = (bytes: number): string => `${Math.floor(bytes / 1024)}Ki`;

export function readyConditions(now: Date, heartbeat = now): V1NodeCondition[] {
  const c = (type: string, status: string, reason: string, message: string): V1NodeCondition => ({
    type,
    status,
    reason,
    message,
    lastHeartbeatTime: heartbeat,
    lastTransitionTime: now,
  });
  return [
    c('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
    c('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
    c('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
    c('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
  ];
}

/** The Node to create at registration (status included: upstream registers with it). */
export function nodeObject(identity: NodeIdentity, host: HostFacts, now: Date): V1Node {
  const pods = String(identity.maxPods ?? 110);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: identity.name,
      labels: {
        'kubernetes.io/hostname': identity.name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': host.architecture,
        'beta.kubernetes.io/os': 'linux',
        'beta.kubernetes.io/arch': host.architecture,
        ...identity.labels,
      },
    },
    spec: { podCIDR: identity.podCidr, podCIDRs: [identity.podCidr] },
    status: {
      capacity: { cpu: String(host.cpus), memory: kib(host.memoryBytes), pods },
      allocatable: {
        cpu: String(host.cpus),
        memory: kib(Math.max(0, host.memoryBytes - RESERVED_MEMORY)),
        pods,
      },
      conditions: readyConditions(now),
      addresses: [
        { type: 'InternalIP', address: identity.internalIp },
        { type: 'Hostname', address: identity.name },
      ],
      ...(identity.kubeletPort
        ? { daemonEndpoints: { kubeletEndpoint: { Port: identity.kubeletPort } } }
        : {}),
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: host.kernelVersion,
        osImage: host.osImage,
        containerRuntimeVersion: host.containerRuntimeVersion,
        kubeletVersion: KUBELET_VERSION,
        kubeProxyVersion: KUBELET_VERSION,
        operatingSystem: 'linux',
        architecture: host.architecture,
      },
    },
  };
}
