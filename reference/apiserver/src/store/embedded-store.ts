// The default store backend, durable on one machine: an in-memory MVCC index (mvcc-index.ts)
// rebuilt on open from a write-ahead log in `dataDir` (store-log.ts, wal.ts).
//
// Durability: a transaction's promise resolves only after its log record is fsynced, so an
// acknowledged write survives kill -9 and power loss. Writers share fsyncs (group-commit.ts).
// Readers and watchers see a revision only once it is durable, so a crash never takes back
// anything that was observed, and revisions never repeat.
//
// Compaction writes a new log (snapshot at the compaction point + the transactions after it),
// so the file stays proportional to the retained history.
import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
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
  Watcher,
} from './store.ts';
import type { MvccIndex, TxnRecord } from './mvcc-index.ts';
import { GroupCommit } from './group-commit.ts';
import { WatchHub } from './watch-hub.ts';
import { lockDirectory, type DirLock } from './dir-lock.ts';
import { encodeLog, loadLog, LOG_FILE_NAME } from './store-log.ts';
import { replaceFileDurably, syncDirectory, truncateDurably, WalAppender } from './wal.ts';
import {
  checkGetKey,
  checkRangeRequest,
  checkRevision,
  checkTxnRequest,
  checkWatchRequest,
} from './request-checks.ts';
import { InvalidStoreConfigError, StoreClosedError, StoreFailedError } from './store-errors.ts';

/** Interval timers, injectable so tests can drive progress notifications themselves. */
export interface Timers {
  setInterval(callback: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Real timers that do not keep the process alive. */
export const systemTimers: Timers = {
  setInterval: (callback, ms) => setInterval(callback, ms).unref(),
  clearInterval: (handle) => clearInterval(handle as NodeJS.Timeout),
};

export interface EmbeddedStoreConfig {
  /** Directory for the log (created when missing). One open store per directory. */
  dataDir: string;
  logger?: Logger;
  /** How often a watch that is caught up and got no events hears onProgress. Default 1000 ms. */
  progressIntervalMs?: number;
  timers?: Timers;
}

interface Settings {
  dataDir: string;
  logFile: string;
  logger: Logger;
  progressIntervalMs: number;
  timers: Timers;
}

const BACKEND = 'embedded';

function settle(config: EmbeddedStoreConfig): Settings {
  if (typeof config !== 'object' || config === null) throw new InvalidStoreConfigError(BACKEND, 'missing');
  if (typeof config.dataDir !== 'string' || config.dataDir.trim() === '') {
    throw new InvalidStoreConfigError(BACKEND, 'dataDir must be a non-empty path');
  }
  const progressIntervalMs = config.progressIntervalMs ?? 1000;
  if (!Number.isFinite(progressIntervalMs) || progressIntervalMs <= 0) {
    throw new InvalidStoreConfigError(BACKEND, `progressIntervalMs must be > 0, got ${progressIntervalMs}`);
  }
  const dataDir = resolve(config.dataDir);
  return {
    dataDir,
    logFile: join(dataDir, LOG_FILE_NAME),
    logger: (config.logger ?? silentLogger).child({ component: 'embedded-store', dataDir }),
    progressIntervalMs,
    timers: config.timers ?? systemTimers,
  };
}

/** Opens (creating if needed) the store in `config.dataDir`, replaying its log. */
export async function openEmbeddedStore(config: EmbeddedStoreConfig): Promise<EmbeddedStore> {
  const settings = settle(config);
  const { dataDir, logFile, logger } = settings;
  const created = await mkdir(dataDir, { recursive: true });
  if (created !== undefined) {
    // Make the new directories' entries durable, from the first one created down.
    for (let dir = dataDir; dir !== dirname(created); dir = dirname(dir)) await syncDirectory(dirname(dir));
  }
  const lock = await lockDirectory(dataDir);
  let appender: WalAppender | undefined;
  try {
    await rm(`${logFile}.tmp`, { force: true }); // a compaction that crashed before its rename
    const bytes = await readFile(logFile).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    const empty = encodeLog(0, [], []);
    if (bytes === null) await replaceFileDurably(logFile, empty);
    const loaded = loadLog(bytes ?? Buffer.concat(empty), logFile);
    if (bytes && loaded.validLength < bytes.length) {
      logger.warn('dropping the torn tail of the store log (an unacknowledged write cut by a crash)', {
        file: logFile,
        offset: loaded.validLength,
        bytes: bytes.length - loaded.validLength,
      });
      await truncateDurably(logFile, loaded.validLength);
    }
    appender = await WalAppender.open(logFile);
    logger.info('store opened', { revision: loaded.index.revision, compacted: loaded.index.compacted });
    return new EmbeddedStore(settings, loaded.index, appender, lock);
  } catch (err) {
    await appender?.close();
    await lock.release();
    throw err;
  }
}

export class EmbeddedStore implements Store {
  /** The newest durable revision: everything readers and watchers see. */
  private visible: number;
  private readonly commits: GroupCommit;
  private readonly hub: WatchHub;
  private readonly progressTimer: unknown;
  private closing: Promise<void> | null = null;

  /** Use openEmbeddedStore. */
  constructor(
    private readonly settings: Settings,
    private readonly index: MvccIndex,
    private appender: WalAppender,
    private readonly lock: DirLock,
  ) {
    this.visible = index.revision;
    this.commits = new GroupCommit(
      appender,
      (revision) => {
        this.visible = revision;
        this.hub.pumpAll();
      },
      (cause) => {
        const err = new StoreFailedError(settings.logFile, cause);
        settings.logger.error('store log write failed; refusing further writes', { err });
        return err;
      },
    );
    this.hub = new WatchHub(
      {
        visibleRevision: () => this.visible,
        compactedRevision: () => this.index.compacted,
        eventsAt: (revision) => this.index.eventsAt(revision),
      },
      settings.logger,
    );
    this.progressTimer = settings.timers.setInterval(() => this.hub.progress(), settings.progressIntervalMs);
  }

  /** The directory this store lives in. */
  get dataDir(): string {
    return this.settings.dataDir;
  }

  async get(key: string): Promise<{ kv: KeyValue | null; revision: number }> {
    this.checkOpen('get');
    checkGetKey(key);
    return { kv: this.index.valueAt(key, this.visible), revision: this.visible };
  }

  async range(request: RangeRequest): Promise<RangeResult> {
    this.checkOpen('range');
    checkRangeRequest(request);
    return this.index.range(request, this.visible);
  }

  async txn(request: TxnRequest): Promise<TxnResult> {
    this.checkOpen('txn');
    if (this.commits.failed) throw this.commits.failed;
    checkTxnRequest(request);
    const { result, record } = this.index.apply(request);
    await this.commits.commit(record, this.index.revision);
    return result;
  }

  watch(request: WatchRequest): Watcher {
    this.checkOpen('watch');
    checkWatchRequest(request);
    return this.hub.add(request);
  }

  async currentRevision(): Promise<number> {
    this.checkOpen('currentRevision');
    return this.visible;
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen('compactedRevision');
    return this.index.compacted;
  }

  /** Like etcd: compacting at or before the compaction point throws CompactedError. */
  async compact(revision: number): Promise<void> {
    this.checkOpen('compact');
    checkRevision('compact revision', revision);
    this.checkCompactable(revision);
    const rewritten = await this.commits.exclusive(async () => {
      // No write is in flight: the log holds exactly the revisions up to `visible`.
      if (revision <= this.index.compacted) return false;
      const tail: TxnRecord[] = [];
      for (let r = revision + 1; r <= this.visible; r++) tail.push(this.index.recordAt(r));
      const { logFile } = this.settings;
      await replaceFileDurably(logFile, encodeLog(revision, this.index.snapshotAt(revision), tail));
      const previous = this.appender;
      this.appender = await WalAppender.open(logFile);
      this.commits.setSink(this.appender);
      await previous.close();
      this.index.compact(revision);
      this.settings.logger.info('store compacted', { revision, retained: tail.length });
      return true;
    });
    if (!rewritten) this.checkCompactable(revision); // a concurrent compact got there first
  }

  /** Waits for pending writes, ends open watches with StoreClosedError, releases the directory. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.commits.drain();
      this.settings.timers.clearInterval(this.progressTimer);
      this.hub.endAll(new StoreClosedError('watch'));
      await this.appender.close();
      await this.lock.release();
    })();
    return this.closing;
  }

  private checkCompactable(revision: number): void {
    if (revision <= this.index.compacted) throw new CompactedError(revision, this.index.compacted);
    if (revision > this.visible) throw new FutureRevisionError(revision, this.visible);
  }

  private checkOpen(what: string): void {
    if (this.closing) throw new StoreClosedError(what);
  }
}
