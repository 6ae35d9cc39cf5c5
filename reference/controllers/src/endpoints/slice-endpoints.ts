// The EndpointSlices a Service should have (the EndpointSlice controller's reconciler, simplified
// but with upstream's content): an endpoint per pod that should be in endpoints, terminating ones
// included, with conditions ready/serving/terminating, target ref, node name, zone and hostname;
// pods that resolve the same ports share slices of at most 100 endpoints; a service with no
// endpoints keeps one empty placeholder slice.
import type * as k8s from '@kubernetes/client-node';
import { isPodReady } from '../util/pod-state.ts';
import { findPort, podAddress, shouldPodBeInEndpoints, shouldSetHostname } from './pod-endpoints.ts';

export const MAX_ENDPOINTS_PER_SLICE = 100;
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface DesiredSlice {
  /** Identifies the port set: slices are matched to existing ones by it. */
  portsKey: string;
  ports: k8s.DiscoveryV1EndpointPort[];
  endpoints: k8s.V1Endpoint[];
}

/** podToEndpoint. */
export function podToEndpoint(
  pod: k8s.V1Pod,
  ip: string,
  service: k8s.V1Service,
  node: k8s.V1Node | undefined,
): k8s.V1Endpoint {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const serving = publishNotReady || isPodReady(pod);
  const terminating = pod.metadata?.deletionTimestamp !== undefined;
  // For compatibility, ready is never true for a terminating pod unless publishNotReadyAddresses.
  const ready = publishNotReady || (serving && !terminating);
  const zone = node?.metadata?.labels?.[ZONE_LABEL];
  return {
    addresses: [ip],
    conditions: { ready, serving, terminating },
    ...(shouldSetHostname(pod, service) ? { hostname: pod.spec!.hostname } : {}),
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata?.namespace,
      name: pod.metadata?.name,
      uid: pod.metadata?.uid,
    },
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    ...(zone ? { zone } : {}),
  };
}

/** getEndpointPorts: each service port the pod resolves. */
export function endpointPorts(service: k8s.V1Service, pod: k8s.V1Pod): k8s.DiscoveryV1EndpointPort[] {
  const ports: k8s.DiscoveryV1EndpointPort[] = [];
  for (const servicePort of service.spec?.ports ?? []) {
    const port = findPort(pod, servicePort);
    if (port === undefined) continue;
    ports.push({
      name: servicePort.name ?? '',
      port,
      protocol: servicePort.protocol ?? 'TCP',
      ...(servicePort.appProtocol ? { appProtocol: servicePort.appProtocol } : {}),
    });
  }
  return ports;
}

export const portsKeyOf = (ports: k8s.DiscoveryV1EndpointPort[] | undefined): string =>
  JSON.stringify(
    (ports ?? [])
      .map((p) => [p.name ?? '', p.port ?? 0, p.protocol ?? 'TCP', p.appProtocol ?? ''])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  );

/** The slices `service` should have over the pods its selector matched. */
export function desiredSlices(
  service: k8s.V1Service,
  pods: k8s.V1Pod[],
  nodeOf: (name: string) => k8s.V1Node | undefined,
): DesiredSlice[] {
  const groups = new Map<string, DesiredSlice>();
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podAddress(pod);
    if (!ip || ip.includes(':')) continue; // IPv4 slices only
    const ports = endpointPorts(service, pod);
    const key = portsKeyOf(ports);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { portsKey: key, ports, endpoints: [] }));
    const node = pod.spec?.nodeName ? nodeOf(pod.spec.nodeName) : undefined;
    group.endpoints.push(podToEndpoint(pod, ip, service, node));
  }
  if (groups.size === 0) return [{ portsKey: portsKeyOf([]), ports: [], endpoints: [] }]; // placeholder
  const slices: DesiredSlice[] = [];
  for (const group of [...groups.values()].sort((a, b) => a.portsKey.localeCompare(b.portsKey))) {
    const sorted = group.endpoints.sort((a, b) => endpointKey(a).localeCompare(endpointKey(b)));
    for (let i = 0; i < sorted.length; i += MAX_ENDPOINTS_PER_SLICE) {
      slices.push({ ...group, endpoints: sorted.slice(i, i + MAX_ENDPOINTS_PER_SLICE) });
    }
  }
  return slices;
}

const endpointKey = (e: k8s.V1Endpoint): string => `${e.targetRef?.uid ?? ''}/${e.addresses[0]}`;

/** The endpoints as the controller compares them: only the fields it sets, in a fixed order. */
export function endpointsFingerprint(endpoints: k8s.V1Endpoint[] | undefined): string {
  return JSON.stringify(
    (endpoints ?? [])
      .map((e) => [
        e.addresses,
        e.conditions?.ready ?? null,
        e.conditions?.serving ?? null,
        e.conditions?.terminating ?? null,
        e.hostname ?? '',
        e.nodeName ?? '',
        e.zone ?? '',
        e.targetRef?.name ?? '',
        e.targetRef?.uid ?? '',
      ])
      .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
  );
}
