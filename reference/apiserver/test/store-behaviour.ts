// The storage contract's behaviour, one suite for every backend (store.embedded.test.ts,
// store.etcd.test.ts). Revisions are only compared with each other, never with constants: an
// etcd server is shared by the whole suite and starts at revision 1.
import { expect } from 'chai';
import { CompactedError, FutureRevisionError } from '../src/store/store.ts';
import type { KeyValue, Operation, Store, TxnResult } from '../src/store/store.ts';
import { InvalidStoreRequestError, StoreClosedError } from '../src/store/store-errors.ts';
import { rejectionOf, WatchRecorder } from './support/watch-recorder.ts';

export interface StoreBehaviourTarget {
  /** A store over fresh, empty data (etcd: a new key prefix). The suite closes it. */
  open(): Promise<Store>;
}

const put = (key: string, value: string): Operation => ({ type: 'put', key, value });
const del = (key: string): Operation => ({ type: 'delete', key });

/** Writes unconditionally and returns the transaction's revision. */
async function write(store: Store, ...ops: Operation[]): Promise<number> {
  const result = await store.txn({ compare: [], success: ops });
  expect(result.succeeded).to.equal(true);
  return result.revision;
}

async function valueOf(store: Store, key: string): Promise<string | null> {
  return (await store.get(key)).kv?.value ?? null;
}

export function storeBehaviour(target: StoreBehaviourTarget): void {
  let opened: Store[] = [];
  const open = async (): Promise<Store> => {
    const store = await target.open();
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    const closing = opened;
    opened = [];
    for (const store of closing) await store.close();
  });

  describe('transactions', () => {
    it('creates a key only if absent (compare modRevision 0) and, when present, returns it as current', async () => {
      const store = await open();
      const before = await store.currentRevision();
      const created = await store.txn({
        compare: [{ key: '/a', modRevision: 0 }],
        success: [put('/a', 'one')],
      });
      expect(created).to.deep.equal({ succeeded: true, revision: before + 1, current: [], previous: [null] });

      const again = await store.txn({
        compare: [{ key: '/a', modRevision: 0 }],
        success: [put('/a', 'two')],
      });
      const kv: KeyValue = {
        key: '/a',
        value: 'one',
        createRevision: before + 1,
        modRevision: before + 1,
        version: 1,
      };
      expect(again).to.deep.equal({ succeeded: false, revision: before + 1, current: [kv], previous: [] });
      expect(await store.get('/a')).to.deep.equal({ kv, revision: before + 1 });
    });

    it('refuses an update with a stale modRevision and writes nothing', async () => {
      const store = await open();
      const first = await write(store, put('/k', 'v1'));
      const second = await store.txn({
        compare: [{ key: '/k', modRevision: first }],
        success: [put('/k', 'v2')],
      });
      expect(second.succeeded).to.equal(true);

      const stale = await store.txn({
        compare: [{ key: '/k', modRevision: first }],
        success: [put('/k', 'v3'), put('/other', 'x')],
      });
      expect(stale.succeeded).to.equal(false);
      expect(stale.revision).to.equal(second.revision);
      expect(stale.current.map((kv) => kv?.value)).to.deep.equal(['v2']);
      expect(await valueOf(store, '/k')).to.equal('v2');
      expect(await valueOf(store, '/other')).to.equal(null);
      expect(await store.currentRevision()).to.equal(second.revision);
    });

    it('applies every operation of a transaction at one revision, or none of them', async () => {
      const store = await open();
      const base = await write(store, put('/x', '1'), put('/y', '1'), put('/z', '1'));

      const failed = await store.txn({
        compare: [
          { key: '/x', modRevision: base },
          { key: '/y', modRevision: base - 1 },
          { key: '/absent', modRevision: 0 },
        ],
        success: [put('/x', '2'), del('/z'), put('/new', '1')],
      });
      expect(failed.succeeded).to.equal(false);
      expect(failed.current.map((kv) => kv?.modRevision ?? null)).to.deep.equal([base, base, null]);
      expect(await Promise.all(['/x', '/z', '/new'].map((k) => valueOf(store, k)))).to.deep.equal([
        '1',
        '1',
        null,
      ]);

      const done = await store.txn({
        compare: [
          { key: '/x', modRevision: base },
          { key: '/absent', modRevision: 0 },
        ],
        success: [put('/x', '2'), del('/z'), put('/new', '1')],
      });
      expect(done.succeeded).to.equal(true);
      expect(done.revision).to.equal(base + 1);
      const after = await store.range({ prefix: '/' });
      expect(after.kvs.map((kv) => [kv.key, kv.value, kv.modRevision])).to.deep.equal([
        ['/new', '1', base + 1],
        ['/x', '2', base + 1],
        ['/y', '1', base],
      ]);
    });

    it('deletes with the previous value, and a delete of an absent key writes nothing', async () => {
      const store = await open();
      const created = await write(store, put('/d', 'gone soon'));
      const deleted = await store.txn({
        compare: [{ key: '/d', modRevision: created }],
        success: [del('/d')],
      });
      expect(deleted).to.deep.equal({
        succeeded: true,
        revision: created + 1,
        current: [],
        previous: [
          { key: '/d', value: 'gone soon', createRevision: created, modRevision: created, version: 1 },
        ],
      });
      expect((await store.get('/d')).kv).to.equal(null);

      const again: TxnResult = await store.txn({ compare: [], success: [del('/d')] });
      expect(again).to.deep.equal({ succeeded: true, revision: created + 1, current: [], previous: [null] });
      expect(await store.currentRevision()).to.equal(created + 1);
    });

    it('keeps version, createRevision and modRevision, and restarts them after a delete', async () => {
      const store = await open();
      const r1 = await write(store, put('/v', 'a'));
      const r2 = await write(store, put('/v', 'b'));
      const r3 = await write(store, put('/v', 'c'));
      expect((await store.get('/v')).kv).to.deep.equal({
        key: '/v',
        value: 'c',
        createRevision: r1,
        modRevision: r3,
        version: 3,
      });
      expect(r2).to.equal(r1 + 1);
      await write(store, del('/v'));
      const r5 = await write(store, put('/v', 'again'));
      expect((await store.get('/v')).kv).to.deep.equal({
        key: '/v',
        value: 'again',
        createRevision: r5,
        modRevision: r5,
        version: 1,
      });
    });

    it('rejects a transaction writing one key twice, before writing anything', async () => {
      const store = await open();
      const before = await store.currentRevision();
      const err = await rejectionOf(store.txn({ compare: [], success: [put('/twice', '1'), del('/twice')] }));
      expect(err).to.be.instanceOf(InvalidStoreRequestError);
      expect(err.message).to.equal('txn success[1] writes key "/twice" a second time');
      expect(await store.currentRevision()).to.equal(before);
      expect(await valueOf(store, '/twice')).to.equal(null);
    });
  });

  describe('range', () => {
    it('lists a prefix in key order with startAfter, limit and more', async () => {
      const store = await open();
      await write(store, put('/p/c', 'c'), put('/p/a', 'a'), put('/p/e', 'e'), put('/pa', 'outside'));
      await write(store, put('/p/b', 'b'), put('/p/d', 'd'), put('/q/a', 'outside'), put('/p', 'outside'));
      const keys = async (request: { startAfter?: string; limit?: number }) => {
        const result = await store.range({ prefix: '/p/', ...request });
        return { keys: result.kvs.map((kv) => kv.key), more: result.more };
      };
      expect(await keys({})).to.deep.equal({ keys: ['/p/a', '/p/b', '/p/c', '/p/d', '/p/e'], more: false });
      expect(await keys({ limit: 2 })).to.deep.equal({ keys: ['/p/a', '/p/b'], more: true });
      expect(await keys({ startAfter: '/p/b', limit: 2 })).to.deep.equal({
        keys: ['/p/c', '/p/d'],
        more: true,
      });
      expect(await keys({ startAfter: '/p/d', limit: 2 })).to.deep.equal({ keys: ['/p/e'], more: false });
      expect(await keys({ startAfter: '/p/a', limit: 4 })).to.deep.equal({
        keys: ['/p/b', '/p/c', '/p/d', '/p/e'],
        more: false,
      });
      expect(await keys({ startAfter: '/a' })).to.deep.equal({
        keys: ['/p/a', '/p/b', '/p/c', '/p/d', '/p/e'],
        more: false,
      });
      expect(await keys({ startAfter: '/p/e' })).to.deep.equal({ keys: [], more: false });
      expect(await keys({ startAfter: '/z' })).to.deep.equal({ keys: [], more: false });
    });

    it('reads at an older revision: the values then, not later writes', async () => {
      const store = await open();
      const r1 = await write(store, put('/o/a', 'a1'), put('/o/b', 'b1'));
      await write(store, put('/o/a', 'a2'), del('/o/b'), put('/o/c', 'c2'));
      const old = await store.range({ prefix: '/o/', revision: r1 });
      expect(old.revision).to.equal(r1);
      expect(old.kvs.map((kv) => [kv.key, kv.value, kv.modRevision])).to.deep.equal([
        ['/o/a', 'a1', r1],
        ['/o/b', 'b1', r1],
      ]);
      const now = await store.range({ prefix: '/o/' });
      expect(now.revision).to.equal(r1 + 1);
      expect(now.kvs.map((kv) => [kv.key, kv.value])).to.deep.equal([
        ['/o/a', 'a2'],
        ['/o/c', 'c2'],
      ]);
      const paged = await store.range({ prefix: '/o/', revision: r1, startAfter: '/o/a', limit: 1 });
      expect(paged.kvs.map((kv) => kv.value)).to.deep.equal(['b1']);
    });

    it('counts the keys in range past the limit when asked, at the revision read', async () => {
      const store = await open();
      const r1 = await write(store, put('/n/a', 'a'), put('/n/b', 'b'), put('/n/c', 'c'), put('/nz', 'x'));
      await write(store, put('/n/d', 'd'), del('/n/a'), put('/n/e', 'e'));
      const counted = async (request: { startAfter?: string; limit?: number; revision?: number }) => {
        const result = await store.range({ prefix: '/n/', count: true, ...request });
        return { keys: result.kvs.map((kv) => kv.key), more: result.more, count: result.count };
      };
      expect(await counted({ limit: 2 })).to.deep.equal({ keys: ['/n/b', '/n/c'], more: true, count: 4 });
      expect(await counted({ startAfter: '/n/c', limit: 1 })).to.deep.equal({
        keys: ['/n/d'],
        more: true,
        count: 2,
      });
      expect(await counted({ startAfter: '/n/d' })).to.deep.equal({ keys: ['/n/e'], more: false, count: 1 });
      // At the older revision /n/a still exists and /n/d, /n/e do not yet.
      expect(await counted({ limit: 1, revision: r1 })).to.deep.equal({
        keys: ['/n/a'],
        more: true,
        count: 3,
      });
      // Without `count` the result carries none (the contract's older callers are unchanged).
      expect((await store.range({ prefix: '/n/', limit: 1 })).count).to.equal(undefined);
      const bad = await rejectionOf(store.range({ prefix: '/n/', count: 'yes' as never }));
      expect(bad).to.be.instanceOf(InvalidStoreRequestError);
    });

    it('refuses a revision it has not reached with FutureRevisionError', async () => {
      const store = await open();
      const current = await write(store, put('/f', '1'));
      const err = await rejectionOf(store.range({ prefix: '/', revision: current + 1000 }));
      expect(err).to.be.instanceOf(FutureRevisionError);
      expect(err).to.include({ requested: current + 1000, current });
    });
  });

  describe('compaction', () => {
    it('keeps the compaction point readable and refuses older reads and watches with CompactedError', async () => {
      const store = await open();
      const r1 = await write(store, put('/c/a', 'a1'), put('/c/b', 'b1'));
      const r2 = await write(store, put('/c/a', 'a2'));
      const r3 = await write(store, del('/c/b'), put('/c/c', 'c3'));
      await write(store, put('/c/a', 'a4'));
      await store.compact(r2);
      expect(await store.compactedRevision()).to.equal(r2);

      const atPoint = await store.range({ prefix: '/c/', revision: r2 });
      expect(atPoint.kvs.map((kv) => [kv.key, kv.value])).to.deep.equal([
        ['/c/a', 'a2'],
        ['/c/b', 'b1'],
      ]);
      const tooOld = await rejectionOf(store.range({ prefix: '/c/', revision: r1 }));
      expect(tooOld).to.be.instanceOf(CompactedError);
      expect(tooOld).to.include({ requested: r1, compacted: r2 });
      expect((await store.range({ prefix: '/c/', revision: r3 })).kvs.map((kv) => kv.value)).to.deep.equal([
        'a2',
        'c3',
      ]);
      expect((await store.range({ prefix: '/c/' })).kvs.map((kv) => kv.value)).to.deep.equal(['a4', 'c3']);

      const refused = WatchRecorder.start(store, '/c/', r2 - 1);
      const err = await refused.untilError();
      expect(err).to.be.instanceOf(CompactedError);
      expect(err).to.include({ requested: r2 - 1, compacted: r2 });
      expect(refused.events).to.deep.equal([]);

      const fromPoint = WatchRecorder.start(store, '/c/', r2);
      await fromPoint.untilEvents(3);
      expect(fromPoint.events.map((e) => [e.type, e.kv.key, e.kv.modRevision])).to.deep.equal([
        ['delete', '/c/b', r3],
        ['put', '/c/c', r3],
        ['put', '/c/a', r3 + 1],
      ]);
      fromPoint.watcher!.cancel();
    });

    it('refuses to compact at or before the compaction point, or past the current revision, and goes on writing', async () => {
      const store = await open();
      const r1 = await write(store, put('/cc', '1'));
      const r2 = await write(store, put('/cc', '2'));
      await store.compact(r2);
      const again = await rejectionOf(store.compact(r1));
      expect(again).to.be.instanceOf(CompactedError);
      expect(again).to.include({ requested: r1, compacted: r2 });
      const future = await rejectionOf(store.compact(r2 + 1000));
      expect(future).to.be.instanceOf(FutureRevisionError);
      expect(future).to.include({ requested: r2 + 1000, current: r2 });
      expect(await valueOf(store, '/cc')).to.equal('2');
      expect(await write(store, put('/cc', '3'))).to.equal(r2 + 1);
      expect(await valueOf(store, '/cc')).to.equal('3');
    });
  });

  describe('watch', () => {
    it('replays exactly the missed events in revision order, one batch per transaction, then follows live', async () => {
      const store = await open();
      const r1 = await write(store, put('/w/a', '1'));
      const r2 = await write(store, put('/w/a', '2'), put('/w/b', '1'), put('/elsewhere', 'x'));
      const r3 = await write(store, put('/elsewhere', 'y'));
      const r4 = await write(store, del('/w/a'));
      const recorder = WatchRecorder.start(store, '/w/', r1);
      await recorder.untilEvents(3);
      const r5 = await write(store, put('/w/c', 'live'));
      await recorder.untilEvents(4);

      const kv = (key: string, value: string, create: number, mod: number, version: number): KeyValue => ({
        key,
        value,
        createRevision: create,
        modRevision: mod,
        version,
      });
      expect(r3).to.equal(r2 + 1);
      expect(recorder.batches).to.deep.equal([
        [
          { type: 'put', kv: kv('/w/a', '2', r1, r2, 2), prevKv: kv('/w/a', '1', r1, r1, 1) },
          { type: 'put', kv: kv('/w/b', '1', r2, r2, 1), prevKv: null },
        ],
        [{ type: 'delete', kv: kv('/w/a', '', 0, r4, 0), prevKv: kv('/w/a', '2', r1, r2, 2) }],
        [{ type: 'put', kv: kv('/w/c', 'live', r5, r5, 1), prevKv: null }],
      ]);
      expect(recorder.errors).to.deep.equal([]);
      recorder.watcher!.cancel();
    });

    it('stops delivering once cancelled', async () => {
      const store = await open();
      const start = await store.currentRevision();
      const cancelled = WatchRecorder.start(store, '/s/', start);
      const fence = WatchRecorder.start(store, '/s/', start);
      await write(store, put('/s/1', 'before cancel'));
      await cancelled.untilEvents(1);
      cancelled.watcher!.cancel();
      await write(store, put('/s/2', 'after cancel'));
      await write(store, put('/s/3', 'after cancel'));
      await fence.untilEvents(3);
      expect(cancelled.events.map((e) => e.kv.key)).to.deep.equal(['/s/1']);
      expect(cancelled.errors).to.deep.equal([]);
      fence.watcher!.cancel();
    });

    it('reports progress with the current revision while no events come', async () => {
      const store = await open();
      const revision = await write(store, put('/g/a', '1'));
      const recorder = WatchRecorder.start(store, '/g/', revision - 1);
      await recorder.untilEvents(1);
      await recorder.until('a progress report', () => recorder.progress.some((r) => r >= revision));
      await write(store, put('/elsewhere/g', 'moves the revision'));
      const moved = revision + 1;
      await recorder.until('progress past an unrelated write', () =>
        recorder.progress.some((r) => r >= moved),
      );
      expect(recorder.events).to.have.length(1);
      recorder.watcher!.cancel();
    });

    it('waits for a revision not reached yet and then delivers it', async () => {
      const store = await open();
      const current = await store.currentRevision();
      const recorder = WatchRecorder.start(store, '/later/', current + 1);
      await write(store, put('/later/skipped', 'at current + 1'));
      const wanted = await write(store, put('/later/seen', 'at current + 2'));
      await recorder.untilEvents(1);
      expect(recorder.events.map((e) => [e.kv.key, e.kv.modRevision])).to.deep.equal([
        ['/later/seen', wanted],
      ]);
      recorder.watcher!.cancel();
    });
  });

  describe('closing', () => {
    it('ends open watches with StoreClosedError and refuses calls afterwards', async () => {
      const store = await target.open();
      const recorder = WatchRecorder.start(store, '/', await store.currentRevision());
      await store.close();
      expect(await recorder.untilError()).to.be.instanceOf(StoreClosedError);
      expect(await rejectionOf(store.get('/x'))).to.be.instanceOf(StoreClosedError);
      expect(await rejectionOf(store.txn({ compare: [], success: [put('/x', '1')] }))).to.be.instanceOf(
        StoreClosedError,
      );
    });
  });
}
