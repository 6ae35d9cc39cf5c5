// apps/v1 ReplicaSets as upstream's sig-apps conformance tests use them: replicas that run and
// serve, adoption and release by a matchExpressions selector, the scale subresource, and
// label-selected list and deletecollection.
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget, pollUntil } from '../../lib/wait.ts';
import { appsApi, replicaSet, waitForReplicaSet } from './apps-workloads.ts';
import {
  MERGE_PATCH,
  busybox,
  createWorkloadServiceAccount,
  hostnameServer,
  isReady,
  notDeleting,
  expectControlledReplicas,
  ownedBy,
  podSpec,
  replicasServeTheirNames,
  waitForPods,
  writeRetryingConflicts,
} from './workloads.ts';

describe('replication: ReplicaSet', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('replication-rs');

  before(async function () {
    this.timeout(60_000);
    await createWorkloadServiceAccount(ns.cluster, ns.name);
  });

  it('[REPLICATION-RS-SERVES-REPLICAS] runs each replica, which serves its own name, and reports them ready', async () => {
    const budget = new Budget(spec('REPLICATION-RS-SERVES-REPLICAS').timeout);
    const apps = appsApi(ns.cluster);
    const rs = await apps.createNamespacedReplicaSet({
      namespace: ns.name,
      body: replicaSet('serve', 2, { app: 'serve' }, podSpec([hostnameServer()])),
    });
    const pods = await waitForPods(
      ns.cluster,
      ns.name,
      'app=serve',
      '2 ready replicas of serve',
      budget.left(),
      (p) => p.filter(notDeleting).filter(isReady).length === 2,
    );
    expectControlledReplicas(pods, { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: rs.metadata });
    await replicasServeTheirNames(ns.cluster, ns.name, pods, 'serve', budget.left());
    await waitForReplicaSet(
      ns.cluster,
      ns.name,
      'serve',
      'ReplicaSet serve status showing 2 ready and available replicas',
      budget.left(),
      (got) =>
        got.status?.replicas === 2 &&
        got.status.readyReplicas === 2 &&
        got.status.availableReplicas === 2 &&
        got.status.observedGeneration === got.metadata?.generation,
    );
  });

  it('[REPLICATION-RS-ADOPT-RELEASE] adopts a matching orphan pod and releases it once its labels stop matching', async () => {
    const budget = new Budget(spec('REPLICATION-RS-ADOPT-RELEASE').timeout);
    const { core } = ns.cluster;
    const apps = appsApi(ns.cluster);
    await core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'pod-adoption-release', labels: { name: 'pod-adoption-release' } },
        spec: podSpec([busybox('main')]),
      },
    });
    await waitForPods(
      ns.cluster,
      ns.name,
      'name=pod-adoption-release',
      'the orphan running',
      budget.left(),
      (p) => p.some((x) => x.status?.phase === 'Running'),
    );
    const labels = { name: 'pod-adoption-release' };
    const rs = await apps.createNamespacedReplicaSet({
      namespace: ns.name,
      body: replicaSet('pod-adoption-release', 1, labels, podSpec([busybox('main')]), {
        matchExpressions: [{ key: 'name', operator: 'In', values: ['pod-adoption-release'] }],
      }),
    });
    const adopted = await waitForPods(
      ns.cluster,
      ns.name,
      'name=pod-adoption-release',
      'the orphan adopted',
      budget.left(),
      (p) => p.some((x) => x.metadata?.name === 'pod-adoption-release' && ownedBy(rs)(x)),
    );
    expect(
      adopted.find((p) => p.metadata?.name === 'pod-adoption-release')!.metadata?.ownerReferences?.[0],
    ).to.include({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      name: 'pod-adoption-release',
      controller: true,
    });
    expect(
      adopted.filter(notDeleting).map((p) => p.metadata?.name),
      'no second pod',
    ).to.deep.equal(['pod-adoption-release']);

    await core.patchNamespacedPod(
      {
        name: 'pod-adoption-release',
        namespace: ns.name,
        body: { metadata: { labels: { name: 'pod-adoption-release-released' } } },
      },
      MERGE_PATCH,
    );
    await waitForPods(
      ns.cluster,
      ns.name,
      'name=pod-adoption-release-released',
      'the pod released',
      budget.left(),
      (p) => p.some((x) => x.metadata?.name === 'pod-adoption-release' && !ownedBy(rs)(x)),
    );
    const replaced = await waitForPods(
      ns.cluster,
      ns.name,
      'name=pod-adoption-release',
      'a replacement pod',
      budget.left(),
      (p) => p.filter(notDeleting).filter(ownedBy(rs)).length === 1,
    );
    expect(replaced.filter(notDeleting).map((p) => p.metadata?.name)).to.not.include('pod-adoption-release');
  });

  it('[REPLICATION-RS-SCALE] reads and writes spec.replicas through the scale subresource', async () => {
    const budget = new Budget(spec('REPLICATION-RS-SCALE').timeout);
    const apps = appsApi(ns.cluster);
    const rs = await apps.createNamespacedReplicaSet({
      namespace: ns.name,
      body: replicaSet('scaled', 1, { name: 'scaled' }, podSpec([busybox('main')])),
    });
    await waitForReplicaSet(
      ns.cluster,
      ns.name,
      'scaled',
      'scaled with 1 replica',
      budget.left(),
      (got) => got.status?.replicas === 1,
    );
    const scale = await apps.readNamespacedReplicaSetScale({ name: 'scaled', namespace: ns.name });
    expect(scale.spec?.replicas).to.equal(1);
    expect(scale.status).to.deep.include({ replicas: 1, selector: 'name=scaled' });
    // The update carries the resourceVersion read: a status write in between is a conflict; read again.
    await writeRetryingConflicts(
      'scale of scaled written',
      async () => {
        const current = await apps.readNamespacedReplicaSetScale({ name: 'scaled', namespace: ns.name });
        await apps.replaceNamespacedReplicaSetScale({
          name: 'scaled',
          namespace: ns.name,
          body: { ...current, spec: { replicas: 2 } },
        });
      },
      budget.left(),
    );
    const two = await apps.readNamespacedReplicaSet({ name: 'scaled', namespace: ns.name });
    expect(two.spec?.replicas).to.equal(2);
    await waitForPods(
      ns.cluster,
      ns.name,
      'name=scaled',
      '2 pods of scaled',
      budget.left(),
      (p) => p.filter(notDeleting).filter(ownedBy(rs)).length === 2,
    );
    await apps.patchNamespacedReplicaSetScale(
      { name: 'scaled', namespace: ns.name, body: { spec: { replicas: 3 } } },
      MERGE_PATCH,
    );
    const three = await apps.readNamespacedReplicaSet({ name: 'scaled', namespace: ns.name });
    expect(three.spec?.replicas).to.equal(3);
    await waitForPods(
      ns.cluster,
      ns.name,
      'name=scaled',
      '3 pods of scaled',
      budget.left(),
      (p) => p.filter(notDeleting).filter(ownedBy(rs)).length === 3,
    );
  });

  it('[REPLICATION-RS-LIST-DELETECOLLECTION] lists ReplicaSets by label across namespaces and deletes them as a collection', async () => {
    const budget = new Budget(spec('REPLICATION-RS-LIST-DELETECOLLECTION').timeout);
    const apps = appsApi(ns.cluster);
    const label = `e2e=${ns.name}`;
    const labels = { name: 'listed', e2e: ns.name };
    await apps.createNamespacedReplicaSet({
      namespace: ns.name,
      body: replicaSet('listed', 1, labels, podSpec([busybox('main')])),
    });
    await waitForReplicaSet(
      ns.cluster,
      ns.name,
      'listed',
      'listed with 1 ready replica',
      budget.left(),
      (got) => got.status?.readyReplicas === 1,
    );
    const all = await apps.listReplicaSetForAllNamespaces({ labelSelector: label });
    expect(all.items.map((rs) => `${rs.metadata?.namespace}/${rs.metadata?.name}`)).to.deep.equal([
      `${ns.name}/listed`,
    ]);
    await apps.deleteCollectionNamespacedReplicaSet({ namespace: ns.name, labelSelector: label });
    await pollUntil(() => apps.listNamespacedReplicaSet({ namespace: ns.name, labelSelector: label }), {
      what: 'the labelled ReplicaSets gone',
      timeoutMs: budget.left(),
      done: (list) => list.items.length === 0,
      describe: (list) => `left: ${(list?.items ?? []).map((rs) => rs.metadata?.name).join(', ') || 'none'}`,
    });
    await waitForPods(
      ns.cluster,
      ns.name,
      'name=listed',
      'the pods of listed deleted',
      budget.left(),
      (p) => p.filter(notDeleting).length === 0,
    );
  });
});
