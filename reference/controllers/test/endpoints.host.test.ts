// The endpoints and EndpointSlice controllers against a real reference apiserver: pods bound to
// a node no kubelet runs, their IP and readiness set by the test through the status subresource.
import { expect } from 'chai';
import type * as k8s from '@kubernetes/client-node';
import { eventuallyDefined, setPodStatus, useTestCluster } from './support/control-plane.ts';

const NS = 'ep';
const NODE = 'node-without-kubelet';

function pod(name: string, labels: Record<string, string>, extra: Partial<k8s.V1PodSpec> = {}): k8s.V1Pod {
  return {
    metadata: { name, namespace: NS, labels },
    spec: {
      nodeName: NODE,
      containers: [{ name: 'c', image: 'busybox', ports: [{ name: 'http', containerPort: 8080 }] }],
      ...extra,
    },
  };
}

const addresses = (subsets: k8s.V1EndpointSubset[] | undefined, which: 'addresses' | 'notReadyAddresses') =>
  (subsets ?? []).flatMap((s) => (s[which] ?? []).map((a) => a.ip)).sort();

describe('endpoints and EndpointSlice controllers against the apiserver @host', function () {
  this.timeout(60_000);
  const h = useTestCluster(['endpoint', 'endpointslice', 'garbagecollector'], [NS]);

  const endpoints = (name: string, until: (ep: k8s.V1Endpoints) => boolean) =>
    eventuallyDefined(`endpoints ${name}`, 10_000, async () => {
      const ep = await h.core.readNamespacedEndpoints({ name, namespace: NS }).catch(() => undefined);
      return ep && until(ep) ? ep : undefined;
    });
  const slices = (service: string, until: (s: k8s.V1EndpointSlice[]) => boolean) =>
    eventuallyDefined(`slices of ${service}`, 10_000, async () => {
      const list = await h.discovery.listNamespacedEndpointSlice({
        namespace: NS,
        labelSelector: `kubernetes.io/service-name=${service}`,
      });
      return until(list.items) ? list.items : undefined;
    });

  it('lists ready and not-ready pods with target refs, node names and resolved named ports, and follows readiness', async () => {
    const svc = await h.core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: 'web', labels: { tier: 'front' } },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      },
    });
    await h.core.createNamespacedPod({ namespace: NS, body: pod('web-a', { app: 'web' }) });
    await h.core.createNamespacedPod({ namespace: NS, body: pod('web-b', { app: 'web' }) });
    // A pod without the named port is left out of that port.
    await h.core.createNamespacedPod({
      namespace: NS,
      body: pod('web-noport', { app: 'web' }, { containers: [{ name: 'c', image: 'busybox' }] }),
    });
    await setPodStatus(h.core, NS, 'web-a', { ip: '10.244.5.1', ready: true });
    await setPodStatus(h.core, NS, 'web-b', { ip: '10.244.5.2', ready: false });
    await setPodStatus(h.core, NS, 'web-noport', { ip: '10.244.5.3', ready: true });

    const ep = await endpoints('web', (e) => addresses(e.subsets, 'notReadyAddresses').length === 1);
    expect(addresses(ep.subsets, 'addresses')).to.deep.equal(['10.244.5.1']);
    expect(addresses(ep.subsets, 'notReadyAddresses')).to.deep.equal(['10.244.5.2']);
    expect(ep.subsets).to.have.length(1);
    expect(ep.subsets![0]!.ports).to.deep.equal([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const a = ep.subsets![0]!.addresses![0]!;
    expect(a.nodeName).to.equal(NODE);
    expect(a.targetRef).to.include({ kind: 'Pod', namespace: NS, name: 'web-a' });
    expect(ep.metadata?.labels).to.deep.equal({ tier: 'front' });
    expect(ep.metadata?.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']).to.match(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/,
    );

    const webSlices = await slices(
      'web',
      (s) =>
        s.length === 2 && s.some((x) => (x.ports ?? []).length === 1 && (x.endpoints ?? []).length === 2),
    );
    const named = webSlices.find((s) => (s.ports ?? []).length === 1)!;
    expect(named.metadata?.labels).to.include({
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      tier: 'front',
    });
    expect(named.metadata?.ownerReferences?.[0]).to.include({
      kind: 'Service',
      name: 'web',
      uid: svc.metadata!.uid,
      controller: true,
    });
    expect(named.addressType).to.equal('IPv4');
    expect(named.ports).to.deep.equal([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    const byName = Object.fromEntries((named.endpoints ?? []).map((e) => [e.targetRef?.name, e.conditions]));
    expect(byName['web-a']).to.deep.equal({ ready: true, serving: true, terminating: false });
    expect(byName['web-b']).to.deep.equal({ ready: false, serving: false, terminating: false });
    // The pod without the port is in a slice of its own, without ports.
    const portless = webSlices.find((s) => (s.ports ?? []).length === 0);
    expect(portless?.endpoints?.map((e) => e.targetRef?.name)).to.deep.equal(['web-noport']);

    await setPodStatus(h.core, NS, 'web-b', { ip: '10.244.5.2', ready: true });
    const now = await endpoints('web', (e) => addresses(e.subsets, 'addresses').length === 2);
    expect(addresses(now.subsets, 'notReadyAddresses')).to.deep.equal([]);
  });

  it('leaves a terminating pod out of Endpoints and marks it terminating in its slice', async () => {
    await h.core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: 'term' },
        spec: { selector: { app: 'term' }, ports: [{ port: 80, targetPort: 8080 }] },
      },
    });
    await h.core.createNamespacedPod({ namespace: NS, body: pod('term-a', { app: 'term' }) });
    await setPodStatus(h.core, NS, 'term-a', { ip: '10.244.6.1', ready: true });
    await endpoints('term', (e) => addresses(e.subsets, 'addresses').length === 1);
    await h.core.deleteNamespacedPod({ name: 'term-a', namespace: NS }); // graceful: no kubelet ends it
    const ep = await endpoints('term', (e) => (e.subsets ?? []).length === 0);
    expect(ep.subsets ?? []).to.deep.equal([]);
    const [slice] = await slices('term', (s) =>
      s.some((x) => x.endpoints?.[0]?.conditions?.terminating === true),
    );
    expect(slice!.endpoints![0]!.conditions).to.deep.equal({
      ready: false,
      serving: true,
      terminating: true,
    });
  });

  it('publishes not-ready pods as ready with publishNotReadyAddresses, and sets hostnames for the subdomain', async () => {
    await h.core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: 'headless' },
        spec: {
          clusterIP: 'None',
          publishNotReadyAddresses: true,
          selector: { app: 'hl' },
          ports: [{ port: 80 }],
        },
      },
    });
    await h.core.createNamespacedPod({
      namespace: NS,
      body: pod('hl-0', { app: 'hl' }, { hostname: 'hl-0', subdomain: 'headless' }),
    });
    await setPodStatus(h.core, NS, 'hl-0', { ip: '10.244.7.1', ready: false });
    const ep = await endpoints('headless', (e) => addresses(e.subsets, 'addresses').length === 1);
    expect(ep.subsets![0]!.addresses![0]!.hostname).to.equal('hl-0');
    expect(ep.metadata?.labels).to.deep.equal({ 'service.kubernetes.io/headless': '' });
    const [slice] = await slices('headless', (s) => s.length === 1 && (s[0]!.endpoints ?? []).length === 1);
    expect(slice!.endpoints![0]).to.include({ hostname: 'hl-0' });
    expect(slice!.endpoints![0]!.conditions).to.deep.equal({
      ready: true,
      serving: true,
      terminating: false,
    });
  });

  it('gives a selector that matches nothing empty Endpoints and a placeholder slice, leaves selectorless services alone, and removes what a deleted service had', async () => {
    await h.core.createNamespacedService({
      namespace: NS,
      body: { metadata: { name: 'nobody' }, spec: { selector: { app: 'nobody' }, ports: [{ port: 80 }] } },
    });
    const ep = await endpoints('nobody', () => true);
    expect(ep.subsets ?? []).to.deep.equal([]);
    const [placeholder] = await slices('nobody', (s) => s.length === 1);
    expect(placeholder!.endpoints ?? []).to.deep.equal([]);

    await h.core.createNamespacedService({
      namespace: NS,
      body: { metadata: { name: 'manual' }, spec: { ports: [{ port: 80 }] } },
    });
    await h.core.createNamespacedEndpoints({
      namespace: NS,
      body: {
        metadata: { name: 'manual' },
        subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80 }] }],
      },
    });
    await h.core.deleteNamespacedService({ name: 'nobody', namespace: NS });
    await eventuallyDefined('endpoints and slices of a deleted service removed', 10_000, async () => {
      const gone = await h.core.readNamespacedEndpoints({ name: 'nobody', namespace: NS }).then(
        () => false,
        () => true,
      );
      const left = await h.discovery.listNamespacedEndpointSlice({
        namespace: NS,
        labelSelector: 'kubernetes.io/service-name=nobody',
      });
      return gone && left.items.length === 0 ? true : undefined;
    });
    const manual = await h.core.readNamespacedEndpoints({ name: 'manual', namespace: NS });
    expect(addresses(manual.subsets, 'addresses')).to.deep.equal(['192.0.2.1']);
    const manualSlices = await h.discovery.listNamespacedEndpointSlice({
      namespace: NS,
      labelSelector: 'kubernetes.io/service-name=manual',
    });
    expect(manualSlices.items).to.deep.equal([]);
  });
});
