// The subsets of a Service's Endpoints, as the endpoints controller builds them (syncService,
// addEndpointSubset, RepackSubsets): one address per pod that should be in endpoints, ready or
// not ready (publishNotReadyAddresses makes every one ready), with its target ref, node name and
// hostname; a port per service port the pod resolves; then addresses offering the same ports are
// packed into one subset, sorted so that equal inputs give equal outputs.
import type * as k8s from '@kubernetes/client-node';
import { isPodReady } from '../util/pod-state.ts';
import { findPort, podAddress, shouldPodBeInEndpoints, shouldSetHostname } from './pod-endpoints.ts';

interface Offer {
  address: k8s.V1EndpointAddress;
  ready: boolean;
  /** undefined: the sentinel for a headless service without ports. */
  port: k8s.CoreV1EndpointPort | undefined;
}

function addressOf(pod: k8s.V1Pod, service: k8s.V1Service, ip: string): k8s.V1EndpointAddress {
  return {
    ip,
    ...(pod.spec?.nodeName !== undefined ? { nodeName: pod.spec.nodeName } : {}),
    ...(shouldSetHostname(pod, service) ? { hostname: pod.spec!.hostname } : {}),
    targetRef: {
      kind: 'Pod',
      namespace: pod.metadata?.namespace,
      name: pod.metadata?.name,
      uid: pod.metadata?.uid,
    },
  };
}

/** endpointPortFromServicePort. */
function endpointPort(servicePort: k8s.V1ServicePort, port: number): k8s.CoreV1EndpointPort {
  return {
    ...(servicePort.name ? { name: servicePort.name } : {}),
    port,
    protocol: servicePort.protocol ?? 'TCP',
    ...(servicePort.appProtocol ? { appProtocol: servicePort.appProtocol } : {}),
  };
}

const addressKey = (a: k8s.V1EndpointAddress): string => `${a.ip}/${a.targetRef?.uid ?? ''}`;
const portKey = (p: k8s.CoreV1EndpointPort | undefined): string =>
  p ? `${p.name ?? ''}/${p.port}/${p.protocol ?? ''}/${p.appProtocol ?? ''}` : '';

/** The Endpoints subsets for `service` over the pods its selector matched. */
export function endpointsSubsets(service: k8s.V1Service, pods: k8s.V1Pod[]): k8s.V1EndpointSubset[] {
  const publishNotReady = service.spec?.publishNotReadyAddresses === true;
  const offers: Offer[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ip = podAddress(pod);
    if (!ip) continue;
    const address = addressOf(pod, service, ip);
    const ready = publishNotReady || isPodReady(pod);
    const ports = service.spec?.ports ?? [];
    if (ports.length === 0) {
      // A headless service may have no ports: its addresses are published without any.
      if (service.spec?.clusterIP === 'None') offers.push({ address, ready, port: undefined });
      continue;
    }
    for (const servicePort of ports) {
      const port = findPort(pod, servicePort);
      if (port === undefined) continue; // this pod does not expose this port
      offers.push({ address, ready, port: endpointPort(servicePort, port) });
    }
  }
  return repack(offers);
}

/** RepackSubsets: every set of addresses offering the same ports becomes one subset. */
function repack(offers: Offer[]): k8s.V1EndpointSubset[] {
  // port → the addresses offering it (and whether each is ready).
  const byPort = new Map<string, { port: k8s.CoreV1EndpointPort | undefined; addrs: Map<string, Offer> }>();
  for (const offer of offers) {
    const key = portKey(offer.port);
    let entry = byPort.get(key);
    if (!entry) byPort.set(key, (entry = { port: offer.port, addrs: new Map() }));
    entry.addrs.set(addressKey(offer.address), offer);
  }
  // address set → the ports it offers.
  const bySet = new Map<string, { addrs: Offer[]; ports: k8s.CoreV1EndpointPort[] }>();
  for (const { port, addrs } of byPort.values()) {
    const members = [...addrs.values()];
    const key = members
      .map((o) => `${addressKey(o.address)}:${o.ready ? 1 : 0}`)
      .sort()
      .join(',');
    let entry = bySet.get(key);
    if (!entry) bySet.set(key, (entry = { addrs: members, ports: [] }));
    if (port) entry.ports.push(port);
  }
  const subsets = [...bySet.values()].map(({ addrs, ports }) => {
    const sorted = [...addrs].sort((a, b) => compareAddresses(a.address, b.address));
    const ready = sorted.filter((o) => o.ready).map((o) => o.address);
    const notReady = sorted.filter((o) => !o.ready).map((o) => o.address);
    const subset: k8s.V1EndpointSubset = {};
    if (ready.length) subset.addresses = ready;
    if (notReady.length) subset.notReadyAddresses = notReady;
    if (ports.length) subset.ports = ports.sort((a, b) => portKey(a).localeCompare(portKey(b)));
    return subset;
  });
  return subsets.sort((a, b) => subsetKey(a).localeCompare(subsetKey(b)));
}

function compareAddresses(a: k8s.V1EndpointAddress, b: k8s.V1EndpointAddress): number {
  const byIp = ipNumber(a.ip) - ipNumber(b.ip);
  if (byIp !== 0 && !Number.isNaN(byIp)) return byIp;
  return addressKey(a).localeCompare(addressKey(b));
}

function ipNumber(ip: string): number {
  const parts = ip.split('.').map(Number);
  return parts.length === 4 ? parts.reduce((n, part) => n * 256 + part, 0) : NaN;
}

const subsetKey = (s: k8s.V1EndpointSubset): string =>
  JSON.stringify([
    (s.ports ?? []).map(portKey),
    [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])].map(addressKey),
  ]);

/** Subsets compared as the controller compares them: ignoring the pods' resourceVersions. */
export function subsetsEqual(
  a: k8s.V1EndpointSubset[] | undefined,
  b: k8s.V1EndpointSubset[] | undefined,
): boolean {
  return JSON.stringify(normalise(a)) === JSON.stringify(normalise(b));
}

function normalise(subsets: k8s.V1EndpointSubset[] | undefined): unknown {
  const address = (x: k8s.V1EndpointAddress) => [
    x.ip,
    x.hostname ?? '',
    x.nodeName ?? '',
    x.targetRef?.kind ?? '',
    x.targetRef?.namespace ?? '',
    x.targetRef?.name ?? '',
    x.targetRef?.uid ?? '',
  ];
  return (subsets ?? []).map((s) => [
    (s.addresses ?? []).map(address),
    (s.notReadyAddresses ?? []).map(address),
    (s.ports ?? []).map((p) => [p.name ?? '', p.port, p.protocol ?? 'TCP', p.appProtocol ?? '']),
  ]);
}
