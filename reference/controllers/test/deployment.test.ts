// The Deployment controller's pure decisions: fenceposts, the template hash, one rolling-update
// step, Recreate's sizes, proportional scaling, history cleanup, status and conditions; and the
// label selectors the ReplicaSet controller matches pods with.
import { expect } from 'chai';
import type * as k8s from '@kubernetes/client-node';
import {
  calculateStatus,
  deploymentTimedOut,
  rolloutStatus,
  setCondition,
  newCondition,
} from '../src/deployment/deployment-status.ts';
import {
  equalIgnoreHash,
  findNewReplicaSet,
  maxSurge,
  maxUnavailable,
  replicaSetAnnotations,
  resolveFenceposts,
  scaledValue,
} from '../src/deployment/deployment-util.ts';
import { computeHash, fnv32a, safeEncodeString } from '../src/deployment/pod-template-hash.ts';
import {
  activeOrLatest,
  newReplicaSetReplicas,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  replicaSetsToCleanUp,
  scaleTargets,
} from '../src/deployment/rollout.ts';
import { labelSelectorMatches, labelSelectorString } from '../src/util/label-selector.ts';

const NOW = new Date('2026-11-24T12:00:00Z');
const template = (image: string): k8s.V1PodTemplateSpec => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: [{ name: 'c', image }] },
});

function deploy(
  replicas: number,
  extra: Partial<k8s.V1DeploymentSpec> = {},
  status?: k8s.V1DeploymentStatus,
) {
  return {
    metadata: { name: 'web', namespace: 'ns', uid: 'd', generation: 2 },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: template('v2'),
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      progressDeadlineSeconds: 600,
      revisionHistoryLimit: 10,
      ...extra,
    },
    ...(status ? { status } : {}),
  } as k8s.V1Deployment;
}

let seq = 0;
function rs(
  name: string,
  replicas: number,
  available: number,
  opts: { image?: string; revision?: number; created?: number; desired?: number; maxReplicas?: number } = {},
): k8s.V1ReplicaSet {
  seq += 1;
  const annotations: Record<string, string> = {};
  if (opts.revision !== undefined) annotations['deployment.kubernetes.io/revision'] = String(opts.revision);
  if (opts.desired !== undefined)
    annotations['deployment.kubernetes.io/desired-replicas'] = String(opts.desired);
  if (opts.maxReplicas !== undefined)
    annotations['deployment.kubernetes.io/max-replicas'] = String(opts.maxReplicas);
  const t = template(opts.image ?? 'v1');
  t.metadata!.labels!['pod-template-hash'] = name;
  return {
    metadata: {
      name,
      uid: `uid-${name}`,
      generation: 1,
      annotations,
      creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, opts.created ?? seq)),
    },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: t },
    status: { replicas, availableReplicas: available, readyReplicas: available, observedGeneration: 1 },
  };
}

describe('deployment: fenceposts and percentages', () => {
  it('rounds maxSurge up and maxUnavailable down, and never lets both be 0', () => {
    expect(scaledValue('25%', 3, true)).to.equal(1);
    expect(scaledValue('25%', 3, false)).to.equal(0);
    expect(resolveFenceposts('25%', '25%', 3)).to.deep.equal({ surge: 1, unavailable: 0 });
    expect(resolveFenceposts(0, '10%', 3)).to.deep.equal({ surge: 0, unavailable: 1 });
    expect(resolveFenceposts(2, 1, 10)).to.deep.equal({ surge: 2, unavailable: 1 });
    expect(() => scaledValue('x', 3, true)).to.throw('invalid value for IntOrString');
  });

  it('has no surge or unavailability for Recreate, and unavailability at most the replicas', () => {
    const recreate = deploy(4, { strategy: { type: 'Recreate' } });
    expect([maxSurge(recreate), maxUnavailable(recreate)]).to.deep.equal([0, 0]);
    const d = deploy(2, {
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 5 } },
    });
    expect(maxUnavailable(d)).to.equal(2);
  });
});

describe('deployment: pod-template-hash', () => {
  it('is FNV-32a, printed in decimal and encoded with the safe alphabet', () => {
    expect(fnv32a(Buffer.from(''))).to.equal(0x811c9dc5);
    expect(fnv32a(Buffer.from('a'))).to.equal(0xe40c292c);
    expect(safeEncodeString('0123')).to.equal('4567');
  });

  it('is the same for equal templates whatever their key order, and changes with the template and collisions', () => {
    const a = computeHash({
      metadata: { labels: { app: 'x' } },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    });
    const b = computeHash({
      spec: { containers: [{ image: 'i', name: 'c' }] },
      metadata: { labels: { app: 'x' } },
    });
    expect(a).to.equal(b);
    expect(a).to.match(/^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
    expect(computeHash(template('v2'))).to.not.equal(computeHash(template('v1')));
    expect(computeHash(template('v1'), 1)).to.not.equal(computeHash(template('v1')));
  });

  it('finds the new ReplicaSet by template, ignoring the hash label and empty fields', () => {
    const old = rs('old', 3, 3, { image: 'v1' });
    const current = rs('cur', 0, 0, { image: 'v2' });
    current.spec!.template!.spec!.volumes = [];
    expect(equalIgnoreHash(current.spec!.template, template('v2'))).to.equal(true);
    expect(findNewReplicaSet(deploy(3), [old, current])).to.equal(current);
    expect(findNewReplicaSet(deploy(3), [old])).to.equal(undefined);
  });
});

describe('deployment: a rolling-update step', () => {
  it('scales the new ReplicaSet up to replicas + maxSurge pods in all', () => {
    const d = deploy(4); // surge 1, unavailable 1
    const old = rs('old', 4, 4);
    const fresh = rs('new', 0, 0, { image: 'v2' });
    expect(newReplicaSetReplicas(d, [old, fresh], fresh)).to.equal(1);
    expect(reconcileNewReplicaSet(d, [old, fresh], fresh)).to.equal(1);
    // At the surge limit nothing more is added.
    const one = rs('new', 1, 0, { image: 'v2' });
    expect(reconcileNewReplicaSet(d, [old, one], one)).to.equal(undefined);
  });

  it('scales old ReplicaSets down only while desired - maxUnavailable pods stay available', () => {
    const d = deploy(4);
    const old = rs('old', 4, 4);
    const fresh = rs('new', 1, 0, { image: 'v2' });
    // 5 pods, min available 3, one new unavailable: 5 - 3 - 1 = 1 may go.
    expect(
      reconcileOldReplicaSets(d, [old, fresh], [old], fresh).map((t) => [t.rs, t.replicas]),
    ).to.deep.equal([[old, 3]]);
    // Once the new pod is available, two more may go.
    const freshUp = rs('new', 2, 2, { image: 'v2' });
    const old3 = rs('old', 3, 3);
    expect(reconcileOldReplicaSets(d, [old3, freshUp], [old3], freshUp)[0]?.replicas).to.equal(1);
  });

  it('removes unavailable old pods first, oldest ReplicaSet first', () => {
    const d = deploy(4);
    const older = rs('a', 2, 0, { created: 1 });
    const newer = rs('b', 2, 2, { created: 2 });
    const fresh = rs('new', 0, 0, { image: 'v2', created: 3 });
    const targets = reconcileOldReplicaSets(d, [older, newer, fresh], [older, newer], fresh);
    // max scaled down 4 - 3 - 0 = 1: one unhealthy pod of the oldest goes; available 2 < 3 keeps the rest.
    expect(targets.map((t) => [t.rs.metadata?.name, t.replicas])).to.deep.equal([['a', 1]]);
  });

  it('never goes below the minimum when nothing new is available', () => {
    const d = deploy(3); // surge 1, unavailable 0
    const old = rs('old', 3, 3);
    const fresh = rs('new', 1, 0, { image: 'v2' });
    expect(reconcileOldReplicaSets(d, [old, fresh], [old], fresh)).to.deep.equal([]);
  });
});

describe('deployment: scaling and cleanup', () => {
  it('gives the whole count to the one active ReplicaSet', () => {
    const only = rs('only', 2, 2, { image: 'v2' });
    expect(scaleTargets(deploy(5), only, [rs('old', 0, 0)])).to.deep.equal([{ rs: only, replicas: 5 }]);
    expect(activeOrLatest(undefined, [])).to.equal(undefined);
  });

  it('shares a resize in proportion to each ReplicaSet, leftovers to the largest', () => {
    // 10 replicas mid-rollout (surge 3 → 13 pods), scaled to 20 (surge 5 → 25 allowed).
    const d = deploy(20);
    const old = rs('old', 8, 8, { created: 1, desired: 10, maxReplicas: 13 });
    const fresh = rs('new', 5, 0, { image: 'v2', created: 2, desired: 10, maxReplicas: 13 });
    const sizes = scaleTargets(d, fresh, [old]).map((t) => [t.rs.metadata?.name, t.replicas]);
    expect(sizes).to.deep.equal([
      ['old', 15],
      ['new', 10],
    ]);
  });

  it('deletes old empty ReplicaSets beyond revisionHistoryLimit, lowest revision first', () => {
    const d = deploy(1, { revisionHistoryLimit: 1 });
    const r1 = rs('r1', 0, 0, { revision: 1 });
    const r2 = rs('r2', 0, 0, { revision: 2 });
    const busy = rs('r0', 1, 1, { revision: 0 });
    expect(replicaSetsToCleanUp(d, [r2, r1]).map((x) => x.metadata?.name)).to.deep.equal(['r1']);
    expect(replicaSetsToCleanUp(d, [busy, r2]).map((x) => x.metadata?.name)).to.deep.equal([]);
  });

  it("copies the Deployment's annotations and raises, never lowers, the revision", () => {
    const d = deploy(3);
    d.metadata!.annotations = { team: 'a', 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
    expect(replicaSetAnnotations(d, { 'deployment.kubernetes.io/revision': '4' }, 2, false)).to.deep.equal({
      'deployment.kubernetes.io/revision': '4',
      team: 'a',
    });
    expect(replicaSetAnnotations(d, {}, 2, true)).to.deep.equal({
      team: 'a',
      'deployment.kubernetes.io/revision': '2',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
  });
});

describe('deployment: status and conditions', () => {
  it('counts replicas from the ReplicaSets and sets Available by the minimum availability', () => {
    const d = deploy(4);
    const old = rs('old', 3, 3);
    const fresh = rs('new', 2, 1, { image: 'v2' });
    const status = calculateStatus(d, [old, fresh], fresh, NOW);
    expect(status).to.deep.include({
      observedGeneration: 2,
      replicas: 5,
      updatedReplicas: 2,
      readyReplicas: 4,
      availableReplicas: 4,
      unavailableReplicas: 1,
    });
    expect(status.conditions?.[0]).to.include({
      type: 'Available',
      status: 'True',
      reason: 'MinimumReplicasAvailable',
    });
    const short = calculateStatus(d, [rs('new', 4, 1, { image: 'v2' })], undefined, NOW);
    expect(short.conditions?.[0]).to.include({ status: 'False', reason: 'MinimumReplicasUnavailable' });
  });

  it('marks progress with ReplicaSetUpdated, completion with NewReplicaSetAvailable, and a stall past the deadline', () => {
    const fresh = rs('new', 4, 4, { image: 'v2' });
    const before = deploy(4, {}, { replicas: 4, updatedReplicas: 2, availableReplicas: 2, readyReplicas: 2 });
    const progressing = rolloutStatus(
      before,
      [rs('old', 0, 0), rs('new', 4, 3, { image: 'v2' })],
      fresh,
      NOW,
    );
    expect(progressing.conditions?.find((c) => c.type === 'Progressing')).to.include({
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: 'ReplicaSet "new" is progressing.',
    });
    const done = rolloutStatus(before, [rs('old', 0, 0), fresh], fresh, NOW);
    expect(done.conditions?.find((c) => c.type === 'Progressing')).to.include({
      reason: 'NewReplicaSetAvailable',
      message: 'ReplicaSet "new" has successfully progressed.',
    });
    const stale = deploy(4, {}, {});
    setCondition(
      stale.status!,
      newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'x', new Date(NOW.getTime() - 601_000)),
    );
    expect(deploymentTimedOut(stale, NOW)).to.equal(true);
    expect(deploymentTimedOut(stale, new Date(NOW.getTime() - 10_000))).to.equal(false);
  });

  it('keeps lastTransitionTime when only the reason changes under the same status', () => {
    const status: k8s.V1DeploymentStatus = {};
    const first = new Date('2026-01-01T00:00:00Z');
    setCondition(status, newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'a', first));
    setCondition(status, newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'b', NOW));
    expect(status.conditions).to.have.length(1);
    expect(status.conditions![0]).to.include({ reason: 'ReplicaSetUpdated', lastTransitionTime: first });
  });
});

describe('label selectors (ReplicaSet)', () => {
  it('matches matchLabels and every matchExpressions operator; nil selects nothing, empty everything', () => {
    const sel: k8s.V1LabelSelector = {
      matchLabels: { app: 'x' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['a', 'b'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'team', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    };
    expect(labelSelectorMatches(sel, { app: 'x', tier: 'a', team: 't' })).to.equal(true);
    expect(labelSelectorMatches(sel, { app: 'x', tier: 'c', team: 't' })).to.equal(false);
    expect(labelSelectorMatches(sel, { app: 'x', tier: 'a', team: 't', env: 'prod' })).to.equal(false);
    expect(labelSelectorMatches(sel, { app: 'x', tier: 'a' })).to.equal(false);
    expect(labelSelectorMatches(sel, { app: 'x', tier: 'a', team: 't', legacy: '1' })).to.equal(false);
    expect(labelSelectorMatches(undefined, { app: 'x' })).to.equal(false);
    expect(labelSelectorMatches({}, { app: 'x' })).to.equal(true);
    expect(labelSelectorString(sel)).to.equal('app=x,env notin (prod),!legacy,team,tier in (a,b)');
  });
});
