// The apiserver's storage contract, shaped like etcd v3: revisioned keys, range reads at a
// revision, compare-and-swap transactions, and watches that resume from a revision.
//
// One global revision counter: every successful write transaction increments it by one, and
// every key written by that transaction gets that revision as its `modRevision`. The apiserver
// uses the revision as `metadata.resourceVersion`, so it must be strictly increasing and never
// reused, across restarts too.

export interface KeyValue {
  key: string;
  /** The stored bytes, as UTF-8 text (the apiserver stores JSON). */
  value: string;
  /** Revision of the transaction that created this key (since its last deletion). */
  createRevision: number;
  /** Revision of the transaction that last wrote this key. */
  modRevision: number;
  /** Number of writes since creation: 1 after create. */
  version: number;
}

/** A transaction's guard on one key: its modRevision must equal this (0 means "absent"). */
export interface Compare {
  key: string;
  modRevision: number;
}

export type Operation = { type: 'put'; key: string; value: string } | { type: 'delete'; key: string };

export interface TxnRequest {
  /** All must hold for `success` to run; otherwise nothing is written. */
  compare: Compare[];
  success: Operation[];
}

export interface TxnResult {
  succeeded: boolean;
  /** Store revision after the transaction (unchanged when it did not succeed, or wrote nothing). */
  revision: number;
  /** When not succeeded: the current value of each compared key (null when absent), in order. */
  current: Array<KeyValue | null>;
  /** When succeeded: the previous value of each operation's key (null when absent), in order. */
  previous: Array<KeyValue | null>;
}

export interface RangeRequest {
  /** Every key starting with this prefix. */
  prefix: string;
  /** Only keys strictly greater than this one (for paging). */
  startAfter?: string;
  /** At most this many keys; `more` tells whether there were others. 0 or absent: no limit. */
  limit?: number;
  /** Read as of this revision (must not be compacted); absent: the current revision. */
  revision?: number;
  /**
   * Also count the keys in range (from `startAfter`, ignoring `limit`) into `RangeResult.count`:
   * what a paged list needs for `remainingItemCount`, as etcd's range answers with its count.
   */
  count?: boolean;
}

export interface RangeResult {
  /** In ascending key order. */
  kvs: KeyValue[];
  more: boolean;
  /** The revision the read was served at. */
  revision: number;
  /** Every key in range, returned or not; set when the request asked for `count`. */
  count?: number;
}

export interface WatchEvent {
  type: 'put' | 'delete';
  /** For put: the new value. For delete: the key with an empty value and the delete's modRevision. */
  kv: KeyValue;
  /** The value before this event (null for a put that created the key). Always set for delete. */
  prevKv: KeyValue | null;
}

export interface WatchRequest {
  prefix: string;
  /** Deliver every event with a revision strictly greater than this, in revision order. */
  afterRevision: number;
  onEvents(events: WatchEvent[]): void;
  /**
   * Called at most once when the watch ends on its own: a CompactedError when `afterRevision` is
   * older than the compaction point, or a lost connection to the store. No events follow it.
   */
  onError(err: Error): void;
  /** Called now and then with the store's current revision, when no event came (for bookmarks). */
  onProgress?(revision: number): void;
}

export interface Watcher {
  cancel(): void;
}

export interface Store {
  get(key: string): Promise<{ kv: KeyValue | null; revision: number }>;
  range(request: RangeRequest): Promise<RangeResult>;
  /** Atomic: either every compare holds and every operation applies at one new revision, or none. */
  txn(request: TxnRequest): Promise<TxnResult>;
  watch(request: WatchRequest): Watcher;
  currentRevision(): Promise<number>;
  /** Forget history at and before `revision`; reads and watches before it then fail with CompactedError. */
  compact(revision: number): Promise<void>;
  /** The oldest revision still readable (the compaction point). */
  compactedRevision(): Promise<number>;
  close(): Promise<void>;
}

export class CompactedError extends Error {
  constructor(
    readonly requested: number,
    readonly compacted: number,
  ) {
    super(`revision ${requested} has been compacted (oldest available is ${compacted + 1})`);
    this.name = 'CompactedError';
  }
}

/** A read asked for a revision the store has not reached yet. */
export class FutureRevisionError extends Error {
  constructor(
    readonly requested: number,
    readonly current: number,
  ) {
    super(`revision ${requested} is in the future (current revision is ${current})`);
    this.name = 'FutureRevisionError';
  }
}
