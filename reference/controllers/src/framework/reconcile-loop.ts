// The loop every controller runs: keys come in from informer handlers (and a periodic resync of
// everything), `workers` concurrent workers take them from the work queue and call `reconcile`.
// A reconcile that throws is retried with back-off; one that asks for a later look (e.g. "check
// again when this grace period ends") is re-queued after that delay. One key is never reconciled
// by two workers at once.
import type { Logger } from '../../../../common/src/log.ts';
import type { ControllerContext } from './controller.ts';
import { WorkQueue } from './work-queue.ts';

export interface ReconcileResult {
  /** Look at this key again after this long even if nothing changes. */
  requeueAfterMs?: number;
}

export type Reconcile = (key: string) => Promise<ReconcileResult | void>;

export interface ReconcileLoopOptions {
  name: string;
  reconcile: Reconcile;
  log: Logger;
  workers?: number;
  /** Every key `resyncKeys` returns is queued again this often (level-triggered safety net). */
  resyncIntervalMs?: number;
  resyncKeys?: () => Iterable<string>;
  /** Retries of one key before its errors are logged at warn instead of debug. */
  quietRetries?: number;
}

export class ReconcileLoop {
  readonly queue: WorkQueue;
  private readonly workers: Promise<void>[] = [];
  private resyncTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: ReconcileLoopOptions) {
    this.queue = new WorkQueue({ baseDelayMs: 5, maxDelayMs: 30_000 });
  }

  add(key: string): void {
    this.queue.add(key);
  }

  addAfter(key: string, delayMs: number): void {
    this.queue.addAfter(key, delayMs);
  }

  start(): void {
    for (let i = 0; i < (this.o.workers ?? 2); i++) this.workers.push(this.work());
    const keys = this.o.resyncKeys;
    if (keys) {
      for (const key of keys()) this.queue.add(key);
      if (this.o.resyncIntervalMs) {
        this.resyncTimer = setInterval(() => {
          for (const key of keys()) this.queue.add(key);
        }, this.o.resyncIntervalMs);
        this.resyncTimer.unref();
      }
    }
  }

  /** Stops taking keys; resolves when the reconciles in flight have finished. */
  async stop(): Promise<void> {
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    this.queue.shutDown();
    await Promise.all(this.workers);
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      try {
        const result = await this.o.reconcile(key);
        this.queue.forget(key);
        if (result?.requeueAfterMs !== undefined) this.queue.addAfter(key, result.requeueAfterMs);
      } catch (err) {
        const retries = this.queue.retries(key);
        const delay = this.queue.addRateLimited(key);
        const level = retries >= (this.o.quietRetries ?? 3) ? 'warn' : 'debug';
        this.o.log[level](`${this.o.name}: reconcile failed; retrying`, {
          key,
          retries,
          delayMs: delay,
          err,
        });
      } finally {
        this.queue.done(key);
      }
    }
  }
}

/** `namespace/name` for namespaced objects, `name` for cluster-scoped ones (client-go's key). */
export function keyOf(obj: { metadata?: { name?: string; namespace?: string } }): string {
  const { name, namespace } = obj.metadata ?? {};
  return namespace ? `${namespace}/${name}` : `${name}`;
}

export function splitKey(key: string): { namespace: string | undefined; name: string } {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: undefined, name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/**
 * The loop most controllers run: the controller-manager's workers and resync interval, `reconcile`
 * for each key, and every key of `resyncKeys` queued again at each resync.
 */
export function controllerLoop(
  ctx: Pick<ControllerContext, 'log' | 'settings'>,
  name: string,
  reconcile: Reconcile,
  resyncKeys: () => Iterable<string>,
): ReconcileLoop {
  return new ReconcileLoop({
    name,
    log: ctx.log,
    workers: ctx.settings.workers,
    resyncIntervalMs: ctx.settings.resyncIntervalMs,
    reconcile,
    resyncKeys,
  });
}
