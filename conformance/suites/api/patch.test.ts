// The three patch types every client uses: JSON merge patch, JSON patch and strategic merge patch.
import type { V1ConfigMap, V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { absentNodeName, createInertServiceAccount, inertContainer, inertPod } from '../../lib/pods.ts';
import { useSpecTimeouts } from '../../lib/specs.ts';
import { bodyOf, statusOf } from '../../lib/status.ts';

describe('api: patch', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('api-patch');

  before(async function () {
    this.timeout(60_000);
    await createInertServiceAccount(ns.cluster, ns.name);
  });

  function patch(path: string, contentType: string, body: unknown) {
    return ns.cluster.request({ method: 'PATCH', path, contentType, body });
  }

  it('[API-PATCH-MERGE] a JSON merge patch sets, replaces and (with null) deletes map entries', async () => {
    const namespace = ns.name;
    await ns.cluster.core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'merge', labels: { a: '1', b: '2' } }, data: { x: '1', y: '2', z: '3' } },
    });
    const res = await patch(
      `/api/v1/namespaces/${namespace}/configmaps/merge`,
      'application/merge-patch+json',
      {
        metadata: { labels: { b: null, c: '3' } },
        data: { x: '10', y: null },
      },
    );
    const patched = bodyOf<V1ConfigMap>('merge patch', res, [200]);
    expect(patched.metadata?.labels).to.deep.equal({ a: '1', c: '3' });
    expect(patched.data).to.deep.equal({ x: '10', z: '3' });
    const read = await ns.cluster.core.readNamespacedConfigMap({ name: 'merge', namespace });
    expect(read.metadata?.labels).to.deep.equal({ a: '1', c: '3' });
    expect(read.data).to.deep.equal({ x: '10', z: '3' });
  });

  it('[API-PATCH-JSON] a JSON patch applies test, add, replace and remove in order, and a failed test changes nothing', async () => {
    const namespace = ns.name;
    const path = `/api/v1/namespaces/${namespace}/configmaps/json`;
    await ns.cluster.core.createNamespacedConfigMap({
      namespace,
      body: { metadata: { name: 'json', labels: { keep: 'yes' } }, data: { x: '1', y: '2' } },
    });
    const res = await patch(path, 'application/json-patch+json', [
      { op: 'test', path: '/data/x', value: '1' },
      { op: 'replace', path: '/data/x', value: '2' },
      { op: 'add', path: '/data/z', value: '3' },
      { op: 'remove', path: '/data/y' },
      { op: 'add', path: '/metadata/labels/example.com~1role', value: 'patched' },
      { op: 'test', path: '/data/x', value: '2' },
    ]);
    const patched = bodyOf<V1ConfigMap>('JSON patch', res, [200]);
    expect(patched.data).to.deep.equal({ x: '2', z: '3' });
    expect(patched.metadata?.labels).to.deep.equal({ keep: 'yes', 'example.com/role': 'patched' });

    const refused = await patch(path, 'application/json-patch+json', [
      { op: 'replace', path: '/data/z', value: 'changed' },
      { op: 'test', path: '/data/x', value: 'not-the-value' },
    ]);
    statusOf('JSON patch whose test fails', refused, 422);
    const read = await ns.cluster.core.readNamespacedConfigMap({ name: 'json', namespace });
    expect(read.data, 'data after the refused patch').to.deep.equal({ x: '2', z: '3' });
    expect(read.metadata?.resourceVersion).to.equal(patched.metadata?.resourceVersion);
  });

  it('[API-PATCH-STRATEGIC] a strategic merge patch merges containers by name', async () => {
    const namespace = ns.name;
    const pod = inertPod('smp', { nodeName: absentNodeName(), containers: ['a', 'b'] });
    pod.spec!.containers = [
      inertContainer('a', 'kconform.invalid/a:1'),
      inertContainer('b', 'kconform.invalid/b:1'),
    ];
    await ns.cluster.core.createNamespacedPod({ namespace, body: pod });
    const res = await patch(
      `/api/v1/namespaces/${namespace}/pods/smp`,
      'application/strategic-merge-patch+json',
      {
        spec: { containers: [{ name: 'b', image: 'kconform.invalid/b:2' }] },
      },
    );
    const patched = bodyOf<V1Pod>('strategic merge patch', res, [200]);
    const images = (p: V1Pod) => (p.spec?.containers ?? []).map((c) => `${c.name}=${c.image}`);
    expect(images(patched)).to.deep.equal(['a=kconform.invalid/a:1', 'b=kconform.invalid/b:2']);
    const read = await ns.cluster.core.readNamespacedPod({ name: 'smp', namespace });
    expect(images(read)).to.deep.equal(['a=kconform.invalid/a:1', 'b=kconform.invalid/b:2']);
    expect(
      read.spec?.containers[1]?.securityContext?.runAsUser,
      'container b keeps its other fields',
    ).to.equal(65534);
  });
});
