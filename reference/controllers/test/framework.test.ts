// The controller framework's pure parts: the work queue's de-duplication, exclusivity and back-off,
// the reconcile loop's retries, and upstream's `--controllers` syntax.
import { expect } from 'chai';
import { createLogger } from '../../../common/src/log.ts';
import { selectControllers } from '../src/controller-manager.ts';
import { ReconcileLoop, keyOf, splitKey } from '../src/framework/reconcile-loop.ts';
import { WorkQueue } from '../src/framework/work-queue.ts';

const quiet = createLogger({ level: 'silent' });

describe('controllers: work queue', () => {
  it('queues a key once however often it is added', async () => {
    const q = new WorkQueue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).to.equal(2);
    expect(await q.get()).to.equal('a');
    expect(await q.get()).to.equal('b');
  });

  it('never hands a key being processed to a second worker; an add meanwhile brings it back after done', async () => {
    const q = new WorkQueue();
    q.add('a');
    const first = await q.get();
    q.add('a');
    expect(q.length, 'held back while processing').to.equal(0);
    q.done(first!);
    expect(q.length).to.equal(1);
    expect(await q.get()).to.equal('a');
  });

  it('backs a failing key off exponentially until forgotten', () => {
    const q = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 35 });
    expect([
      q.addRateLimited('a'),
      q.addRateLimited('a'),
      q.addRateLimited('a'),
      q.addRateLimited('a'),
    ]).to.deep.equal([10, 20, 35, 35]);
    q.forget('a');
    expect(q.retries('a')).to.equal(0);
    q.shutDown();
  });

  it('wakes a waiting worker on add and ends waiting workers on shutdown', async () => {
    const q = new WorkQueue();
    const waiting = q.get();
    q.add('x');
    expect(await waiting).to.equal('x');
    const ending = q.get();
    q.shutDown();
    expect(await ending).to.equal(undefined);
  });
});

describe('controllers: reconcile loop', () => {
  it('retries a failing reconcile with back-off and requeues on request', async () => {
    const seen: string[] = [];
    let failures = 2;
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const loop = new ReconcileLoop({
      name: 'test',
      log: quiet,
      workers: 1,
      reconcile: async (key) => {
        seen.push(key);
        if (failures-- > 0) throw new Error('not yet');
        finish();
      },
    });
    loop.start();
    loop.add('ns/a');
    await finished;
    await loop.stop();
    expect(seen).to.deep.equal(['ns/a', 'ns/a', 'ns/a']);
  });

  it('keys namespaced objects as namespace/name and cluster-scoped ones by name', () => {
    expect(keyOf({ metadata: { namespace: 'ns', name: 'a' } })).to.equal('ns/a');
    expect(keyOf({ metadata: { name: 'node-1' } })).to.equal('node-1');
    expect(splitKey('ns/a')).to.deep.equal({ namespace: 'ns', name: 'a' });
    expect(splitKey('node-1')).to.deep.equal({ namespace: undefined, name: 'node-1' });
  });
});

describe('controllers: --controllers selection', () => {
  const known = ['replicationcontroller', 'endpoint', 'garbagecollector'];
  it('takes * as all, -name as leave out, and names as given', () => {
    expect(selectControllers(['*'], known)).to.deep.equal(known);
    expect(selectControllers(['*', '-endpoint'], known)).to.deep.equal([
      'replicationcontroller',
      'garbagecollector',
    ]);
    expect(selectControllers(['endpoint'], known)).to.deep.equal(['endpoint']);
  });
  it('refuses an unknown name and lists the known ones', () => {
    expect(() => selectControllers(['nope'], known)).to.throw(
      /unknown controller\(s\): nope; known: replicationcontroller/,
    );
  });
});
