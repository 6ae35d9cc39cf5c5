// The embedded store's multi-version index, in memory: for every key the versions written since
// the compaction point (deletions as tombstones), and per revision the events of its transaction.
//
// Two revisions matter. `revision` is the last one applied here; the store exposes only what is
// durable (its "visible" revision), and every read names the revision it reads at, so applied but
// not yet durable versions stay invisible. Compares see everything applied, which keeps writers
// serialised in the order they were applied.
//
// Compaction at C keeps, per key, the newest version at or before C (unless it is a tombstone)
// and everything after C: reads at C and later work, reads before C and watches that need an
// event at or before C fail.
import { CompactedError, FutureRevisionError } from './store.ts';
import type { KeyValue, RangeRequest, RangeResult, TxnRequest, TxnResult, WatchEvent } from './store.ts';
import { compareKeys, lowerBound, rangeStart } from './keys.ts';

/** One write as the log records it: the effect, not the request (no compares, no no-op deletes). */
export type RecordOp = { type: 'put'; key: string; value: string } | { type: 'delete'; key: string };

/** One successful, writing transaction. */
export interface TxnRecord {
  revision: number;
  ops: RecordOp[];
}

interface Version {
  revision: number;
  /** null: the key was deleted at `revision`. */
  kv: KeyValue | null;
}

export interface ApplyOutcome {
  result: TxnResult;
  /** What to log; null when nothing was written (failed compare, or only no-op deletes). */
  record: TxnRecord | null;
}

export class MvccIndex {
  private readonly versions = new Map<string, Version[]>();
  /** Every key in `versions`, in key order. */
  private sortedKeys: string[] = [];
  /** Events of revisions compacted+1 .. revision, one entry per revision. */
  private history: WatchEvent[][] = [];
  private applied: number;
  private compactedAt: number;

  /** An index holding `kvs`, the state at revision `compacted` (a snapshot). */
  constructor(compacted = 0, kvs: readonly KeyValue[] = []) {
    this.applied = compacted;
    this.compactedAt = compacted;
    const keys: string[] = [];
    for (const kv of kvs) {
      this.versions.set(kv.key, [{ revision: kv.modRevision, kv: Object.freeze({ ...kv }) }]);
      keys.push(kv.key);
    }
    this.sortedKeys = keys.sort(compareKeys);
  }

  get revision(): number {
    return this.applied;
  }

  get compacted(): number {
    return this.compactedAt;
  }

  /** The newest applied value of `key`, durable or not (for compares). */
  latest(key: string): KeyValue | null {
    return this.versions.get(key)?.at(-1)?.kv ?? null;
  }

  /** The value of `key` as of `revision` (which the caller checked is readable). */
  valueAt(key: string, revision: number): KeyValue | null {
    const list = this.versions.get(key);
    if (!list) return null;
    for (let i = list.length - 1; i >= 0; i--) {
      if (list[i]!.revision <= revision) return list[i]!.kv;
    }
    return null;
  }

  /** Evaluates and, when every compare holds, applies a (checked) transaction. */
  apply(request: TxnRequest): ApplyOutcome {
    const current = request.compare.map((c) => this.latest(c.key));
    const holds = request.compare.every((c, i) => (current[i]?.modRevision ?? 0) === c.modRevision);
    if (!holds) {
      return { result: { succeeded: false, revision: this.applied, current, previous: [] }, record: null };
    }
    const previous = request.success.map((op) => this.latest(op.key));
    const ops = request.success
      .filter((op, i) => op.type === 'put' || previous[i] !== null)
      .map((op): RecordOp =>
        op.type === 'put' ? { type: 'put', key: op.key, value: op.value } : { type: 'delete', key: op.key },
      );
    if (ops.length === 0) {
      return { result: { succeeded: true, revision: this.applied, current: [], previous }, record: null };
    }
    const record: TxnRecord = { revision: this.applied + 1, ops };
    this.replay(record);
    return { result: { succeeded: true, revision: this.applied, current: [], previous }, record };
  }

  /** Applies a logged transaction; it must carry the next revision. */
  replay(record: TxnRecord): void {
    if (record.revision !== this.applied + 1) {
      throw new Error(`transaction revision ${record.revision} does not follow revision ${this.applied}`);
    }
    const revision = record.revision;
    const events: WatchEvent[] = [];
    for (const op of record.ops) {
      const prevKv = this.latest(op.key);
      if (op.type === 'put') {
        const kv: KeyValue = Object.freeze({
          key: op.key,
          value: op.value,
          createRevision: prevKv ? prevKv.createRevision : revision,
          modRevision: revision,
          version: prevKv ? prevKv.version + 1 : 1,
        });
        this.addVersion(op.key, { revision, kv });
        events.push(Object.freeze({ type: 'put', kv, prevKv }));
      } else {
        if (!prevKv) throw new Error(`revision ${revision} deletes key "${op.key}", which does not exist`);
        this.addVersion(op.key, { revision, kv: null });
        const kv: KeyValue = { key: op.key, value: '', createRevision: 0, modRevision: revision, version: 0 };
        events.push(Object.freeze({ type: 'delete', kv: Object.freeze(kv), prevKv }));
      }
    }
    this.history.push(events);
    this.applied = revision;
  }

  /** A range read at `visible` or at the request's revision (0 or absent: `visible`). */
  range(request: RangeRequest, visible: number): RangeResult {
    const at = request.revision ? request.revision : visible;
    this.checkReadable(at, visible);
    const limit = request.limit ?? 0;
    const kvs: KeyValue[] = [];
    let more = false;
    let count = 0;
    for (let i = lowerBound(this.sortedKeys, rangeStart(request.prefix, request.startAfter)); ; i++) {
      const key = this.sortedKeys[i];
      if (key === undefined || !key.startsWith(request.prefix)) break;
      const kv = this.valueAt(key, at);
      if (!kv) continue;
      count++;
      if (limit > 0 && kvs.length === limit) {
        more = true;
        // Counting goes on to the end of the range; a plain read can stop here.
        if (request.count) continue;
        break;
      }
      kvs.push(kv);
    }
    return { kvs, more, revision: at, ...(request.count ? { count } : {}) };
  }

  /** Throws unless a read at `revision` can be served (it is compacted, or not reached yet). */
  checkReadable(revision: number, visible: number): void {
    if (revision > visible) throw new FutureRevisionError(revision, visible);
    if (revision < this.compactedAt) throw new CompactedError(revision, this.compactedAt);
  }

  /** The events of transaction `revision` (compacted < revision <= applied revision). */
  eventsAt(revision: number): readonly WatchEvent[] {
    const events = this.history[revision - this.compactedAt - 1];
    if (!events) throw new Error(`no history for revision ${revision}`);
    return events;
  }

  /** The logged form of transaction `revision`, rebuilt from its events (for log rewrites). */
  recordAt(revision: number): TxnRecord {
    const ops = this.eventsAt(revision).map((e): RecordOp =>
      e.type === 'put'
        ? { type: 'put', key: e.kv.key, value: e.kv.value }
        : { type: 'delete', key: e.kv.key },
    );
    return { revision, ops };
  }

  /** Every live key as of `revision`, in key order: a snapshot of the state at that revision. */
  snapshotAt(revision: number): KeyValue[] {
    const kvs: KeyValue[] = [];
    for (const key of this.sortedKeys) {
      const kv = this.valueAt(key, revision);
      if (kv) kvs.push(kv);
    }
    return kvs;
  }

  /** Drops history before `revision` (compacted < revision <= applied, checked by the caller). */
  compact(revision: number): void {
    const remaining: string[] = [];
    for (const key of this.sortedKeys) {
      const list = this.versions.get(key)!;
      let newestAtOrBefore = -1;
      while (newestAtOrBefore + 1 < list.length && list[newestAtOrBefore + 1]!.revision <= revision) {
        newestAtOrBefore++;
      }
      if (newestAtOrBefore > 0) list.splice(0, newestAtOrBefore);
      if (list[0]!.revision <= revision && list[0]!.kv === null) list.shift();
      if (list.length === 0) this.versions.delete(key);
      else remaining.push(key);
    }
    this.sortedKeys = remaining;
    this.history.splice(0, revision - this.compactedAt);
    this.compactedAt = revision;
  }

  private addVersion(key: string, version: Version): void {
    const list = this.versions.get(key);
    if (list) {
      list.push(version);
      return;
    }
    this.versions.set(key, [version]);
    this.sortedKeys.splice(lowerBound(this.sortedKeys, key), 0, key);
  }
}
