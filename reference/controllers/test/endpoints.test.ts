// What the endpoints and EndpointSlice controllers compute from a service and its pods.
import { expect } from 'chai';
import type * as k8s from '@kubernetes/client-node';
import { endpointsSubsets, subsetsEqual } from '../src/endpoints/endpoints-subsets.ts';
import { findPort, shouldPodBeInEndpoints } from '../src/endpoints/pod-endpoints.ts';
import { rfc3339Nano } from '../src/endpoints/service-index.ts';
import {
  desiredSlices,
  endpointsFingerprint,
  MAX_ENDPOINTS_PER_SLICE,
} from '../src/endpoints/slice-endpoints.ts';

function pod(
  name: string,
  ip: string | undefined,
  o: {
    ready?: boolean;
    ports?: k8s.V1ContainerPort[];
    deleting?: boolean;
    phase?: string;
    hostname?: string;
    subdomain?: string;
  } = {},
): k8s.V1Pod {
  return {
    metadata: {
      name,
      namespace: 'ns',
      uid: `uid-${name}`,
      ...(o.deleting ? { deletionTimestamp: new Date() } : {}),
    },
    spec: {
      nodeName: 'n1',
      containers: [{ name: 'c', image: 'i', ports: o.ports ?? [{ name: 'http', containerPort: 8080 }] }],
      ...(o.hostname ? { hostname: o.hostname } : {}),
      ...(o.subdomain ? { subdomain: o.subdomain } : {}),
    },
    status: {
      phase: o.phase ?? 'Running',
      ...(ip ? { podIP: ip } : {}),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }],
    },
  };
}

function service(spec: Partial<k8s.V1ServiceSpec> = {}): k8s.V1Service {
  return {
    metadata: { name: 'svc', namespace: 'ns', uid: 'svc-uid' },
    spec: {
      clusterIP: '10.96.0.5',
      selector: { app: 'x' },
      ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }],
      ...spec,
    },
  };
}

describe('endpoints: which pods and ports', () => {
  it('leaves out terminal pods, pods without an IP and (unless asked) terminating pods', () => {
    expect(shouldPodBeInEndpoints(pod('a', '10.0.0.1'), false)).to.equal(true);
    expect(shouldPodBeInEndpoints(pod('a', undefined), false)).to.equal(false);
    expect(shouldPodBeInEndpoints(pod('a', '10.0.0.1', { phase: 'Succeeded' }), true)).to.equal(false);
    expect(shouldPodBeInEndpoints(pod('a', '10.0.0.1', { deleting: true }), false)).to.equal(false);
    expect(shouldPodBeInEndpoints(pod('a', '10.0.0.1', { deleting: true }), true)).to.equal(true);
  });

  it('resolves a named targetPort per pod, by name and protocol; numbers as they are', () => {
    const sp: k8s.V1ServicePort = { port: 80, targetPort: 'http', protocol: 'TCP' };
    expect(findPort(pod('a', 'x'), sp)).to.equal(8080);
    expect(
      findPort(pod('a', 'x', { ports: [{ name: 'http', containerPort: 9000, protocol: 'UDP' }] }), sp),
    ).to.equal(undefined);
    expect(findPort(pod('a', 'x', { ports: [] }), sp)).to.equal(undefined);
    expect(findPort(pod('a', 'x'), { port: 80, targetPort: 9376 as unknown as k8s.IntOrString })).to.equal(
      9376,
    );
    expect(findPort(pod('a', 'x'), { port: 80 })).to.equal(80);
  });
});

describe('endpoints: subsets', () => {
  it('packs ready and not-ready addresses offering the same ports into one subset, sorted by IP', () => {
    const subsets = endpointsSubsets(service(), [
      pod('b', '10.0.0.12', { ready: false }),
      pod('a', '10.0.0.9'),
      pod('c', '10.0.0.10'),
    ]);
    expect(subsets).to.have.length(1);
    expect(subsets[0]!.addresses!.map((a) => a.ip)).to.deep.equal(['10.0.0.9', '10.0.0.10']);
    expect(subsets[0]!.notReadyAddresses!.map((a) => a.ip)).to.deep.equal(['10.0.0.12']);
    expect(subsets[0]!.ports).to.deep.equal([{ name: 'web', port: 8080, protocol: 'TCP' }]);
    expect(subsets[0]!.addresses![0]).to.deep.equal({
      ip: '10.0.0.9',
      nodeName: 'n1',
      targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' },
    });
  });

  it('splits pods that resolve different ports into different subsets and skips ports a pod lacks', () => {
    const subsets = endpointsSubsets(service(), [
      pod('a', '10.0.0.1'),
      pod('b', '10.0.0.2', { ports: [{ name: 'http', containerPort: 9090 }] }),
      pod('c', '10.0.0.3', { ports: [] }),
    ]);
    expect(
      subsets.map((s) => [s.addresses!.map((a) => a.ip), s.ports!.map((p) => p.port)]),
    ).to.have.deep.members([
      [['10.0.0.1'], [8080]],
      [['10.0.0.2'], [9090]],
    ]);
  });

  it('publishes every address as ready with publishNotReadyAddresses, hostnames for the subdomain, and headless addresses without ports', () => {
    const svc = service({ clusterIP: 'None', publishNotReadyAddresses: true, ports: [] });
    const subsets = endpointsSubsets(svc, [
      pod('a', '10.0.0.1', { ready: false, hostname: 'a', subdomain: 'svc' }),
    ]);
    expect(subsets).to.deep.equal([
      {
        addresses: [
          {
            ip: '10.0.0.1',
            nodeName: 'n1',
            hostname: 'a',
            targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'uid-a' },
          },
        ],
      },
    ]);
    expect(
      endpointsSubsets(service({ ports: [] }), [pod('a', '10.0.0.1')]),
      'a ClusterIP service needs ports',
    ).to.deep.equal([]);
  });

  it('compares subsets on content only', () => {
    const one = endpointsSubsets(service(), [pod('a', '10.0.0.1')]);
    const two = structuredClone(one);
    two[0]!.addresses![0]!.targetRef!.resourceVersion = '42';
    expect(subsetsEqual(one, two)).to.equal(true);
    expect(subsetsEqual(one, [])).to.equal(false);
  });
});

describe('endpoints: EndpointSlices', () => {
  it('carries terminating pods with ready false and serving as their readiness', () => {
    const [slice] = desiredSlices(service(), [pod('a', '10.0.0.1', { deleting: true })], () => undefined);
    expect(slice!.endpoints[0]!.conditions).to.deep.equal({ ready: false, serving: true, terminating: true });
    const [published] = desiredSlices(
      service({ publishNotReadyAddresses: true }),
      [pod('a', '10.0.0.1', { ready: false, deleting: true })],
      () => undefined,
    );
    expect(published!.endpoints[0]!.conditions).to.deep.equal({
      ready: true,
      serving: true,
      terminating: true,
    });
  });

  it('adds the node zone and keeps at most 100 endpoints per slice', () => {
    const pods = Array.from({ length: MAX_ENDPOINTS_PER_SLICE + 5 }, (_, i) =>
      pod(`p${i}`, `10.0.${Math.floor(i / 200)}.${i % 200}`),
    );
    const zone = { metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z1' } } };
    const slices = desiredSlices(service(), pods, () => zone);
    expect(slices.map((s) => s.endpoints.length)).to.deep.equal([100, 5]);
    expect(slices[0]!.endpoints[0]!.zone).to.equal('z1');
    expect(slices[0]!.ports).to.deep.equal([{ name: 'web', port: 8080, protocol: 'TCP' }]);
  });

  it('keeps one empty placeholder slice when no pod is selected, and fingerprints order-free', () => {
    expect(desiredSlices(service(), [], () => undefined)).to.deep.equal([
      { portsKey: '[]', ports: [], endpoints: [] },
    ]);
    const eps = desiredSlices(service(), [pod('a', '10.0.0.1'), pod('b', '10.0.0.2')], () => undefined)[0]!
      .endpoints;
    expect(endpointsFingerprint(eps)).to.equal(endpointsFingerprint([...eps].reverse()));
  });

  it('writes trigger times as Go RFC3339Nano', () => {
    expect(rfc3339Nano(new Date('2026-01-02T03:04:05.000Z'))).to.equal('2026-01-02T03:04:05Z');
    expect(rfc3339Nano(new Date('2026-01-02T03:04:05.120Z'))).to.equal('2026-01-02T03:04:05.12Z');
  });
});
