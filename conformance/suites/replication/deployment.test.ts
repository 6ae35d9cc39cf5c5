// apps/v1 Deployments as upstream's sig-apps conformance tests use them: a rolling update that
// adopts an existing ReplicaSet and replaces its pods, Recreate never mixing old and new pods, the
// lifecycle through the main, status and scale subresources, and old ReplicaSets deleted by the
// revision history limit.
import * as k8s from '@kubernetes/client-node';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget, pollUntil } from '../../lib/wait.ts';
import {
  HASH_LABEL,
  REVISION,
  appsApi,
  deployment,
  replicaSet,
  replicaSetsOf,
  rolledOut,
  waitForDeployment,
  waitForReplicaSet,
} from './apps-workloads.ts';
import {
  MERGE_PATCH,
  busybox,
  createWorkloadServiceAccount,
  isReady,
  notDeleting,
  podSpec,
  waitForPods,
} from './workloads.ts';

const STRATEGIC_PATCH = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);

describe('replication: Deployment', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('replication-deploy');

  before(async function () {
    this.timeout(60_000);
    await createWorkloadServiceAccount(ns.cluster, ns.name);
  });

  const conditionOf = (d: V1Deployment, type: string) => d.status?.conditions?.find((c) => c.type === type);

  it('[REPLICATION-DEPLOYMENT-ROLLING-UPDATE] adopts an existing ReplicaSet and replaces its pods with the new template', async () => {
    const budget = new Budget(spec('REPLICATION-DEPLOYMENT-ROLLING-UPDATE').timeout);
    const apps = appsApi(ns.cluster);
    const labels = { name: 'sample-pod' };
    // As upstream: a ReplicaSet of the old template exists first, then a Deployment selecting its pods.
    await apps.createNamespacedReplicaSet({
      namespace: ns.name,
      body: replicaSet('test-rolling-update-controller', 1, labels, podSpec([busybox('old')])),
    });
    await waitForPods(ns.cluster, ns.name, 'name=sample-pod', 'the old pod ready', budget.left(), (p) =>
      p.filter(notDeleting).some(isReady),
    );
    const d = await apps.createNamespacedDeployment({
      namespace: ns.name,
      body: deployment('test-rolling-update-deployment', 2, labels, podSpec([busybox('new')])),
    });
    const done = await waitForDeployment(
      ns.cluster,
      ns.name,
      'test-rolling-update-deployment',
      'the Deployment rolled out',
      budget.left(),
      (got) => rolledOut(got) && conditionOf(got, 'Progressing')?.reason === 'NewReplicaSetAvailable',
    );
    expect(done.status).to.include({ replicas: 2, updatedReplicas: 2, availableReplicas: 2 });
    expect(conditionOf(done, 'Available')).to.include({ status: 'True', reason: 'MinimumReplicasAvailable' });
    expect(conditionOf(done, 'Progressing')?.status).to.equal('True');

    const owned = await replicaSetsOf(apps, ns.name, d);
    const old = owned.find((rs) => rs.metadata?.name === 'test-rolling-update-controller');
    const current = owned.find((rs) => rs !== old);
    expect(old, 'the existing ReplicaSet was adopted').to.not.equal(undefined);
    expect(owned).to.have.length(2);
    const hash = current!.metadata?.labels?.[HASH_LABEL];
    expect(hash, 'the new ReplicaSet carries a pod-template-hash label').to.be.a('string').and.not.equal('');
    expect(current!.metadata?.name).to.equal(`test-rolling-update-deployment-${hash}`);
    expect(current!.metadata?.annotations?.[REVISION]).to.match(/^\d+$/);
    await waitForReplicaSet(
      ns.cluster,
      ns.name,
      old!.metadata!.name!,
      'the old ReplicaSet at 0',
      budget.left(),
      (rs) => rs.spec?.replicas === 0 && (rs.status?.replicas ?? 0) === 0,
    );
    const pods = await waitForPods(
      ns.cluster,
      ns.name,
      'name=sample-pod',
      'only the 2 new pods',
      budget.left(),
      (p) => {
        const live = p.filter(notDeleting);
        return live.length === 2 && live.every((x) => x.metadata?.labels?.[HASH_LABEL] === hash);
      },
    );
    expect(pods.filter(notDeleting).every((p) => p.spec?.containers[0]?.name === 'new')).to.equal(true);
  });

  it('[REPLICATION-DEPLOYMENT-RECREATE] removes every old pod before creating new ones', async () => {
    const budget = new Budget(spec('REPLICATION-DEPLOYMENT-RECREATE').timeout);
    const apps = appsApi(ns.cluster);
    const labels = { name: 'sample-pod-3' };
    await apps.createNamespacedDeployment({
      namespace: ns.name,
      body: deployment('test-recreate-deployment', 2, labels, podSpec([busybox('main')]), {
        strategy: { type: 'Recreate' },
      }),
    });
    await waitForDeployment(
      ns.cluster,
      ns.name,
      'test-recreate-deployment',
      'revision 1 rolled out',
      budget.left(),
      rolledOut,
    );
    await apps.patchNamespacedDeployment(
      {
        name: 'test-recreate-deployment',
        namespace: ns.name,
        body: { spec: { template: { metadata: { annotations: { 'kconform.io/revision': '2' } } } } },
      },
      MERGE_PATCH,
    );
    // Watch the pods until the new template runs everywhere, checking that old and new never overlap.
    let mixed: string | undefined;
    const hashes = (p: V1Pod[]) =>
      new Set(p.filter(notDeleting).map((x) => x.metadata?.labels?.[HASH_LABEL]));
    const first = (
      await ns.cluster.core.listNamespacedPod({ namespace: ns.name, labelSelector: 'name=sample-pod-3' })
    ).items;
    const oldHash = [...hashes(first)][0];
    const final = await waitForPods(
      ns.cluster,
      ns.name,
      'name=sample-pod-3',
      '2 ready new pods',
      budget.left(),
      (p) => {
        const seen = hashes(p);
        if (seen.size > 1) mixed ??= [...seen].join(' and ');
        const live = p.filter(notDeleting);
        return live.length === 2 && live.every(isReady) && !seen.has(oldHash);
      },
    );
    expect(mixed, 'pods of both templates at once').to.equal(undefined);
    expect(
      final.filter(notDeleting).every((p) => p.metadata?.annotations?.['kconform.io/revision'] === '2'),
    ).to.equal(true);
    await waitForDeployment(
      ns.cluster,
      ns.name,
      'test-recreate-deployment',
      'revision 2 rolled out',
      budget.left(),
      (d) => rolledOut(d) && d.status?.updatedReplicas === 2,
    );
  });

  it('[REPLICATION-DEPLOYMENT-LIFECYCLE] runs a Deployment through create, patch, status, scale and deletecollection', async () => {
    const budget = new Budget(spec('REPLICATION-DEPLOYMENT-LIFECYCLE').timeout);
    const apps = appsApi(ns.cluster);
    const name = 'test-deployment';
    const label = `test-deployment-static=true`;
    const created = await apps.createNamespacedDeployment({
      namespace: ns.name,
      body: deployment(name, 1, { 'test-deployment-static': 'true' }, podSpec([busybox('main')])),
    });
    expect(created.spec).to.deep.include({
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    });
    await waitForDeployment(ns.cluster, ns.name, name, 'created and available', budget.left(), rolledOut);

    await apps.patchNamespacedDeployment(
      {
        name,
        namespace: ns.name,
        body: {
          metadata: { labels: { 'test-deployment': 'patched' } },
          spec: {
            template: {
              metadata: { labels: { 'test-deployment-static': 'true' } },
              spec: { containers: [{ name: 'main', command: ['sh', '-c', 'sleep 3601'] }] },
            },
          },
        },
      },
      STRATEGIC_PATCH,
    );
    const patched = await waitForDeployment(
      ns.cluster,
      ns.name,
      name,
      'patched and rolled out',
      budget.left(),
      (d) => rolledOut(d) && d.metadata?.annotations?.[REVISION] === '2',
    );
    expect(patched.metadata?.labels?.['test-deployment']).to.equal('patched');
    expect(patched.spec?.template?.spec?.containers).to.have.length(1);
    expect(patched.spec?.template?.spec?.containers[0]?.command).to.deep.equal(['sh', '-c', 'sleep 3601']);
    const revisions = (await replicaSetsOf(apps, ns.name, created)).map(
      (rs) => rs.metadata?.annotations?.[REVISION],
    );
    expect(revisions.sort()).to.deep.equal(['1', '2']);

    const listed = await apps.listNamespacedDeployment({ namespace: ns.name, labelSelector: label });
    expect(listed.items.map((d) => d.metadata?.name)).to.deep.equal([name]);

    const status = await apps.readNamespacedDeploymentStatus({ name, namespace: ns.name });
    expect(status.status?.availableReplicas).to.equal(1);
    await apps.patchNamespacedDeploymentStatus(
      {
        name,
        namespace: ns.name,
        body: {
          status: {
            conditions: [
              ...(status.status?.conditions ?? []),
              { type: 'StatusPatched', status: 'True', reason: 'E2E', message: 'set by the test' },
            ],
          },
        },
      },
      MERGE_PATCH,
    );
    const read = await apps.readNamespacedDeploymentStatus({ name, namespace: ns.name });
    expect(read.status?.conditions?.find((c) => c.type === 'StatusPatched')).to.include({
      status: 'True',
      reason: 'E2E',
    });

    await apps.patchNamespacedDeploymentScale(
      { name, namespace: ns.name, body: { spec: { replicas: 3 } } },
      MERGE_PATCH,
    );
    const scale = await apps.readNamespacedDeploymentScale({ name, namespace: ns.name });
    expect(scale.spec?.replicas).to.equal(3);
    await waitForDeployment(
      ns.cluster,
      ns.name,
      name,
      'scaled to 3 available',
      budget.left(),
      (d) => rolledOut(d) && d.status?.availableReplicas === 3,
    );

    await apps.deleteCollectionNamespacedDeployment({ namespace: ns.name, labelSelector: label });
    await pollUntil(
      async () => ({
        deployments: (await apps.listNamespacedDeployment({ namespace: ns.name, labelSelector: label })).items
          .length,
        replicaSets: (await replicaSetsOf(apps, ns.name, created)).length,
      }),
      {
        what: 'the Deployment and its ReplicaSets deleted',
        timeoutMs: budget.left(),
        done: (left) => left.deployments === 0 && left.replicaSets === 0,
        describe: (left) => JSON.stringify(left),
      },
    );
    await waitForPods(
      ns.cluster,
      ns.name,
      label,
      'its pods deleted',
      budget.left(),
      (p) => p.filter(notDeleting).length === 0,
    );
  });

  it('[REPLICATION-DEPLOYMENT-DELETE-OLD-RS] deletes the old ReplicaSet when revisionHistoryLimit is 0', async () => {
    const budget = new Budget(spec('REPLICATION-DEPLOYMENT-DELETE-OLD-RS').timeout);
    const apps = appsApi(ns.cluster);
    const labels = { name: 'cleanup-pod' };
    await apps.createNamespacedReplicaSet({
      namespace: ns.name,
      body: replicaSet('test-cleanup-controller', 1, labels, podSpec([busybox('old')])),
    });
    await waitForPods(ns.cluster, ns.name, 'name=cleanup-pod', 'the old pod ready', budget.left(), (p) =>
      p.filter(notDeleting).some(isReady),
    );
    const d = await apps.createNamespacedDeployment({
      namespace: ns.name,
      body: deployment('test-cleanup-deployment', 1, labels, podSpec([busybox('new')]), {
        revisionHistoryLimit: 0,
      }),
    });
    await waitForDeployment(
      ns.cluster,
      ns.name,
      'test-cleanup-deployment',
      'rolled out',
      budget.left(),
      rolledOut,
    );
    const left = await pollUntil(() => replicaSetsOf(apps, ns.name, d), {
      what: 'only the new ReplicaSet left',
      timeoutMs: budget.left(),
      done: (rss) => rss.length === 1 && rss[0]!.metadata?.name !== 'test-cleanup-controller',
      describe: (rss) => (rss ?? []).map((rs) => rs.metadata?.name).join(', ') || 'none',
    });
    expect(left[0]!.metadata?.name).to.match(/^test-cleanup-deployment-/);
    await pollUntil(
      () =>
        apps.readNamespacedReplicaSet({ name: 'test-cleanup-controller', namespace: ns.name }).then(
          () => 'present',
          (err: unknown) =>
            err instanceof k8s.ApiException && err.code === 404 ? 'gone' : Promise.reject(err),
        ),
      { what: 'the adopted old ReplicaSet deleted', timeoutMs: budget.left(), done: (r) => r === 'gone' },
    );
  });
});
