// ReplicationControllers as upstream's sig-apps conformance tests use them: replicas that run and
// serve, a count restored after a deletion and after scaling, adoption and release by selector, and
// a failure surfaced as the ReplicaFailure condition.
import type { V1ReplicationController } from '@kubernetes/client-node';
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget, pollUntil, waitForObject } from '../../lib/wait.ts';
import {
  MERGE_PATCH,
  busybox,
  createWorkloadServiceAccount,
  eventsAbout,
  hostnameServer,
  isReady,
  notDeleting,
  expectControlledReplicas,
  ownedBy,
  podSpec,
  replicasServeTheirNames,
  replicationController,
  waitForPods,
  writeRetryingConflicts,
} from './workloads.ts';

describe('replication: ReplicationController', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('replication-rc');

  before(async function () {
    this.timeout(60_000);
    await createWorkloadServiceAccount(ns.cluster, ns.name);
  });

  const rcPath = () => `/api/v1/namespaces/${ns.name}/replicationcontrollers`;
  const waitForRc = (
    name: string,
    what: string,
    timeoutMs: number,
    until: (rc: V1ReplicationController) => boolean,
  ) =>
    waitForObject<V1ReplicationController>(ns.cluster, {
      what,
      collectionPath: rcPath(),
      name,
      timeoutMs,
      until: (rc) => rc !== undefined && until(rc),
      describe: (rc) => (rc ? `status ${JSON.stringify(rc.status ?? {})}` : 'absent'),
    }) as Promise<V1ReplicationController>;

  it('[REPLICATION-RC-SERVES-REPLICAS] runs each replica, which serves its own name, and reports them ready', async () => {
    const budget = new Budget(spec('REPLICATION-RC-SERVES-REPLICAS').timeout);
    const { core } = ns.cluster;
    const labels = { app: 'serve' };
    const rc = await core.createNamespacedReplicationController({
      namespace: ns.name,
      body: replicationController('serve', 2, labels, podSpec([hostnameServer()])),
    });
    const pods = await waitForPods(
      ns.cluster,
      ns.name,
      'app=serve',
      '2 ready replicas of serve',
      budget.left(),
      (p) => p.filter(notDeleting).filter(isReady).length === 2,
    );
    expectControlledReplicas(pods, {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: rc.metadata,
    });
    // From inside the first replica, each replica answers with its own name.
    await replicasServeTheirNames(ns.cluster, ns.name, pods, 'serve', budget.left());
    await waitForRc(
      'serve',
      'RC serve status showing 2 ready and available replicas',
      budget.left(),
      (got) =>
        got.status?.replicas === 2 &&
        got.status.readyReplicas === 2 &&
        got.status.availableReplicas === 2 &&
        got.status.observedGeneration === got.metadata?.generation,
    );
  });

  it('[REPLICATION-RC-REPLACES-DELETED-POD] replaces a deleted pod', async () => {
    const budget = new Budget(spec('REPLICATION-RC-REPLACES-DELETED-POD').timeout);
    const { core } = ns.cluster;
    const rc = await core.createNamespacedReplicationController({
      namespace: ns.name,
      body: replicationController('restore', 2, { app: 'restore' }, podSpec([busybox('main')])),
    });
    const first = await waitForPods(
      ns.cluster,
      ns.name,
      'app=restore',
      '2 ready pods of restore',
      budget.left(),
      (p) => p.filter(notDeleting).filter(ownedBy(rc)).filter(isReady).length === 2,
    );
    const victim = first[0]!.metadata!.name!;
    await core.deleteNamespacedPod({ name: victim, namespace: ns.name });
    const after = await waitForPods(
      ns.cluster,
      ns.name,
      'app=restore',
      `a replacement for ${victim}`,
      budget.left(),
      (p) => {
        const live = p.filter(notDeleting).filter(ownedBy(rc));
        return live.length === 2 && !live.some((x) => x.metadata?.name === victim);
      },
    );
    expect(after.filter(notDeleting).map((p) => p.metadata?.name)).to.not.include(victim);
    await waitForRc(
      'restore',
      'RC restore status replicas 2',
      budget.left(),
      (got) => got.status?.replicas === 2,
    );
  });

  it('[REPLICATION-RC-SCALE] follows spec.replicas written through the scale subresource', async () => {
    const budget = new Budget(spec('REPLICATION-RC-SCALE').timeout);
    const { core } = ns.cluster;
    const rc = await core.createNamespacedReplicationController({
      namespace: ns.name,
      body: replicationController('scaled', 1, { app: 'scaled' }, podSpec([busybox('main')])),
    });
    // As upstream's test: let the controller settle, then read the scale and write it back. The
    // write carries the resourceVersion read, so a status write in between is a conflict: read again.
    await waitForRc(
      'scaled',
      'RC scaled status replicas 1',
      budget.left(),
      (got) => got.status?.replicas === 1,
    );
    const scale = await core.readNamespacedReplicationControllerScale({ name: 'scaled', namespace: ns.name });
    expect(scale.spec?.replicas).to.equal(1);
    expect(scale.status?.replicas).to.equal(1);
    await writeRetryingConflicts(
      'scale of RC scaled written',
      async () => {
        const current = await core.readNamespacedReplicationControllerScale({
          name: 'scaled',
          namespace: ns.name,
        });
        await core.replaceNamespacedReplicationControllerScale({
          name: 'scaled',
          namespace: ns.name,
          body: { ...current, spec: { replicas: 3 } },
        });
      },
      budget.left(),
    );
    await waitForPods(
      ns.cluster,
      ns.name,
      'app=scaled',
      '3 pods after scaling up',
      budget.left(),
      (p) => p.filter(notDeleting).filter(ownedBy(rc)).length === 3,
    );
    await waitForRc(
      'scaled',
      'RC scaled status replicas 3',
      budget.left(),
      (got) => got.status?.replicas === 3,
    );
    const up = await core.readNamespacedReplicationControllerScale({ name: 'scaled', namespace: ns.name });
    expect(up.spec?.replicas).to.equal(3);
    expect(up.status?.replicas).to.equal(3);
    await core.patchNamespacedReplicationControllerScale(
      { name: 'scaled', namespace: ns.name, body: { spec: { replicas: 1 } } },
      MERGE_PATCH,
    );
    await waitForPods(
      ns.cluster,
      ns.name,
      'app=scaled',
      '1 pod after scaling down',
      budget.left(),
      (p) => p.filter(notDeleting).filter(ownedBy(rc)).length === 1,
    );
    await waitForRc(
      'scaled',
      'RC scaled status replicas 1',
      budget.left(),
      (got) => got.status?.replicas === 1,
    );
  });

  it('[REPLICATION-RC-ADOPT] adopts a matching pod that has no controller', async () => {
    const budget = new Budget(spec('REPLICATION-RC-ADOPT').timeout);
    const { core } = ns.cluster;
    await core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: 'pod-adoption', labels: { name: 'pod-adoption' } },
        spec: podSpec([busybox('main')]),
      },
    });
    await waitForPods(ns.cluster, ns.name, 'name=pod-adoption', 'pod-adoption running', budget.left(), (p) =>
      p.some((x) => x.status?.phase === 'Running'),
    );
    const rc = await core.createNamespacedReplicationController({
      namespace: ns.name,
      body: replicationController('pod-adoption', 1, { name: 'pod-adoption' }, podSpec([busybox('main')])),
    });
    const pods = await waitForPods(
      ns.cluster,
      ns.name,
      'name=pod-adoption',
      'pod-adoption adopted',
      budget.left(),
      (p) => p.some((x) => x.metadata?.name === 'pod-adoption' && ownedBy(rc)(x)),
    );
    const adopted = pods.find((p) => p.metadata?.name === 'pod-adoption')!;
    expect(adopted.metadata?.ownerReferences?.[0]).to.include({
      kind: 'ReplicationController',
      name: 'pod-adoption',
      controller: true,
    });
    expect(
      pods.filter(notDeleting).map((p) => p.metadata?.name),
      'no second pod',
    ).to.deep.equal(['pod-adoption']);
  });

  it('[REPLICATION-RC-RELEASE] releases a pod whose labels stop matching and replaces it', async () => {
    const budget = new Budget(spec('REPLICATION-RC-RELEASE').timeout);
    const { core } = ns.cluster;
    const rc = await core.createNamespacedReplicationController({
      namespace: ns.name,
      body: replicationController('pod-release', 1, { name: 'pod-release' }, podSpec([busybox('main')])),
    });
    const [pod] = await waitForPods(
      ns.cluster,
      ns.name,
      'name=pod-release',
      'the pod of pod-release',
      budget.left(),
      (p) => p.filter(notDeleting).filter(ownedBy(rc)).length === 1,
    );
    const name = pod!.metadata!.name!;
    await core.patchNamespacedPod(
      { name, namespace: ns.name, body: { metadata: { labels: { name: 'not-matching-name' } } } },
      MERGE_PATCH,
    );
    await waitForPods(ns.cluster, ns.name, 'name=not-matching-name', `${name} released`, budget.left(), (p) =>
      p.some((x) => x.metadata?.name === name && !ownedBy(rc)(x)),
    );
    const replaced = await waitForPods(
      ns.cluster,
      ns.name,
      'name=pod-release',
      'a replacement pod',
      budget.left(),
      (p) => p.filter(notDeleting).filter(ownedBy(rc)).length === 1,
    );
    expect(replaced.filter(notDeleting).map((p) => p.metadata?.name)).to.not.include(name);
  });

  it('[REPLICATION-RC-FAILURE-CONDITION] reports pods it cannot create as ReplicaFailure, and clears it once fixed', async () => {
    const budget = new Budget(spec('REPLICATION-RC-FAILURE-CONDITION').timeout);
    const { core } = ns.cluster;
    const body = replicationController('refused', 2, { app: 'refused' }, podSpec([busybox('main')]));
    body.spec!.template!.metadata!.finalizers = ['kconform'];
    await core.createNamespacedReplicationController({ namespace: ns.name, body });
    const failing = await waitForRc(
      'refused',
      'RC refused with a ReplicaFailure condition',
      budget.left(),
      (got) => got.status?.conditions?.some((c) => c.type === 'ReplicaFailure') ?? false,
    );
    const condition = failing.status!.conditions!.find((c) => c.type === 'ReplicaFailure')!;
    expect(condition.status).to.equal('True');
    expect(condition.reason).to.equal('FailedCreate');
    expect(condition.message).to.include('kconform');
    const failed = await pollUntil(() => eventsAbout(ns.cluster, ns.name, 'refused'), {
      what: 'a FailedCreate event about RC refused',
      timeoutMs: budget.left(),
      done: (events) => events.some((e) => e.reason === 'FailedCreate'),
      describe: (events) => `events: ${(events ?? []).map((e) => e.reason).join(', ') || 'none'}`,
    });
    const event = failed.find((e) => e.reason === 'FailedCreate')!;
    expect(event.type).to.equal('Warning');
    expect(event.message).to.match(/^Error creating: /);

    await core.patchNamespacedReplicationController(
      {
        name: 'refused',
        namespace: ns.name,
        body: { spec: { template: { metadata: { finalizers: null } } } },
      },
      MERGE_PATCH,
    );
    await waitForPods(
      ns.cluster,
      ns.name,
      'app=refused',
      '2 pods once the template is fixed',
      budget.left(),
      (p) => p.filter(notDeleting).length === 2,
    );
    await waitForRc(
      'refused',
      'ReplicaFailure removed',
      budget.left(),
      (got) => !(got.status?.conditions ?? []).some((c) => c.type === 'ReplicaFailure'),
    );
  });
});
