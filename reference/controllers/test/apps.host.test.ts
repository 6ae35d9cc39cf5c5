// The ReplicaSet and Deployment controllers (with the garbage collector) against a real reference
// apiserver, with no kubelet and no scheduler: pods stay unscheduled (so deleting them is
// immediate) and the test plays the kubelet's part, marking pods Running and Ready through the
// status subresource.
import { expect } from 'chai';
import * as k8s from '@kubernetes/client-node';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventuallyDefined, setPodStatus, useTestCluster } from './support/control-plane.ts';

const NS = 'apps';
const MERGE = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

const podTemplate = (labels: Record<string, string>, image = 'busybox:1'): k8s.V1PodTemplateSpec => ({
  metadata: { labels },
  spec: { containers: [{ name: 'c', image, command: ['sleep', '3600'] }] },
});

function deployment(
  name: string,
  replicas: number,
  extra: Partial<k8s.V1DeploymentSpec> = {},
): k8s.V1Deployment {
  return {
    metadata: { name, namespace: NS },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: podTemplate({ app: name }),
      ...extra,
    },
  };
}

describe('ReplicaSet and Deployment controllers against the apiserver @host', function () {
  this.timeout(120_000);
  const h = useTestCluster(['replicaset', 'deployment', 'garbagecollector'], [NS]);
  let apps: k8s.AppsV1Api;
  let ip = 0;
  before(() => {
    apps = h.kubeconfig.makeApiClient(k8s.AppsV1Api);
  });

  const livePods = async (selector: string) =>
    (await h.core.listNamespacedPod({ namespace: NS, labelSelector: selector })).items.filter(
      (p) => !p.metadata?.deletionTimestamp,
    );
  const isReady = (p: k8s.V1Pod) =>
    p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
  /** Plays the kubelet: every live pod of the selector not yet Ready becomes Running and Ready. */
  const markReady = async (selector: string) => {
    for (const pod of await livePods(selector)) {
      if (isReady(pod)) continue;
      ip += 1;
      await setPodStatus(h.core, NS, pod.metadata!.name!, { ip: `10.244.8.${ip % 250}`, ready: true }).catch(
        () => undefined, // deleted meanwhile
      );
    }
  };
  const readDeployment = (name: string) => apps.readNamespacedDeployment({ name, namespace: NS });
  const replicaSetsOf = async (d: k8s.V1Deployment) =>
    (await apps.listNamespacedReplicaSet({ namespace: NS })).items.filter((rs) =>
      rs.metadata?.ownerReferences?.some((r) => r.uid === d.metadata?.uid),
    );
  /** Marks pods ready until the Deployment reports a finished rollout (what kubectl rollout status waits for). */
  const rolledOut = (name: string, timeoutMs = 30_000, check?: () => Promise<void>) =>
    eventuallyDefined(`deployment ${name} rolled out`, timeoutMs, async () => {
      await check?.();
      await markReady(`app=${name}`);
      const d = await readDeployment(name);
      const s = d.status ?? {};
      const desired = d.spec?.replicas ?? 1;
      const done =
        (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0) &&
        s.updatedReplicas === desired &&
        s.replicas === desired &&
        s.availableReplicas === desired;
      return done ? d : undefined;
    });

  it('a ReplicaSet with matchExpressions creates its pods, adopts an orphan, and reports status', async () => {
    await h.core.createNamespacedPod({
      namespace: NS,
      body: { metadata: { name: 'orphan', labels: { tier: 'front' } }, spec: podTemplate({}).spec! },
    });
    const rs = await apps.createNamespacedReplicaSet({
      namespace: NS,
      body: {
        metadata: { name: 'front', namespace: NS },
        spec: {
          replicas: 2,
          selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'edge'] }] },
          template: podTemplate({ tier: 'front' }),
        },
      },
    });
    const pods = await eventuallyDefined('2 pods of front', 15_000, async () => {
      const live = await livePods('tier=front');
      return live.length === 2 && live.every((p) => controllerUid(p) === rs.metadata?.uid) ? live : undefined;
    });
    expect(pods.map((p) => p.metadata?.name)).to.include('orphan');
    const made = pods.find((p) => p.metadata?.name !== 'orphan')!;
    expect(made.metadata?.generateName).to.equal('front-');
    expect(made.metadata?.ownerReferences).to.deep.equal([
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: 'front',
        uid: rs.metadata!.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
    await markReady('tier=front');
    const status = await eventuallyDefined('front status', 10_000, async () => {
      const got = await apps.readNamespacedReplicaSet({ name: 'front', namespace: NS });
      return got.status?.availableReplicas === 2 ? got.status : undefined;
    });
    expect(status).to.include({
      replicas: 2,
      fullyLabeledReplicas: 2,
      readyReplicas: 2,
      observedGeneration: 1,
    });
    const events = await h.core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: 'involvedObject.name=front',
    });
    expect(events.items.map((e) => [e.reason, e.source?.component])).to.deep.include([
      'SuccessfulCreate',
      'replicaset-controller',
    ]);
    // A pod whose labels leave the selector is released and replaced.
    await h.core.patchNamespacedPod(
      { name: 'orphan', namespace: NS, body: { metadata: { labels: { tier: 'back' } } } },
      MERGE,
    );
    await eventuallyDefined('orphan released and replaced', 15_000, async () => {
      const released = await h.core.readNamespacedPod({ name: 'orphan', namespace: NS });
      const live = await livePods('tier=front');
      return (released.metadata?.ownerReferences ?? []).length === 0 && live.length === 2 ? true : undefined;
    });
  });

  it('a Deployment owns a ReplicaSet named after its template hash, revision 1, and reports Available and Progressing', async () => {
    const created = await apps.createNamespacedDeployment({ namespace: NS, body: deployment('web', 3) });
    const d = await rolledOut('web');
    const [rs, ...others] = await replicaSetsOf(created);
    expect(others).to.have.length(0);
    const hash = rs!.metadata!.labels!['pod-template-hash']!;
    expect(hash).to.match(/^[bcdfghjklmnpqrstvwxz2456789]+$/);
    expect(rs!.metadata!.name).to.equal(`web-${hash}`);
    expect(rs!.spec?.selector?.matchLabels).to.deep.equal({ app: 'web', 'pod-template-hash': hash });
    expect(rs!.metadata!.annotations).to.include({
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    expect(rs!.metadata!.ownerReferences?.[0]).to.include({
      kind: 'Deployment',
      name: 'web',
      controller: true,
    });
    for (const pod of await livePods('app=web'))
      expect(pod.metadata?.labels?.['pod-template-hash']).to.equal(hash);
    expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision']).to.equal('1');
    const conditions = await eventuallyDefined('conditions', 10_000, async () => {
      const got = await readDeployment('web');
      const progressing = got.status?.conditions?.find((c) => c.type === 'Progressing');
      return progressing?.reason === 'NewReplicaSetAvailable' ? got.status!.conditions! : undefined;
    });
    expect(conditions.find((c) => c.type === 'Available')).to.include({
      status: 'True',
      reason: 'MinimumReplicasAvailable',
      message: 'Deployment has minimum availability.',
    });
    expect(conditions.find((c) => c.type === 'Progressing')).to.include({
      status: 'True',
      message: `ReplicaSet "web-${hash}" has successfully progressed.`,
    });
    const events = await h.core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: 'involvedObject.name=web',
    });
    expect(events.items.map((e) => [e.reason, e.message])).to.deep.include([
      'ScalingReplicaSet',
      `Scaled up replica set web-${hash} to 3`,
    ]);
  });

  it('a rolling update stays within maxSurge and maxUnavailable and leaves the old ReplicaSet at 0', async () => {
    const created = await apps.createNamespacedDeployment({ namespace: NS, body: deployment('roll', 4) });
    await rolledOut('roll');
    // 25% of 4: one pod above 4 at most, and at least 3 available throughout.
    await apps.patchNamespacedDeployment(
      {
        name: 'roll',
        namespace: NS,
        body: {
          spec: {
            template: {
              spec: { containers: [{ name: 'c', image: 'busybox:2', command: ['sleep', '3600'] }] },
            },
          },
        },
      },
      MERGE,
    );
    let peak = 0;
    let lowestReady = Infinity;
    const done = await rolledOut('roll', 60_000, async () => {
      const live = await livePods('app=roll');
      peak = Math.max(peak, live.length);
      lowestReady = Math.min(lowestReady, live.filter(isReady).length);
    });
    expect(peak, 'pods at most replicas + maxSurge').to.be.at.most(5);
    expect(lowestReady, 'ready pods at least replicas - maxUnavailable').to.be.at.least(3);
    expect(done.metadata?.annotations?.['deployment.kubernetes.io/revision']).to.equal('2');
    const rss = await replicaSetsOf(created);
    expect(rss).to.have.length(2);
    const byRevision = new Map(
      rss.map((rs) => [rs.metadata?.annotations?.['deployment.kubernetes.io/revision'], rs]),
    );
    expect(byRevision.get('1')?.spec?.replicas).to.equal(0);
    expect(byRevision.get('2')?.spec?.replicas).to.equal(4);
    const images = (await livePods('app=roll')).map((p) => p.spec?.containers[0]?.image);
    expect(images).to.deep.equal(['busybox:2', 'busybox:2', 'busybox:2', 'busybox:2']);
  });

  it('Recreate removes every old pod before the new ReplicaSet gets any', async () => {
    const created = await apps.createNamespacedDeployment({
      namespace: NS,
      body: deployment('recreate', 2, { strategy: { type: 'Recreate' } }),
    });
    await rolledOut('recreate');
    await apps.patchNamespacedDeployment(
      {
        name: 'recreate',
        namespace: NS,
        body: { spec: { template: { metadata: { annotations: { v: '2' } } } } },
      },
      MERGE,
    );
    let mixed = false;
    await rolledOut('recreate', 30_000, async () => {
      const hashes = new Set(
        (await livePods('app=recreate')).map((p) => p.metadata?.labels?.['pod-template-hash']),
      );
      if (hashes.size > 1) mixed = true;
    });
    expect(mixed, 'old and new pods never ran together').to.equal(false);
    expect(await replicaSetsOf(created)).to.have.length(2);
  });

  it('kubectl rollout status waits for the rollout and reports it done', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kconform-rollout-'));
    try {
      const kubeconfig = join(dir, 'kubeconfig');
      writeFileSync(kubeconfig, h.kubeconfig.exportConfig());
      await apps.createNamespacedDeployment({ namespace: NS, body: deployment('status', 2) });
      let finished = false;
      const kubectl = new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          'kubectl',
          ['--kubeconfig', kubeconfig, '-n', NS, 'rollout', 'status', 'deployment/status', '--timeout=60s'],
          { encoding: 'utf8', timeout: 90_000 },
          (err, stdout, stderr) => {
            finished = true;
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
          },
        );
      });
      // Play the kubelet while kubectl watches (bounded by kubectl's own timeout).
      while (!finished) {
        await markReady('app=status');
        await new Promise((r) => setTimeout(r, 200));
      }
      const result = await kubectl;
      expect(result.code, result.stderr).to.equal(0);
      expect(result.stdout).to.include('deployment "status" successfully rolled out');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps revisionHistoryLimit old ReplicaSets, scales, and is collected with its ReplicaSets and pods', async () => {
    const created = await apps.createNamespacedDeployment({
      namespace: NS,
      body: deployment('hist', 1, { revisionHistoryLimit: 1 }),
    });
    await rolledOut('hist');
    for (const v of ['2', '3']) {
      await apps.patchNamespacedDeployment(
        { name: 'hist', namespace: NS, body: { spec: { template: { metadata: { annotations: { v } } } } } },
        MERGE,
      );
      await rolledOut('hist');
    }
    const rss = await eventuallyDefined('one old ReplicaSet kept', 15_000, async () => {
      const list = await replicaSetsOf(created);
      return list.length === 2 ? list : undefined;
    });
    expect(
      rss.map((rs) => rs.metadata?.annotations?.['deployment.kubernetes.io/revision']).sort(),
    ).to.deep.equal(['2', '3']);

    await apps.patchNamespacedDeploymentScale(
      { name: 'hist', namespace: NS, body: { spec: { replicas: 3 } } },
      MERGE,
    );
    await rolledOut('hist');
    expect(await livePods('app=hist')).to.have.length(3);

    await apps.deleteNamespacedDeployment({ name: 'hist', namespace: NS });
    await eventuallyDefined('ReplicaSets and pods collected', 30_000, async () => {
      const left = await replicaSetsOf(created);
      const pods = await livePods('app=hist');
      return left.length === 0 && pods.length === 0 ? true : undefined;
    });
  });
});

function controllerUid(pod: k8s.V1Pod): string | undefined {
  return pod.metadata?.ownerReferences?.find((r) => r.controller)?.uid;
}
