// Group commit for the embedded store's log. Transactions are applied to the index at once and
// handed here with their log record; the first one is written and synced straight away, and all
// that arrive while that sync is in flight are written together as one frame and share the next
// sync. A transaction's promise resolves only when its record is durable, and the store makes
// it visible to readers and watchers (`onDurable`) before that, so nothing is ever seen that a
// crash could take back.
//
// Jobs that must not overlap a log write (compaction's rewrite) run between two group commits.
// A failed write is fatal: what is on disk is unknown, so every waiting and later commit fails.
import type { TxnRecord } from './mvcc-index.ts';
import { encodeTxnFrame } from './store-log.ts';

export interface LogSink {
  append(frame: Buffer): Promise<void>;
}

interface Waiter {
  resolve(): void;
  reject(err: Error): void;
}

interface Batch {
  records: TxnRecord[];
  waiters: Waiter[];
  /** The applied revision when the last member joined: visible once the batch is durable. */
  revision: number;
}

interface Job {
  run(): Promise<void>;
  reject(err: Error): void;
}

export class GroupCommit {
  private pending: Batch | null = null;
  private readonly jobs: Job[] = [];
  /** Set while the loop runs (synchronously, so a kick never misses the loop's end). */
  private active = false;
  private running: Promise<void> = Promise.resolve();
  private failure: Error | null = null;

  /**
   * @param sink where frames go; may be swapped between jobs (see `setSink`)
   * @param onDurable called with the newest durable revision, before the batch's promises resolve
   * @param fail turns a write error into the error every commit then fails with
   */
  constructor(
    private sink: LogSink,
    private readonly onDurable: (revision: number) => void,
    private readonly fail: (cause: unknown) => Error,
  ) {}

  /** The error that stopped the log, if one did. */
  get failed(): Error | null {
    return this.failure;
  }

  setSink(sink: LogSink): void {
    this.sink = sink;
  }

  /**
   * Resolves once `record` (null: nothing to write, e.g. a failed compare) and everything applied
   * before it are durable. `revision` is the index's applied revision after the transaction.
   */
  commit(record: TxnRecord | null, revision: number): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<void>((resolve, reject) => {
      const batch = (this.pending ??= { records: [], waiters: [], revision });
      if (record) batch.records.push(record);
      batch.waiters.push({ resolve, reject });
      batch.revision = revision;
      this.kick();
    });
  }

  /** Runs `job` while no log write is in flight; its failure is fatal (see class comment). */
  exclusive<T>(job: () => Promise<T>): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<T>((resolve, reject) => {
      this.jobs.push({
        run: async () => {
          try {
            resolve(await job());
          } catch (err) {
            this.stop(err);
            reject(this.failure!);
          }
        },
        reject,
      });
      this.kick();
    });
  }

  /** Resolves when everything handed in so far is written (or failed). */
  async drain(): Promise<void> {
    while (this.active) await this.running;
  }

  private kick(): void {
    if (this.active) return;
    this.active = true;
    this.running = this.work();
  }

  private async work(): Promise<void> {
    while (!this.failure && (this.jobs.length > 0 || this.pending)) {
      const job = this.jobs.shift();
      if (job) {
        await job.run();
        continue;
      }
      const batch = this.pending!;
      this.pending = null;
      try {
        if (batch.records.length > 0) await this.sink.append(encodeTxnFrame(batch.records));
        this.onDurable(batch.revision);
      } catch (err) {
        this.stop(err);
        for (const waiter of batch.waiters) waiter.reject(this.failure!);
        break;
      }
      for (const waiter of batch.waiters) waiter.resolve();
    }
    // Cleared in the same tick as the check above, so a commit arriving later starts a new loop.
    this.active = false;
  }

  private stop(cause: unknown): void {
    this.failure ??= this.fail(cause);
    const stranded = this.pending;
    this.pending = null;
    for (const waiter of stranded?.waiters ?? []) waiter.reject(this.failure);
    for (const job of this.jobs.splice(0)) job.reject(this.failure);
  }
}
