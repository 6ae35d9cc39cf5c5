// The controller-manager's other loops as a user sees them: Endpoints and EndpointSlices that
// follow the readiness of a service's pods (with named ports resolved per pod), and a deleted
// namespace that takes its pods with it.
import type * as k8s from '@kubernetes/client-node';
import type { V1EndpointSlice, V1Endpoints, V1Namespace, V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import { loadCluster } from '../../lib/cluster.ts';
import { execMustSucceed } from '../../lib/exec.ts';
import { randomSuffix, SUITE_LABEL, useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget, pollUntil, waitForObject } from '../../lib/wait.ts';
import {
  busybox,
  createWorkloadServiceAccount,
  describePods,
  isReady,
  podSpec,
  waitForPods,
} from './workloads.ts';

const SERVE_PORT = 8080;
/** Ready once /tmp/ready exists: the test decides when each pod becomes Ready. */
function gatedServer(name: string, labels: Record<string, string>, namedPort: boolean): V1Pod {
  return {
    metadata: { name, labels },
    spec: podSpec([
      busybox('main', 'sleep 3600', {
        ...(namedPort ? { ports: [{ name: 'web', containerPort: SERVE_PORT }] } : {}),
        readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1 },
      }),
    ]),
  };
}

const ips = (list: k8s.V1EndpointAddress[] | undefined) => (list ?? []).map((a) => a.ip).sort();

describe('replication: endpoints and namespaces', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('replication-endpoints');

  before(async function () {
    this.timeout(60_000);
    await createWorkloadServiceAccount(ns.cluster, ns.name);
  });

  it('[REPLICATION-ENDPOINTS-READY-PODS] Endpoints and EndpointSlices list ready and not-ready pods with named ports resolved', async () => {
    const budget = new Budget(spec('REPLICATION-ENDPOINTS-READY-PODS').timeout);
    const { core } = ns.cluster;
    const namespace = ns.name;
    const labels = { app: 'ep' };
    const service = await core.createNamespacedService({
      namespace,
      body: {
        metadata: { name: 'ep' },
        spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 'web' }] },
      },
    });
    await core.createNamespacedPod({ namespace, body: gatedServer('ep-ready', labels, true) });
    await core.createNamespacedPod({ namespace, body: gatedServer('ep-waiting', labels, true) });
    await core.createNamespacedPod({ namespace, body: gatedServer('ep-portless', labels, false) });
    await waitForPods(
      ns.cluster,
      namespace,
      'app=ep',
      '3 pods running',
      budget.left(),
      (p) => p.filter((x) => x.status?.phase === 'Running' && x.status.podIP).length === 3,
    );
    const make = (pod: string) =>
      pollUntil(
        () =>
          execMustSucceed(
            ns.cluster,
            { namespace, pod, container: 'main' },
            ['touch', '/tmp/ready'],
            30_000,
          ).then(
            () => true,
            () => false,
          ),
        { what: `marking ${pod} ready`, timeoutMs: budget.left(), done: (ok) => ok },
      );
    await make('ep-ready');
    await make('ep-portless');
    const pods = await waitForPods(
      ns.cluster,
      namespace,
      'app=ep',
      'ep-ready and ep-portless Ready',
      budget.left(),
      (p) => p.filter(isReady).length === 2,
    );
    const ipOf = (name: string) => pods.find((p) => p.metadata?.name === name)!.status!.podIP!;

    const endpointsUntil = (what: string, until: (subset: k8s.V1EndpointSubset) => boolean) =>
      waitForObject<V1Endpoints>(ns.cluster, {
        what: `Endpoints ep ${what}`,
        collectionPath: `/api/v1/namespaces/${namespace}/endpoints`,
        name: 'ep',
        timeoutMs: budget.left(),
        until: (ep) => (ep?.subsets ?? []).some(until),
        describe: (ep) => JSON.stringify(ep?.subsets ?? 'absent'),
      });

    const listed = (await endpointsUntil(
      'listing ep-ready ready and ep-waiting not ready on the resolved port',
      (s) =>
        (s.ports ?? []).some((p) => p.port === SERVE_PORT) &&
        ips(s.addresses).join() === ipOf('ep-ready') &&
        ips(s.notReadyAddresses).join() === ipOf('ep-waiting'),
    ))!;
    const subset = listed.subsets!.find((s) => (s.ports ?? []).some((p) => p.port === SERVE_PORT))!;
    expect(subset.ports).to.deep.equal([{ name: 'http', port: SERVE_PORT, protocol: 'TCP' }]);
    expect(subset.addresses![0]!.targetRef).to.include({ kind: 'Pod', name: 'ep-ready' });
    expect(subset.addresses![0]!.nodeName).to.equal(
      pods.find((p) => p.metadata?.name === 'ep-ready')!.spec!.nodeName,
    );
    const everywhere = (listed.subsets ?? []).flatMap((s) =>
      (s.ports ?? []).some((p) => p.name === 'http' && p.port === SERVE_PORT)
        ? [...ips(s.addresses), ...ips(s.notReadyAddresses)]
        : [],
    );
    expect(everywhere, 'a pod without the named port is not listed on it').to.not.include(
      ipOf('ep-portless'),
    );

    const slices = await pollUntil(
      async () =>
        (
          await ns.cluster.request({
            method: 'GET',
            path: `/apis/discovery.k8s.io/v1/namespaces/${namespace}/endpointslices`,
            query: { labelSelector: 'kubernetes.io/service-name=ep' },
          })
        ).body as { items?: V1EndpointSlice[] },
      {
        what: 'EndpointSlices of ep with ep-ready ready and ep-waiting not ready',
        timeoutMs: budget.left(),
        done: (list) => {
          const eps = (list.items ?? []).flatMap((s) => s.endpoints ?? []);
          return (
            eps.some((e) => e.targetRef?.name === 'ep-ready' && e.conditions?.ready === true) &&
            eps.some((e) => e.targetRef?.name === 'ep-waiting' && e.conditions?.ready === false)
          );
        },
        describe: (list) => JSON.stringify(list?.items?.map((s) => s.endpoints) ?? 'none'),
      },
    );
    const withPort = slices.items!.find((s) =>
      (s.endpoints ?? []).some((e) => e.targetRef?.name === 'ep-ready'),
    )!;
    expect(withPort.ports).to.deep.include({ name: 'http', port: SERVE_PORT, protocol: 'TCP' });
    expect(
      withPort.metadata?.ownerReferences?.some(
        (r) => r.kind === 'Service' && r.uid === service.metadata?.uid,
      ),
    ).to.equal(true);

    await make('ep-waiting');
    await endpointsUntil(
      'listing ep-waiting as ready once it is Ready',
      (s) =>
        ips(s.addresses).includes(ipOf('ep-waiting')) && (s.ports ?? []).some((p) => p.port === SERVE_PORT),
    );
  });

  it('[REPLICATION-NAMESPACE-DELETION-REMOVES-PODS] deleting a namespace removes its pods and then the namespace', async () => {
    const budget = new Budget(spec('REPLICATION-NAMESPACE-DELETION-REMOVES-PODS').timeout);
    const cluster = loadCluster();
    const name = `kconform-nsdelete-${randomSuffix()}`;
    await cluster.core.createNamespace({
      body: { metadata: { name, labels: { [SUITE_LABEL]: 'replication-nsdelete' } } },
    });
    try {
      await createWorkloadServiceAccount(cluster, name);
      await cluster.core.createNamespacedPod({
        namespace: name,
        body: { metadata: { name: 'test-pod', labels: { app: 'doomed' } }, spec: podSpec([busybox('main')]) },
      });
      await waitForPods(cluster, name, 'app=doomed', 'test-pod running', budget.left(), (p) =>
        p.some((x) => x.status?.phase === 'Running'),
      );
      await cluster.core.deleteNamespace({ name });
      await waitForObject<V1Namespace>(cluster, {
        what: `namespace ${name} removed`,
        collectionPath: '/api/v1/namespaces',
        name,
        timeoutMs: budget.left(),
        until: (namespace) => namespace === undefined,
        describe: (namespace) =>
          namespace
            ? `phase ${namespace.status?.phase}, conditions ${JSON.stringify(namespace.status?.conditions ?? [])}`
            : 'gone',
      });
      await cluster.core.createNamespace({
        body: { metadata: { name, labels: { [SUITE_LABEL]: 'replication-nsdelete' } } },
      });
      const pods = await cluster.core.listNamespacedPod({ namespace: name });
      expect(pods.items, `pods in the recreated namespace: ${describePods(pods.items)}`).to.deep.equal([]);
    } finally {
      await cluster.core.deleteNamespace({ name }).catch(() => undefined);
    }
  });
});
