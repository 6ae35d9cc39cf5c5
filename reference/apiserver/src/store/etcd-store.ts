// The store contract over a real etcd (v3 API, through the etcd3 client's raw gRPC calls).
//
// Keys are stored under `keyPrefix` so several stores (test runs) can share one etcd; revisions
// are etcd's own and so are shared between them. Mapping:
// - txn: compare modRevision N as etcd's mod_revision == N; modRevision 0 ("absent") as
//   create_revision == 0. Success ops carry prev_kv; the failure branch reads each compared key.
// - range: [prefix, prefix end) or [startAfter + "\0", prefix end), with limit and revision;
//   etcd's count of the keys in range answers `count`.
// - watch: see etcd-watch.ts. compact: physical, so reads before it fail once it returns.
// etcd's "required revision has been compacted" / "is a future revision" become CompactedError /
// FutureRevisionError. etcd has no call for its compaction point: compactedRevision() finds the
// oldest readable revision by bisection (a few cheap reads; not for hot paths).
import { CompareResult, CompareTarget, Etcd3 } from 'etcd3';
import type { ICompare, IKeyValue, IRequestOp } from 'etcd3';
import { silentLogger, type Logger } from '../../../../common/src/log.ts';
import { CompactedError, FutureRevisionError } from './store.ts';
import type {
  KeyValue,
  RangeRequest,
  RangeResult,
  Store,
  TxnRequest,
  TxnResult,
  WatchRequest,
} from './store.ts';
import { prefixRangeEnd, rangeStart } from './keys.ts';
import { EtcdWatch } from './etcd-watch.ts';
import {
  checkGetKey,
  checkRangeRequest,
  checkRevision,
  checkTxnRequest,
  checkWatchRequest,
} from './request-checks.ts';
import { InvalidStoreConfigError, StoreClosedError } from './store-errors.ts';

export interface EtcdStoreConfig {
  /** etcd client URLs, e.g. ["http://127.0.0.1:2379"]. */
  endpoints: string[];
  /** Prepended to every key (and stripped from results). Default "" (no prefix). */
  keyPrefix?: string;
  /** How long to wait for a connection, in ms. Default 5000. */
  dialTimeoutMs?: number;
  logger?: Logger;
}

const BACKEND = 'etcd';
const COMPACTED = 'required revision has been compacted';
const FUTURE = 'required revision is a future revision';

function checkConfig(config: EtcdStoreConfig): void {
  if (typeof config !== 'object' || config === null) throw new InvalidStoreConfigError(BACKEND, 'missing');
  if (!Array.isArray(config.endpoints) || config.endpoints.length === 0) {
    throw new InvalidStoreConfigError(BACKEND, 'endpoints must list at least one etcd client URL');
  }
  for (const endpoint of config.endpoints) {
    let url: URL;
    try {
      url = new URL(String(endpoint));
    } catch {
      throw new InvalidStoreConfigError(BACKEND, `endpoint ${JSON.stringify(endpoint)} is not a URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new InvalidStoreConfigError(BACKEND, `endpoint ${endpoint} must be http:// or https://`);
    }
  }
  if (config.keyPrefix !== undefined && typeof config.keyPrefix !== 'string') {
    throw new InvalidStoreConfigError(BACKEND, 'keyPrefix must be a string');
  }
  const dial = config.dialTimeoutMs;
  if (dial !== undefined && (!Number.isFinite(dial) || dial <= 0)) {
    throw new InvalidStoreConfigError(BACKEND, `dialTimeoutMs must be > 0, got ${dial}`);
  }
}

/** A store over etcd; connects lazily, so creating it does no I/O. */
export function createEtcdStore(config: EtcdStoreConfig): EtcdStore {
  return new EtcdStore(config);
}

const messageOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export class EtcdStore implements Store {
  private readonly client: Etcd3;
  private readonly prefix: Buffer;
  private readonly logger: Logger;
  private readonly watches = new Set<EtcdWatch>();
  private closed = false;

  constructor(config: EtcdStoreConfig) {
    checkConfig(config);
    this.prefix = Buffer.from(config.keyPrefix ?? '', 'utf8');
    this.logger = (config.logger ?? silentLogger).child({
      component: 'etcd-store',
      keyPrefix: config.keyPrefix,
    });
    this.client = new Etcd3({ hosts: config.endpoints, dialTimeout: config.dialTimeoutMs ?? 5000 });
  }

  async get(key: string): Promise<{ kv: KeyValue | null; revision: number }> {
    this.checkOpen('get');
    checkGetKey(key);
    const response = await this.client.kv.range({ key: this.startKey(key) });
    const kv = response.kvs[0];
    return { kv: kv ? this.toKv(kv) : null, revision: Number(response.header.revision) };
  }

  async range(request: RangeRequest): Promise<RangeResult> {
    this.checkOpen('range');
    checkRangeRequest(request);
    const revision = request.revision ?? 0;
    try {
      const response = await this.client.kv.range({
        key: this.startKey(rangeStart(request.prefix, request.startAfter)),
        range_end: this.rangeEnd(request.prefix),
        limit: request.limit ?? 0,
        revision,
      });
      return {
        kvs: response.kvs.map((kv) => this.toKv(kv)),
        more: response.more,
        revision: revision || Number(response.header.revision),
        // etcd counts every key in range with each read, whatever the limit.
        ...(request.count ? { count: Number(response.count) } : {}),
      };
    } catch (err) {
      throw await this.mapRevisionError(err, revision);
    }
  }

  async txn(request: TxnRequest): Promise<TxnResult> {
    this.checkOpen('txn');
    checkTxnRequest(request);
    const compare = request.compare.map((c): ICompare =>
      c.modRevision === 0
        ? {
            key: this.stored(c.key),
            target: CompareTarget.Create,
            result: CompareResult.Equal,
            create_revision: 0,
          }
        : {
            key: this.stored(c.key),
            target: CompareTarget.Mod,
            result: CompareResult.Equal,
            mod_revision: c.modRevision,
          },
    );
    const success = request.success.map((op): IRequestOp =>
      op.type === 'put'
        ? { request_put: { key: this.stored(op.key), value: Buffer.from(op.value, 'utf8'), prev_kv: true } }
        : { request_delete_range: { key: this.stored(op.key), prev_kv: true } },
    );
    const failure = request.compare.map((c): IRequestOp => ({ request_range: { key: this.stored(c.key) } }));
    const response = await this.client.kv.txn({ compare, success, failure });
    const revision = Number(response.header.revision);
    if (!response.succeeded) {
      const current = response.responses.map((r) => r.response_range.kvs[0] ?? null);
      return { succeeded: false, revision, current: current.map((kv) => kv && this.toKv(kv)), previous: [] };
    }
    const previous = response.responses.map((r, i) => {
      const kv =
        request.success[i]!.type === 'put' ? r.response_put.prev_kv : r.response_delete_range.prev_kvs[0];
      return kv ? this.toKv(kv) : null;
    });
    return { succeeded: true, revision, current: [], previous };
  }

  watch(request: WatchRequest): EtcdWatch {
    this.checkOpen('watch');
    checkWatchRequest(request);
    const watch = new EtcdWatch(
      {
        client: this.client,
        key: this.startKey(request.prefix),
        rangeEnd: this.rangeEnd(request.prefix),
        toKv: (kv) => this.toKv(kv),
        checkReadable: (revision) => this.checkReadable(revision),
        logger: this.logger,
        onClosed: (closed) => this.watches.delete(closed),
      },
      request,
    );
    this.watches.add(watch);
    return watch;
  }

  async currentRevision(): Promise<number> {
    this.checkOpen('currentRevision');
    const response = await this.client.kv.range({ key: this.startKey(''), count_only: true });
    return Number(response.header.revision);
  }

  /** Like etcd: compacting at or before the compaction point throws CompactedError. */
  async compact(revision: number): Promise<void> {
    this.checkOpen('compact');
    checkRevision('compact revision', revision);
    try {
      await this.client.kv.compact({ revision, physical: true });
    } catch (err) {
      throw await this.mapRevisionError(err, revision);
    }
  }

  /** The oldest readable revision (0 when nothing was compacted), found by bisection. */
  async compactedRevision(): Promise<number> {
    this.checkOpen('compactedRevision');
    let readable = await this.currentRevision();
    let unreadable = 0;
    if (await this.notCompacted(1)) return 0;
    unreadable = 1;
    while (readable - unreadable > 1) {
      const middle = Math.floor((readable + unreadable) / 2);
      if (await this.notCompacted(middle)) readable = middle;
      else unreadable = middle;
    }
    return readable;
  }

  /** Ends open watches with StoreClosedError and closes the connection. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of [...this.watches]) watch.fail(new StoreClosedError('watch'));
    this.client.close();
  }

  /** False when a read at `revision` fails as compacted (a future revision is not compacted). */
  private async notCompacted(revision: number): Promise<boolean> {
    try {
      await this.client.kv.range({ key: this.startKey(''), count_only: true, revision });
      return true;
    } catch (err) {
      if (messageOf(err).includes(FUTURE)) return true;
      if (messageOf(err).includes(COMPACTED)) return false;
      throw err;
    }
  }

  private async checkReadable(revision: number): Promise<void> {
    if (!(await this.notCompacted(revision)))
      throw new CompactedError(revision, await this.compactedRevision());
  }

  private async mapRevisionError(err: unknown, requested: number): Promise<unknown> {
    const message = messageOf(err);
    if (message.includes(COMPACTED)) return new CompactedError(requested, await this.compactedRevision());
    if (message.includes(FUTURE)) return new FutureRevisionError(requested, await this.currentRevision());
    return err;
  }

  private stored(key: string): Buffer {
    return Buffer.concat([this.prefix, Buffer.from(key, 'utf8')]);
  }

  /** The stored form of `key` as the start of a range; etcd wants a non-empty one. */
  private startKey(key: string): Buffer {
    const stored = this.stored(key);
    return stored.length > 0 ? stored : Buffer.from([0]);
  }

  private rangeEnd(prefix: string): Buffer {
    return prefixRangeEnd(this.stored(prefix));
  }

  private toKv(kv: IKeyValue): KeyValue {
    return {
      key: kv.key.subarray(this.prefix.length).toString('utf8'),
      value: kv.value.toString('utf8'),
      createRevision: Number(kv.create_revision),
      modRevision: Number(kv.mod_revision),
      version: Number(kv.version),
    };
  }

  private checkOpen(what: string): void {
    if (this.closed) throw new StoreClosedError(what);
  }
}
