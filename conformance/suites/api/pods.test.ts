// Pod deletion and the status subresource, with pods that no kubelet runs (see lib/pods.ts), so the
// answers come from the API server alone on any cluster.
import type { V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { absentNodeName, createInertServiceAccount, inertPod } from '../../lib/pods.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { bodyOf, rejection } from '../../lib/status.ts';
import { Budget, waitForObject } from '../../lib/wait.ts';

const GRACE_SECONDS = 600;

function seconds(timestamp: Date | string | undefined): number {
  if (timestamp === undefined) throw new Error('timestamp missing');
  return new Date(timestamp).getTime() / 1000;
}

describe('api: pods', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('api-pods');

  before(async function () {
    this.timeout(60_000);
    await createInertServiceAccount(ns.cluster, ns.name);
  });

  it('[API-POD-GRACEFUL-DELETE] deleting a pod bound to a node marks it with its grace period until a delete with grace 0', async () => {
    const budget = new Budget(spec('API-POD-GRACEFUL-DELETE').timeout);
    const { core } = ns.cluster;
    const namespace = ns.name;
    const name = 'graceful';
    const created = await core.createNamespacedPod({
      namespace,
      body: inertPod(name, { nodeName: absentNodeName(), terminationGracePeriodSeconds: GRACE_SECONDS }),
    });
    expect(created.spec?.terminationGracePeriodSeconds).to.equal(GRACE_SECONDS);

    const answered = await core.deleteNamespacedPod({ name, namespace });
    expect(answered.metadata?.deletionTimestamp, 'deletionTimestamp in the delete answer').to.not.equal(
      undefined,
    );
    expect(
      answered.metadata?.deletionGracePeriodSeconds,
      'deletionGracePeriodSeconds in the delete answer',
    ).to.equal(GRACE_SECONDS);

    const marked = await core.readNamespacedPod({ name, namespace });
    expect(marked.metadata?.uid).to.equal(created.metadata?.uid);
    expect(marked.metadata?.deletionGracePeriodSeconds).to.equal(GRACE_SECONDS);
    const delay = seconds(marked.metadata?.deletionTimestamp) - seconds(created.metadata?.creationTimestamp);
    expect(delay, 'deletionTimestamp minus creationTimestamp, in seconds').to.be.within(
      GRACE_SECONDS - 1,
      GRACE_SECONDS + spec('API-POD-GRACEFUL-DELETE').timeout / 1000,
    );

    await core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
    await waitForObject<V1Pod>(ns.cluster, {
      what: `pod ${namespace}/${name} removed after a delete with gracePeriodSeconds=0`,
      collectionPath: `/api/v1/namespaces/${namespace}/pods`,
      name,
      timeoutMs: budget.left(),
      until: (pod) => pod === undefined,
      describe: (pod) =>
        pod ? `still there, deletionTimestamp ${String(pod.metadata?.deletionTimestamp ?? 'unset')}` : 'gone',
    });
    expect(
      (await rejection('get after forced delete', core.readNamespacedPod({ name, namespace }))).code,
    ).to.equal(404);
  });

  it('[API-POD-DELETE-UNSCHEDULED] deleting a pod not bound to a node removes it at once', async () => {
    const { core } = ns.cluster;
    const namespace = ns.name;
    const name = 'unbound';
    await core.createNamespacedPod({
      namespace,
      body: inertPod(name, { terminationGracePeriodSeconds: GRACE_SECONDS }),
    });
    const read = await core.readNamespacedPod({ name, namespace });
    expect(read.spec?.nodeName ?? '', 'the pod is not bound').to.equal('');
    await core.deleteNamespacedPod({ name, namespace });
    const gone = await rejection('get right after the delete', core.readNamespacedPod({ name, namespace }));
    expect(gone.code).to.equal(404);
  });

  it('[API-STATUS-SUBRESOURCE] pod status is written through pods/status, and writes to the pod ignore status', async () => {
    const namespace = ns.name;
    const name = 'status';
    const path = `/api/v1/namespaces/${namespace}/pods/${name}`;
    const created = await ns.cluster.core.createNamespacedPod({
      namespace,
      body: inertPod(name, { nodeName: absentNodeName() }),
    });
    const originalDeadline = created.spec?.activeDeadlineSeconds;

    const condition = {
      type: 'KconformStatusPatched',
      status: 'True',
      reason: 'Conformance',
      message: 'patched',
    };
    const statusPatch = await ns.cluster.request({
      method: 'PATCH',
      path: `${path}/status`,
      contentType: 'application/merge-patch+json',
      body: { spec: { activeDeadlineSeconds: 42 }, status: { conditions: [condition] } },
    });
    const patched = bodyOf<V1Pod>('merge patch of pods/status', statusPatch, [200]);
    expect(patched.status?.conditions ?? [], 'conditions in the answer').to.deep.include(condition);
    expect(patched.spec?.activeDeadlineSeconds, 'spec through pods/status is ignored').to.equal(
      originalDeadline,
    );

    const read = await ns.cluster.core.readNamespacedPod({ name, namespace });
    expect(
      (read.status?.conditions ?? []).map((c) => ({
        type: c.type,
        status: c.status,
        reason: c.reason,
        message: c.message,
      })),
      'conditions read back',
    ).to.deep.include(condition);

    const mainPatch = await ns.cluster.request({
      method: 'PATCH',
      path,
      contentType: 'application/merge-patch+json',
      body: { metadata: { labels: { patched: 'main' } }, status: { message: 'through the main resource' } },
    });
    const main = bodyOf<V1Pod>('merge patch of the pod', mainPatch, [200]);
    expect(main.metadata?.labels).to.include({ patched: 'main' });
    expect(main.status?.message, 'status through the main resource is ignored').to.equal(
      read.status?.message,
    );
    const reread = await ns.cluster.core.readNamespacedPod({ name, namespace });
    expect(reread.status?.message).to.equal(read.status?.message);
  });
});
