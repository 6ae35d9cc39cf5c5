// Create, read, list, update and delete of a namespaced resource (ConfigMap), and the errors the
// basic verbs answer.
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { useSpecTimeouts } from '../../lib/specs.ts';
import { rejection } from '../../lib/status.ts';

describe('api: create, read, update, delete', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('api-crud');

  it('[API-CRUD-CONFIGMAP] a ConfigMap can be created, read, listed, updated and deleted', async () => {
    const { core } = ns.cluster;
    const namespace = ns.name;
    const created = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'crud', labels: { app: 'crud' } }, data: { a: '1' } },
    });
    expect(created.metadata?.name).to.equal('crud');
    expect(created.metadata?.namespace).to.equal(namespace);
    expect(created.metadata?.labels).to.deep.equal({ app: 'crud' });
    expect(created.data).to.deep.equal({ a: '1' });
    expect(created.metadata?.uid, 'uid').to.be.a('string').and.not.equal('');
    expect(created.metadata?.resourceVersion, 'resourceVersion').to.be.a('string').and.not.equal('');
    expect(created.metadata?.creationTimestamp, 'creationTimestamp').to.not.equal(undefined);

    const read = await core.readNamespacedConfigMap({ name: 'crud', namespace });
    expect(read.metadata?.uid).to.equal(created.metadata?.uid);
    expect(read.metadata?.resourceVersion).to.equal(created.metadata?.resourceVersion);
    expect(read.data).to.deep.equal({ a: '1' });

    const list = await core.listNamespacedConfigMap({ namespace });
    expect(list.metadata?.resourceVersion, 'list resourceVersion').to.be.a('string').and.not.equal('');
    expect(list.items.map((item) => item.metadata?.name)).to.include('crud');

    const updated = await core.replaceNamespacedConfigMap({
      name: 'crud',
      namespace,
      body: { metadata: { ...read.metadata }, data: { a: '2', b: '3' } },
    });
    expect(updated.data).to.deep.equal({ a: '2', b: '3' });
    expect(updated.metadata?.resourceVersion).to.not.equal(read.metadata?.resourceVersion);
    const reread = await core.readNamespacedConfigMap({ name: 'crud', namespace });
    expect(reread.data).to.deep.equal({ a: '2', b: '3' });
    expect(reread.metadata?.resourceVersion).to.equal(updated.metadata?.resourceVersion);

    await core.deleteNamespacedConfigMap({ name: 'crud', namespace });
    const gone = await rejection(
      'get after delete',
      core.readNamespacedConfigMap({ name: 'crud', namespace }),
    );
    expect(gone.code).to.equal(404);
  });

  it('[API-NOT-FOUND] reading or deleting a missing object answers 404 NotFound with a Status', async () => {
    const { core } = ns.cluster;
    const namespace = ns.name;
    for (const [verb, call] of [
      ['get', () => core.readNamespacedConfigMap({ name: 'no-such-configmap', namespace })],
      ['delete', () => core.deleteNamespacedConfigMap({ name: 'no-such-configmap', namespace })],
    ] as const) {
      const { code, status } = await rejection(`${verb} of a missing configmap`, call());
      expect(code, verb).to.equal(404);
      expect(status, verb).to.deep.include({
        kind: 'Status',
        status: 'Failure',
        reason: 'NotFound',
        code: 404,
        message: 'configmaps "no-such-configmap" not found',
      });
      expect(status.details, verb).to.deep.include({ name: 'no-such-configmap', kind: 'configmaps' });
    }
  });

  it('[API-ALREADY-EXISTS] creating an object under a taken name answers 409 AlreadyExists', async () => {
    const { core } = ns.cluster;
    const namespace = ns.name;
    await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'taken' }, data: { first: 'yes' } },
    });
    const { code, status } = await rejection(
      'second create of configmap "taken"',
      core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name: 'taken' }, data: { second: 'yes' } },
      }),
    );
    expect(code).to.equal(409);
    expect(status).to.deep.include({
      kind: 'Status',
      status: 'Failure',
      reason: 'AlreadyExists',
      code: 409,
      message: 'configmaps "taken" already exists',
    });
    expect(status.details).to.deep.include({ name: 'taken', kind: 'configmaps' });
    const existing = await core.readNamespacedConfigMap({ name: 'taken', namespace });
    expect(existing.data).to.deep.equal({ first: 'yes' });
  });

  it('[API-GENERATE-NAME] generateName yields the prefix plus a random suffix, different each time', async () => {
    const { core } = ns.cluster;
    const namespace = ns.name;
    const first = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { generateName: 'gen-' } },
    });
    const second = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { generateName: 'gen-' } },
    });
    for (const made of [first, second]) {
      expect(made.metadata?.name, 'generated name').to.match(/^gen-[a-z0-9]+$/);
      expect(made.metadata?.generateName).to.equal('gen-');
      const read = await core.readNamespacedConfigMap({ name: made.metadata!.name!, namespace });
      expect(read.metadata?.uid).to.equal(made.metadata?.uid);
    }
    expect(first.metadata?.name).to.not.equal(second.metadata?.name);
  });

  it('[API-DELETE-COLLECTION] deletecollection with a label selector deletes exactly the matching objects', async () => {
    const { core } = ns.cluster;
    const namespace = ns.name;
    for (const [name, set] of [
      ['dc-a1', 'a'],
      ['dc-a2', 'a'],
      ['dc-a3', 'a'],
      ['dc-b1', 'b'],
      ['dc-b2', 'b'],
    ]) {
      await core.createNamespacedConfigMap({
        namespace,
        body: { metadata: { name, labels: { 'dc-set': set! } } },
      });
    }
    await core.deleteCollectionNamespacedConfigMap({ namespace, labelSelector: 'dc-set=a' });
    const a = await core.listNamespacedConfigMap({ namespace, labelSelector: 'dc-set=a' });
    expect(a.items.map((item) => item.metadata?.name)).to.deep.equal([]);
    const b = await core.listNamespacedConfigMap({ namespace, labelSelector: 'dc-set=b' });
    expect(b.items.map((item) => item.metadata?.name).sort()).to.deep.equal(['dc-b1', 'dc-b2']);
  });
});
