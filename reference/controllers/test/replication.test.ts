// The replication controller's decisions: upstream's scale-down order, expectations, claiming,
// slow-start batches and the status it computes.
import { expect } from 'chai';
import type * as k8s from '@kubernetes/client-node';
import {
  compareForDeletion,
  deletionCost,
  podsToDelete,
  ranksBySharedNode,
} from '../src/replication/active-pods.ts';
import { adoptPatch, claimPods, releasePatch } from '../src/replication/claim-pods.ts';
import { EXPECTATIONS_TTL_MS, Expectations } from '../src/replication/expectations.ts';
import { podFromTemplate, slowStartBatch } from '../src/replication/pod-template.ts';
import { calculateStatus, statusUnchanged } from '../src/replication/replication-status.ts';

const NOW = new Date('2026-01-01T12:00:00Z');
const ago = (seconds: number) => new Date(NOW.getTime() - seconds * 1000);

interface PodOpts {
  node?: string;
  phase?: string;
  ready?: boolean;
  readySince?: Date;
  restarts?: number;
  created?: Date;
  cost?: number;
  labels?: Record<string, string>;
  owner?: string;
  deleting?: boolean;
}

function pod(name: string, o: PodOpts = {}): k8s.V1Pod {
  return {
    metadata: {
      name,
      namespace: 'ns',
      uid: `uid-${name}`,
      labels: o.labels ?? { app: 'x' },
      creationTimestamp: o.created ?? ago(3600),
      ...(o.cost !== undefined
        ? { annotations: { 'controller.kubernetes.io/pod-deletion-cost': String(o.cost) } }
        : {}),
      ...(o.owner
        ? {
            ownerReferences: [
              { apiVersion: 'v1', kind: 'ReplicationController', name: 'rc', uid: o.owner, controller: true },
            ],
          }
        : {}),
      ...(o.deleting ? { deletionTimestamp: NOW } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'i' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [
        {
          type: 'Ready',
          status: o.ready === false ? 'False' : 'True',
          lastTransitionTime: o.readySince ?? ago(600),
        },
      ],
      containerStatuses: [
        { name: 'c', image: 'i', imageID: '', ready: o.ready !== false, restartCount: o.restarts ?? 0 },
      ],
    },
  };
}

const order = (pods: k8s.V1Pod[]) => podsToDelete(pods, pods.length - 1, NOW).map((p) => p.metadata!.name);

describe('replication: which pods go first (ActivePodsWithRanks)', () => {
  it('unassigned before assigned, then Pending < Unknown < Running, then not ready before ready', () => {
    const pods = [
      pod('running', { node: 'n1' }),
      pod('unassigned', { phase: 'Pending', ready: false }),
      pod('unknown', { node: 'n2', phase: 'Unknown' }),
      pod('pending', { node: 'n3', phase: 'Pending' }),
      pod('not-ready', { node: 'n4', ready: false }),
      pod('keep', { node: 'n5' }),
    ];
    const first = podsToDelete(pods, 5, NOW).map((p) => p.metadata!.name);
    expect(first.slice(0, 4)).to.deep.equal(['unassigned', 'pending', 'unknown', 'not-ready']);
  });

  it('lower pod-deletion-cost first, then pods doubled up on a node, then ready for less time', () => {
    expect(
      compareForDeletion(pod('a', { node: 'n', cost: -5 }), 0, pod('b', { node: 'n', cost: 10 }), 0, NOW),
    ).to.be.below(0);
    const doubled = [
      pod('d1', { node: 'busy' }),
      pod('d2', { node: 'busy' }),
      pod('alone', { node: 'quiet' }),
    ];
    expect(ranksBySharedNode(doubled, doubled)).to.deep.equal([2, 2, 1]);
    expect(podsToDelete(doubled, 1, NOW)[0]!.metadata!.name).to.be.oneOf(['d1', 'd2']);
    // Readiness ages compare on a log2 scale: 10 s and 5 min are far apart, so the newer goes first.
    expect(
      order([
        pod('old', { node: 'a', readySince: ago(300) }),
        pod('new', { node: 'b', readySince: ago(10) }),
      ]),
    ).to.deep.equal(['new']);
  });

  it('then more restarts, then newer pods first', () => {
    expect(
      order([pod('calm', { node: 'a', restarts: 0 }), pod('flappy', { node: 'b', restarts: 4 })]),
    ).to.deep.equal(['flappy']);
    expect(
      order([pod('older', { node: 'a', created: ago(7200) }), pod('newer', { node: 'b', created: ago(5) })]),
    ).to.deep.equal(['newer']);
  });

  it('reads the deletion cost as an int32 and ignores anything else', () => {
    expect(deletionCost(pod('a', { cost: 7 }))).to.equal(7);
    const bad = pod('b');
    bad.metadata!.annotations = { 'controller.kubernetes.io/pod-deletion-cost': 'lots' };
    expect(deletionCost(bad)).to.equal(0);
  });
});

describe('replication: expectations', () => {
  it('holds a controller back until its creations and deletions are seen, or expire', () => {
    let now = 0;
    const e = new Expectations(() => now);
    expect(e.satisfied('ns/rc')).to.equal(true);
    e.expect('ns/rc', 2);
    e.creationObserved('ns/rc');
    expect(e.satisfied('ns/rc')).to.equal(false);
    e.creationObserved('ns/rc');
    expect(e.satisfied('ns/rc')).to.equal(true);
    e.expect('ns/rc', 0, ['ns/p1']);
    e.deletionObserved('ns/rc', 'ns/other');
    expect(e.satisfied('ns/rc'), 'a pod it did not delete does not count').to.equal(false);
    now = EXPECTATIONS_TTL_MS + 1;
    expect(e.satisfied('ns/rc'), 'expired').to.equal(true);
  });
});

describe('replication: claiming pods', () => {
  const rc: k8s.V1ReplicationController = {
    metadata: { name: 'rc', namespace: 'ns', uid: 'me' },
    spec: { replicas: 2, selector: { app: 'x' }, template: { metadata: { labels: { app: 'x' } } } },
  };

  it('keeps its matching pods, adopts matching orphans, releases its non-matching pods, ignores others', () => {
    const claim = claimPods(rc, [
      pod('mine', { owner: 'me' }),
      pod('orphan'),
      pod('moved', { owner: 'me', labels: { app: 'y' } }),
      pod('theirs', { owner: 'someone-else' }),
      pod('unrelated', { labels: { app: 'z' } }),
      pod('orphan-going', { deleting: true }),
    ]);
    expect(claim.owned.map((p) => p.metadata!.name)).to.deep.equal(['mine']);
    expect(claim.adopt.map((p) => p.metadata!.name)).to.deep.equal(['orphan']);
    expect(claim.release.map((p) => p.metadata!.name)).to.deep.equal(['moved']);
  });

  it('neither adopts nor releases while the RC is being deleted', () => {
    const going = { ...rc, metadata: { ...rc.metadata, deletionTimestamp: NOW } };
    const claim = claimPods(going, [pod('orphan'), pod('moved', { owner: 'me', labels: { app: 'y' } })]);
    expect(claim.adopt).to.deep.equal([]);
    expect(claim.release).to.deep.equal([]);
  });

  it('patches as upstream: the controller reference with the pod uid, or a $patch delete', () => {
    const p = pod('p');
    expect(releasePatch(p, 'me')).to.deep.equal({
      metadata: { ownerReferences: [{ $patch: 'delete', uid: 'me' }], uid: 'uid-p' },
    });
    const ref = podFromTemplate(rc).metadata!.ownerReferences![0]!;
    expect(adoptPatch(p, ref)).to.deep.equal({ metadata: { ownerReferences: [ref], uid: 'uid-p' } });
  });

  it('builds pods from the template with generateName and a blocking controller reference', () => {
    const made = podFromTemplate(rc);
    expect(made.metadata).to.deep.equal({
      generateName: 'rc-',
      namespace: 'ns',
      labels: { app: 'x' },
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'ReplicationController',
          name: 'rc',
          uid: 'me',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
  });
});

describe('replication: slow start', () => {
  it('creates in batches of 1, 2, 4, … and stops after the first failing batch', async () => {
    // Calls of one batch all start before any of them ends: count them between ends.
    const sizes: number[] = [];
    let open = 0;
    const ok = await slowStartBatch(10, 1, async () => {
      if (open === 0) sizes.push(0);
      open++;
      sizes[sizes.length - 1]! += 1;
      await new Promise((resolve) => setImmediate(resolve));
      open--;
    });
    expect(ok).to.deep.equal({ succeeded: 10, error: undefined });
    expect(sizes).to.deep.equal([1, 2, 4, 3]);
    let attempts = 0;
    const failing = await slowStartBatch(10, 1, async () => {
      attempts++;
      if (attempts >= 2) throw new Error('quota');
    });
    expect(attempts, 'batch 1 (ok), batch 2 (fails): no third batch').to.equal(3);
    expect(failing.succeeded).to.equal(1);
    expect((failing.error as Error).message).to.equal('quota');
  });
});

describe('replication: status', () => {
  const rc: k8s.V1ReplicationController = {
    metadata: { name: 'rc', namespace: 'ns', uid: 'me', generation: 4 },
    spec: {
      replicas: 3,
      minReadySeconds: 60,
      selector: { app: 'x' },
      template: { metadata: { labels: { app: 'x', v: '2' } } },
    },
  };

  it('counts replicas, fully labelled, ready and available (minReadySeconds) pods', () => {
    const pods = [
      pod('a', { labels: { app: 'x', v: '2' }, readySince: ago(120) }),
      pod('b', { labels: { app: 'x' }, readySince: ago(5) }),
      pod('c', { labels: { app: 'x', v: '2' }, ready: false }),
    ];
    expect(calculateStatus(rc, pods, undefined, NOW)).to.deep.equal({
      replicas: 3,
      fullyLabeledReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 1,
      observedGeneration: 4,
    });
  });

  it('sets ReplicaFailure on an error (FailedCreate when short) and removes it on success', () => {
    const failed = calculateStatus(rc, [], 'pods "x" is forbidden: exceeded quota', NOW);
    expect(failed.conditions).to.deep.equal([
      {
        type: 'ReplicaFailure',
        status: 'True',
        reason: 'FailedCreate',
        message: 'pods "x" is forbidden: exceeded quota',
        lastTransitionTime: NOW,
      },
    ]);
    const healed = calculateStatus({ ...rc, status: failed }, [], undefined, NOW);
    expect(healed.conditions).to.equal(undefined);
    expect(statusUnchanged(failed, calculateStatus({ ...rc, status: failed }, [], 'again', NOW))).to.equal(
      true,
    );
  });
});
