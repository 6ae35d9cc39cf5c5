// @host: @kubernetes/client-node (the client every reference component and the suite use)
// against the reference apiserver over HTTPS: typed CRUD, informers and leases.
import { expect } from 'chai';
import * as k8s from '@kubernetes/client-node';
import { startSecureTestApi, type SecureTestApi } from './support/test-api.ts';

describe('@kubernetes/client-node against the reference apiserver @host', function () {
  this.timeout(60_000);
  let api: SecureTestApi;
  let kc: k8s.KubeConfig;

  before(async () => {
    api = await startSecureTestApi();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(api.kubeconfigPath);
  });
  after(async () => api?.close());

  it('typed CRUD on pods, with a 409 ApiException for a stale update', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'cn' } } });
    const created = await core.createNamespacedPod({
      namespace: 'cn',
      body: {
        metadata: { name: 'p1', labels: { app: 'a' } },
        spec: { containers: [{ name: 'c', image: 'kconform/busybox:test' }] },
      },
    });
    expect(created.metadata?.uid).to.be.a('string');
    expect(created.spec?.dnsPolicy).to.equal('ClusterFirst');
    const listed = await core.listNamespacedPod({ namespace: 'cn', labelSelector: 'app=a' });
    expect(listed.items.map((p) => p.metadata?.name)).to.deep.equal(['p1']);

    const fresh = await core.readNamespacedPod({ name: 'p1', namespace: 'cn' });
    fresh.metadata!.labels = { app: 'a', v: '2' };
    await core.replaceNamespacedPod({ name: 'p1', namespace: 'cn', body: fresh });
    fresh.metadata!.labels = { app: 'a', v: '3' };
    const err = await core
      .replaceNamespacedPod({ name: 'p1', namespace: 'cn', body: fresh })
      .catch((e: unknown) => e);
    expect(err).to.be.instanceOf(k8s.ApiException);
    expect((err as k8s.ApiException<string>).code).to.equal(409);
  });

  it('an informer lists, then sees add, update and delete in order', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'inf' } } });
    const seen: string[] = [];
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/inf/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'inf' }),
    );
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${o.data?.k}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    await core.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'before' } } });
    await informer.start();
    try {
      await core.createNamespacedConfigMap({
        namespace: 'inf',
        body: { metadata: { name: 'c1' }, data: { k: '1' } },
      });
      await core.patchNamespacedConfigMap(
        { name: 'c1', namespace: 'inf', body: { data: { k: '2' } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      await core.deleteNamespacedConfigMap({ name: 'c1', namespace: 'inf' });
      const deadline = Date.now() + 15_000;
      while (seen.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(seen).to.deep.equal(['add before', 'add c1', 'update c1 2', 'delete c1']);
    } finally {
      await informer.stop();
    }
  });

  it('leases: create and renew with optimistic concurrency, as a kubelet does', async () => {
    const coordination = kc.makeApiClient(k8s.CoordinationV1Api);
    const lease = await coordination.createNamespacedLease({
      namespace: 'kube-node-lease',
      body: {
        metadata: { name: 'node-a' },
        spec: { holderIdentity: 'node-a', leaseDurationSeconds: 40, renewTime: new k8s.V1MicroTime() },
      },
    });
    lease.spec!.renewTime = new k8s.V1MicroTime();
    const renewed = await coordination.replaceNamespacedLease({
      name: 'node-a',
      namespace: 'kube-node-lease',
      body: lease,
    });
    expect(Number(renewed.metadata!.resourceVersion)).to.be.greaterThan(
      Number(lease.metadata!.resourceVersion),
    );
  });
});
