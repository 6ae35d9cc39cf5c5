import { expect } from 'chai';
import { fitErrorMessage, unschedulableMessage } from '../src/fit-error.ts';
import { unresolvable, unschedulable, type FilterStatus } from '../src/framework.ts';
import { FILTER_PLUGINS, SCORE_PLUGINS } from '../src/plugins/index.ts';
import { numFeasibleNodesToFind, schedulePod, selectHost } from '../src/schedule-pod.ts';
import { SchedulingQueue, backoffDuration, type Clock } from '../src/scheduling-queue.ts';
import { makeNode, makePod, nodeInfos } from './support.ts';

describe('scheduler FitError message', () => {
  const affinity = "node(s) didn't match Pod's node affinity/selector";
  it('counts reasons, sorts "count reason" as text and appends the preemption message', () => {
    const statuses = new Map<string, FilterStatus>([
      ['a', unschedulable('Insufficient cpu')],
      ['b', unschedulable('Insufficient cpu')],
      ['c', unresolvable(affinity)],
    ]);
    expect(unschedulableMessage(makePod('p'), 3, statuses)).to.equal(
      `0/3 nodes are available: 1 ${affinity}, 2 Insufficient cpu. ` +
        'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, ' +
        '2 No preemption victims found for incoming pod.',
    );
  });
  it('only unresolvable reasons: preemption is not helpful anywhere', () => {
    const statuses = new Map<string, FilterStatus>([
      ['a', unresolvable(affinity)],
      ['b', unresolvable('node(s) had untolerated taint {dedicated: gpu}')],
    ]);
    expect(unschedulableMessage(makePod('p'), 2, statuses)).to.equal(
      `0/2 nodes are available: 1 ${affinity}, 1 node(s) had untolerated taint {dedicated: gpu}. ` +
        'preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling.',
    );
  });
  it('a node with two reasons counts in both; counts sort as text (10 before 2)', () => {
    const statuses: FilterStatus[] = [
      ...Array.from({ length: 10 }, () => unschedulable('Too many pods')),
      unschedulable('Insufficient cpu', 'Insufficient memory'),
      unschedulable('Insufficient cpu'),
    ];
    expect(fitErrorMessage(12, statuses)).to.equal(
      '0/12 nodes are available: 1 Insufficient memory, 10 Too many pods, 2 Insufficient cpu.',
    );
  });
  it('preemptionPolicy Never and no nodes at all', () => {
    const pod = makePod('p', { spec: { preemptionPolicy: 'Never' } });
    expect(unschedulableMessage(pod, 1, new Map([['a', unschedulable('Insufficient cpu')]]))).to.equal(
      '0/1 nodes are available: 1 Insufficient cpu. preemption: not eligible due to preemptionPolicy=Never.',
    );
    expect(unschedulableMessage(pod, 0, new Map())).to.equal('no nodes available to schedule pods');
  });
});

describe('scheduler decisions', () => {
  const run = (pod: ReturnType<typeof makePod>, nodes: ReturnType<typeof nodeInfos>, random = () => 0.5) =>
    schedulePod({ pod, nodes, services: [], filters: FILTER_PLUGINS, scores: SCORE_PLUGINS, random });

  it('binds to the only fitting node', () => {
    const nodes = nodeInfos([makeNode('small', { cpu: '1' }), makeNode('big', { cpu: '8' })]);
    expect(run(makePod('p', { cpu: '2' }), nodes)).to.include({ bind: true, nodeName: 'big' });
  });
  it('explains a pod that fits nowhere, with the exact upstream message', () => {
    const nodes = nodeInfos([
      makeNode('a', { cpu: '1' }),
      makeNode('b', { cpu: '1' }),
      makeNode('c', { cpu: '8', labels: { zone: 'x' } }),
    ]);
    const decision = run(makePod('p', { cpu: '2', spec: { nodeSelector: { zone: 'y' } } }), nodes);
    expect(decision).to.include({
      bind: false,
      reason: 'Unschedulable',
      message:
        "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. " +
        'preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    });
    const cpuOnly = run(makePod('q', { cpu: '2', spec: { nodeSelector: { zone: 'x' } } }), nodes);
    expect(cpuOnly).to.include({ bind: true, nodeName: 'c' });
  });
  it('no nodes: SchedulerError', () => {
    expect(run(makePod('p'), [])).to.include({ bind: false, reason: 'SchedulerError' });
  });
  it('spreads pods of one owner: the node without a peer wins', () => {
    const nodes = nodeInfos([makeNode('a'), makeNode('b')], [makePod('r1', { owner: 'rs', nodeName: 'a' })]);
    for (let i = 0; i < 5; i++) {
      expect(run(makePod('r2', { owner: 'rs' }), nodes, () => i / 5)).to.include({ nodeName: 'b' });
    }
  });
  it('least allocated: the emptier node wins', () => {
    const nodes = nodeInfos([makeNode('a'), makeNode('b')], [makePod('x', { cpu: '2', nodeName: 'a' })]);
    expect(run(makePod('p', { cpu: '1' }), nodes)).to.include({ nodeName: 'b' });
  });
  it('ties are broken at random', () => {
    expect(selectHost([5, 7, 7, 3], () => 0)).to.equal(2);
    expect(selectHost([5, 7, 7, 3], () => 0.99)).to.equal(1);
    const nodes = nodeInfos([makeNode('a'), makeNode('b'), makeNode('c')]);
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) {
      const d = run(makePod('p'), nodes, Math.random);
      if (d.bind) seen.add(d.nodeName);
    }
    expect([...seen].sort()).to.deep.equal(['a', 'b', 'c']);
  });
  it('numFeasibleNodesToFind follows upstream', () => {
    expect(numFeasibleNodesToFind(50)).to.equal(50);
    expect(numFeasibleNodesToFind(1000)).to.equal(420);
    expect(numFeasibleNodesToFind(200)).to.equal(100);
    expect(numFeasibleNodesToFind(5000, 10)).to.equal(500);
  });
});

describe('scheduler queue', () => {
  class FakeClock implements Clock {
    t = 0;
    timers: Array<{ at: number; fn: () => void; done: boolean }> = [];
    now = () => this.t;
    setTimeout = (fn: () => void, ms: number) => {
      const timer = { at: this.t + ms, fn, done: false };
      this.timers.push(timer);
      return { cancel: () => (timer.done = true) };
    };
    advance(ms: number) {
      this.t += ms;
      for (const timer of this.timers) {
        if (timer.done || timer.at > this.t) continue;
        timer.done = true;
        timer.fn();
      }
    }
  }

  it('back-off: 1 s doubling to 10 s', () => {
    expect([1, 2, 3, 4, 5, 6].map((a) => backoffDuration(a, 1000, 10_000))).to.deep.equal([
      1000, 2000, 4000, 8000, 10_000, 10_000,
    ]);
  });
  it('an unschedulable pod waits for an event, then for its back-off', () => {
    const clock = new FakeClock();
    const q = new SchedulingQueue({ clock });
    q.add('a');
    expect(q.pop()).to.equal('a');
    q.markUnschedulable('a');
    q.add('a'); // an update that changes nothing the scheduler reads is not sent here; a real change is
    expect(q.activeCount).to.equal(0);
    clock.advance(999);
    expect(q.activeCount).to.equal(0);
    clock.advance(1);
    expect(q.pop()).to.equal('a');
    q.markUnschedulable('a');
    clock.advance(5000); // past its 2 s back-off, but nothing happened: stays parked
    expect(q.activeCount).to.equal(0);
    q.moveAllToActiveOrBackoff();
    expect(q.pop()).to.equal('a');
  });
  it('rejects a bad config with a message naming the value', () => {
    expect(() => new SchedulingQueue({ initialBackoffMs: 0 })).to.throw('initialBackoffMs 0 must be > 0');
  });
});
