// Optimistic concurrency: a write based on a stale resourceVersion is refused, never merged.
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { useSpecTimeouts } from '../../lib/specs.ts';
import { rejection, statusOf } from '../../lib/status.ts';

describe('api: optimistic concurrency', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('api-conflict');

  it('[API-UPDATE-CONFLICT] a stale resourceVersion is refused with 409 Conflict', async () => {
    const { core } = ns.cluster;
    const namespace = ns.name;
    const name = 'contended';
    const created = await core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name }, data: { v: '0' } },
    });
    const stale = created.metadata!.resourceVersion!;
    const current = await core.replaceNamespacedConfigMap({
      name,
      namespace,
      body: { metadata: { ...created.metadata }, data: { v: '1' } },
    });
    expect(current.metadata?.resourceVersion).to.not.equal(stale);

    const { code, status } = await rejection(
      'update with a stale resourceVersion',
      core.replaceNamespacedConfigMap({
        name,
        namespace,
        body: { metadata: { ...created.metadata, resourceVersion: stale }, data: { v: 'stale-update' } },
      }),
    );
    expect(code).to.equal(409);
    expect(status).to.deep.include({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      message:
        `Operation cannot be fulfilled on configmaps "${name}": the object has been modified; ` +
        'please apply your changes to the latest version and try again',
    });
    expect(status.details).to.deep.include({ name, kind: 'configmaps' });

    const patched = await ns.cluster.request({
      method: 'PATCH',
      path: `/api/v1/namespaces/${namespace}/configmaps/${name}`,
      contentType: 'application/merge-patch+json',
      body: { metadata: { resourceVersion: stale }, data: { v: 'stale-patch' } },
    });
    expect(statusOf('merge patch with a stale metadata.resourceVersion', patched, 409).reason).to.equal(
      'Conflict',
    );

    const deleted = await ns.cluster.request({
      method: 'DELETE',
      path: `/api/v1/namespaces/${namespace}/configmaps/${name}`,
      body: { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { resourceVersion: stale } },
    });
    expect(statusOf('delete with a stale preconditions.resourceVersion', deleted, 409).reason).to.equal(
      'Conflict',
    );

    const after = await core.readNamespacedConfigMap({ name, namespace });
    expect(after.data, 'the object is unchanged').to.deep.equal({ v: '1' });
    expect(after.metadata?.resourceVersion).to.equal(current.metadata?.resourceVersion);
  });
});
