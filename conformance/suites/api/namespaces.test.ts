// A cluster-scoped resource (Namespace) through its life, as far as is portable: a cluster without
// a namespace controller keeps a deleted namespace Terminating, one with it removes it.
import type { V1Namespace } from '@kubernetes/client-node';
import { expect } from 'chai';
import { loadCluster, type Cluster } from '../../lib/cluster.ts';
import { deleteNamespace, randomSuffix, SUITE_LABEL, SUITE_TIMEOUTS } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { rejection, type Rejection } from '../../lib/status.ts';
import { Budget, pollUntil, waitForObject } from '../../lib/wait.ts';

function terminatingOrGone(namespace: V1Namespace | undefined): boolean {
  return (
    namespace === undefined ||
    (namespace.metadata?.deletionTimestamp !== undefined && namespace.status?.phase === 'Terminating')
  );
}

function describeNamespace(namespace: V1Namespace | undefined): string {
  if (!namespace) return 'gone';
  return `phase ${namespace.status?.phase ?? '?'}, deletionTimestamp ${String(namespace.metadata?.deletionTimestamp ?? 'unset')}`;
}

describe('api: namespaces', () => {
  useSpecTimeouts();
  let cluster: Cluster;
  const made: string[] = [];

  before(() => {
    cluster = loadCluster();
  });

  after(async function () {
    this.timeout(SUITE_TIMEOUTS.cleanupMs);
    for (const name of made) await deleteNamespace(cluster, name);
  });

  async function createNamespace(base: string, labels: Record<string, string> = {}): Promise<V1Namespace> {
    const name = `kconform-${base}-${randomSuffix()}`;
    const created = await cluster.core.createNamespace({
      body: { metadata: { name, labels: { [SUITE_LABEL]: 'api-namespaces', ...labels } } },
    });
    made.push(name);
    return created;
  }

  it('[API-CRUD-NAMESPACE] a Namespace can be created, read, listed, updated and deleted', async () => {
    const { core } = cluster;
    const marker = randomSuffix();
    const created = await createNamespace('api-ns-crud', { 'conformance.kconform.io/marker': marker });
    const name = created.metadata!.name!;
    expect(created.status?.phase).to.equal('Active');
    expect(created.metadata?.namespace, 'a cluster-scoped object has no namespace').to.equal(undefined);
    expect(created.metadata?.uid).to.be.a('string').and.not.equal('');

    const read = await core.readNamespace({ name });
    expect(read.metadata?.uid).to.equal(created.metadata?.uid);

    const list = await core.listNamespace({ labelSelector: `conformance.kconform.io/marker=${marker}` });
    expect(list.items.map((item) => item.metadata?.name)).to.deep.equal([name]);

    const updated = await core.replaceNamespace({
      name,
      body: { ...read, metadata: { ...read.metadata, labels: { ...read.metadata?.labels, updated: 'yes' } } },
    });
    expect(updated.metadata?.labels).to.include({ updated: 'yes' });
    expect((await core.readNamespace({ name })).metadata?.labels).to.include({ updated: 'yes' });

    const budget = new Budget(spec('API-CRUD-NAMESPACE').timeout);
    await core.deleteNamespace({ name });
    await waitForObject<V1Namespace>(cluster, {
      what: `namespace ${name} Terminating or gone after delete`,
      collectionPath: '/api/v1/namespaces',
      name,
      timeoutMs: budget.left(),
      until: terminatingOrGone,
      describe: describeNamespace,
    });
  });

  it('[API-NAMESPACE-TERMINATING-CREATE] creating in a namespace being deleted is refused', async () => {
    const { core } = cluster;
    const budget = new Budget(spec('API-NAMESPACE-TERMINATING-CREATE').timeout);
    const created = await createNamespace('api-ns-term');
    const namespace = created.metadata!.name!;
    await core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'before-delete' } } });
    await core.deleteNamespace({ name: namespace });
    await waitForObject<V1Namespace>(cluster, {
      what: `namespace ${namespace} Terminating or gone after delete`,
      collectionPath: '/api/v1/namespaces',
      name: namespace,
      timeoutMs: budget.left(),
      until: terminatingOrGone,
      describe: describeNamespace,
    });
    // The deletion is visible; a server's admission cache may lag a moment behind, so poll.
    const refused = await pollUntil(
      () =>
        rejection(
          `create in namespace ${namespace} after its deletion`,
          core.createNamespacedConfigMap({
            namespace,
            body: { metadata: { generateName: 'after-delete-' } },
          }),
        ).catch((err: Error): Rejection => ({ code: 0, status: { message: err.message } })),
      {
        what: `a create in deleted namespace ${namespace} being refused`,
        timeoutMs: budget.left(),
        done: (r) => r.code !== 0,
        describe: (last) => `last answer: ${last?.status.message ?? 'none'}`,
      },
    );
    expect([403, 404], `HTTP status (${refused.status.message})`).to.include(refused.code);
    if (refused.code === 403) {
      expect(refused.status.reason).to.equal('Forbidden');
      expect(refused.status.message).to.include('because it is being terminated');
    } else {
      expect(refused.status.reason).to.equal('NotFound');
    }
  });
});
