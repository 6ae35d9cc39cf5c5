// Which pods back a Service and on which ports, as upstream's endpoints and EndpointSlice
// controllers decide it (pkg/controller/util/endpoint, endpointslice/util, podutil.FindPort):
// pure functions shared by both controllers.
import type * as k8s from '@kubernetes/client-node';

/** ShouldPodBeInEndpoints: not terminal, has an IP, and not terminating unless that is wanted. */
export function shouldPodBeInEndpoints(pod: k8s.V1Pod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP && !(pod.status?.podIPs ?? []).length) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/**
 * podutil.FindPort: a numeric targetPort as is (the port itself when unset); a named one is the
 * containerPort of the pod's container port with that name and protocol (regular containers and
 * sidecar init containers), or undefined when the pod exposes no such port.
 */
export function findPort(pod: k8s.V1Pod, servicePort: k8s.V1ServicePort): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = servicePort.protocol ?? 'TCP';
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const container of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const port of container.ports ?? []) {
      if (port.name === target && (port.protocol ?? 'TCP') === protocol) return port.containerPort;
    }
  }
  return undefined;
}

/** ShouldSetHostname: the pod names a hostname and this service as its subdomain. */
export function shouldSetHostname(pod: k8s.V1Pod, service: k8s.V1Service): boolean {
  return (
    !!pod.spec?.hostname &&
    pod.spec.subdomain === service.metadata?.name &&
    pod.metadata?.namespace === service.metadata?.namespace
  );
}

/** IsServiceIPSet: a ClusterIP other than None. */
export function isServiceIPSet(service: k8s.V1Service): boolean {
  const ip = service.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

export function hasSelector(service: k8s.V1Service): boolean {
  return Object.keys(service.spec?.selector ?? {}).length > 0;
}

/** The pod's IPv4 address (the reference serves IPv4 only), else its first IP. */
export function podAddress(pod: k8s.V1Pod): string | undefined {
  const ips = [pod.status?.podIP, ...(pod.status?.podIPs ?? []).map((p) => p.ip)].filter(
    (ip): ip is string => !!ip,
  );
  return ips.find((ip) => !ip.includes(':')) ?? ips[0];
}

/**
 * The time to publish as endpoints.kubernetes.io/last-change-trigger-time for a pod: when it last
 * changed in a way that matters to endpoints (became ready or not, or was created).
 */
export function podTriggerTime(pod: k8s.V1Pod): Date | undefined {
  const ready = pod.status?.conditions?.find((c) => c.type === 'Ready');
  const at = ready?.lastTransitionTime ?? pod.metadata?.creationTimestamp;
  return at ? new Date(at) : undefined;
}

export const LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
