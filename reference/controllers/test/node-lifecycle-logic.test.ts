// The node lifecycle decisions without I/O: when a node is stale (by the controller's clock, from
// the Lease or the Ready heartbeat), which conditions turn Unknown, which taints a node gets and
// loses, full disruption, and how long a pod may stay on a NoExecute-tainted node.
import { expect } from 'chai';
import type * as k8s from '@kubernetes/client-node';
import {
  NEVER_REASON,
  NodeHealthTracker,
  UNKNOWN_MESSAGE,
  UNKNOWN_REASON,
  unknownConditions,
  zonesInFullDisruption,
} from '../src/node-lifecycle/node-health.ts';
import {
  TAINT_NOT_READY,
  TAINT_UNREACHABLE,
  evictionDecision,
  reconcileTaints,
} from '../src/node-lifecycle/taints.ts';

const GRACE = 40_000;

function node(
  name: string,
  ready: string | undefined,
  heartbeat = '2026-01-01T00:00:00Z',
  extra: Partial<k8s.V1Node> = {},
) {
  return {
    metadata: { name, creationTimestamp: new Date('2026-01-01T00:00:00Z') },
    spec: {},
    status: {
      conditions:
        ready === undefined
          ? []
          : [
              {
                type: 'Ready',
                status: ready,
                reason: 'KubeletReady',
                lastHeartbeatTime: new Date(heartbeat),
              },
              { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: new Date(heartbeat) },
            ],
    },
    ...extra,
  } as k8s.V1Node;
}
const lease = (renew: string) => ({ spec: { renewTime: new Date(renew) } }) as unknown as k8s.V1Lease;

describe('node lifecycle: staleness', () => {
  it('starts the grace period when the node is first seen and restarts it whenever the lease moves', () => {
    const health = new NodeHealthTracker(GRACE);
    const n = node('a', 'True');
    expect(health.observe(n, lease('2026-01-01T00:00:00Z'), 1_000)).to.equal(GRACE);
    expect(health.observe(n, lease('2026-01-01T00:00:00Z'), 31_000)).to.equal(10_000);
    expect(health.observe(n, lease('2026-01-01T00:00:10Z'), 35_000)).to.equal(GRACE);
    expect(health.observe(n, lease('2026-01-01T00:00:10Z'), 35_000 + GRACE)).to.equal(0);
  });

  it('counts a moved Ready heartbeat as a sign of life too, and judges by its own clock, not the timestamps', () => {
    const health = new NodeHealthTracker(GRACE);
    health.observe(node('a', 'True', '2000-01-01T00:00:00Z'), undefined, 0);
    expect(health.observe(node('a', 'True', '2000-01-01T00:00:05Z'), undefined, 39_000)).to.equal(GRACE);
    expect(
      health.observe(node('a', 'True', '2000-01-01T00:00:05Z'), undefined, 39_000 + GRACE + 1),
    ).to.be.below(0);
  });

  it('gives a node that never posted Ready the 60 s startup grace period', () => {
    const health = new NodeHealthTracker(10_000);
    expect(health.observe(node('a', undefined), undefined, 0)).to.equal(60_000);
  });
});

describe('node lifecycle: conditions of a silent node', () => {
  it('sets each monitored condition Unknown with upstream reason and message, keeping its heartbeat', () => {
    const now = new Date('2026-01-01T00:05:00Z');
    const conditions = unknownConditions(node('a', 'True'), now)!;
    const ready = conditions.find((c) => c.type === 'Ready')!;
    expect(ready).to.include({ status: 'Unknown', reason: UNKNOWN_REASON, message: UNKNOWN_MESSAGE });
    expect(ready.lastTransitionTime).to.equal(now);
    expect(ready.lastHeartbeatTime).to.deep.equal(new Date('2026-01-01T00:00:00Z'));
    const disk = conditions.find((c) => c.type === 'DiskPressure')!;
    expect(disk).to.include({
      status: 'Unknown',
      reason: NEVER_REASON,
      message: 'Kubelet never posted node status.',
    });
    expect(conditions.map((c) => c.type)).to.have.members([
      'Ready',
      'MemoryPressure',
      'DiskPressure',
      'PIDPressure',
    ]);
    expect(unknownConditions({ ...node('a', 'True'), status: { conditions } }, now)).to.equal(undefined);
  });
});

describe('node lifecycle: taints', () => {
  const now = new Date('2026-01-01T00:05:00Z');
  it('taints an unreachable node NoSchedule and NoExecute, a not-ready one with not-ready, and keeps others', () => {
    const foreign = { key: 'example.com/mine', effect: 'NoSchedule' };
    const unreachable = reconcileTaints(
      node('a', 'Unknown', undefined, { spec: { taints: [foreign] } }),
      now,
    )!;
    expect(unreachable).to.deep.equal([
      foreign,
      { key: TAINT_UNREACHABLE, effect: 'NoSchedule' },
      { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: now },
    ]);
    const notReady = reconcileTaints(node('a', 'False'), now)!;
    expect(notReady.map((t) => `${t.key}:${t.effect}`)).to.deep.equal([
      `${TAINT_NOT_READY}:NoSchedule`,
      `${TAINT_NOT_READY}:NoExecute`,
    ]);
  });

  it('removes its taints when the node is Ready again, leaves an unchanged node alone, keeps timeAdded', () => {
    const earlier = new Date('2026-01-01T00:01:00Z');
    const tainted = node('a', 'True', undefined, {
      spec: {
        taints: [
          { key: TAINT_UNREACHABLE, effect: 'NoSchedule' },
          { key: TAINT_UNREACHABLE, effect: 'NoExecute', timeAdded: earlier },
          { key: 'other', effect: 'NoExecute' },
        ],
      },
    });
    expect(reconcileTaints(tainted, now)).to.deep.equal([{ key: 'other', effect: 'NoExecute' }]);
    expect(reconcileTaints(node('a', 'True'), now)).to.equal(undefined);
    const still = {
      ...tainted,
      status: { conditions: [{ type: 'Ready', status: 'Unknown' }] },
    } as k8s.V1Node;
    expect(reconcileTaints(still, now)).to.equal(undefined);
  });

  it('adds no NoExecute taint in full disruption, and unschedulable nodes get their NoSchedule taint', () => {
    expect(reconcileTaints(node('a', 'Unknown'), now, false)).to.deep.equal([
      { key: TAINT_UNREACHABLE, effect: 'NoSchedule' },
    ]);
    const cordoned = node('a', 'True', undefined, { spec: { unschedulable: true } });
    expect(reconcileTaints(cordoned, now)).to.deep.equal([
      { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
    ]);
  });

  it('calls a zone fully disrupted only when none of its nodes is Ready', () => {
    expect(zonesInFullDisruption([node('a', 'Unknown'), node('b', 'True')]).size).to.equal(0);
    expect(zonesInFullDisruption([node('a', 'Unknown'), node('b', 'False')]).size).to.equal(1);
  });
});

describe('taint eviction: how long a pod may stay', () => {
  const unreachable = { key: TAINT_UNREACHABLE, effect: 'NoExecute' };
  const notReady = { key: TAINT_NOT_READY, effect: 'NoExecute' };
  const tol = (key: string, seconds?: number) => ({
    key,
    operator: 'Exists',
    effect: 'NoExecute',
    ...(seconds === undefined ? {} : { tolerationSeconds: seconds }),
  });

  it('evicts at once without a matching toleration', () => {
    expect(evictionDecision([], [unreachable])).to.deep.equal({ kind: 'evict-now' });
    expect(evictionDecision([tol(TAINT_NOT_READY, 300)], [unreachable])).to.deep.equal({ kind: 'evict-now' });
  });
  it('waits the smallest tolerationSeconds of the tolerations used', () => {
    expect(evictionDecision([tol(TAINT_UNREACHABLE, 5)], [unreachable])).to.deep.equal({
      kind: 'evict-after',
      seconds: 5,
    });
    expect(
      evictionDecision([tol(TAINT_UNREACHABLE, 50), tol(TAINT_NOT_READY, 7)], [unreachable, notReady]),
    ).to.deep.equal({
      kind: 'evict-after',
      seconds: 7,
    });
  });
  it('keeps a pod that tolerates forever, ignores NoSchedule taints, and evicts at once for zero seconds', () => {
    expect(evictionDecision([tol(TAINT_UNREACHABLE)], [unreachable])).to.deep.equal({ kind: 'keep' });
    expect(evictionDecision([{ operator: 'Exists' }], [unreachable, notReady])).to.deep.equal({
      kind: 'keep',
    });
    expect(evictionDecision([], [{ key: TAINT_UNREACHABLE, effect: 'NoSchedule' }])).to.deep.equal({
      kind: 'keep',
    });
    expect(evictionDecision([tol(TAINT_UNREACHABLE, 0)], [unreachable])).to.deep.equal({ kind: 'evict-now' });
  });
});
