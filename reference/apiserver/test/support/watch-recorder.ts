// Records what a store watch delivers and lets a test wait for a condition on it: the wait ends
// on the callback that makes the condition true, or fails after a deadline saying what it saw.
import type { Store, WatchEvent, WatchRequest, Watcher } from '../../src/store/store.ts';

export class WatchRecorder {
  readonly batches: WatchEvent[][] = [];
  readonly errors: Error[] = [];
  readonly progress: number[] = [];
  private readonly checks = new Set<() => void>();
  watcher: Watcher | undefined;

  /** Starts a watch on `store` that records into this recorder. */
  static start(store: Store, prefix: string, afterRevision: number): WatchRecorder {
    const recorder = new WatchRecorder();
    recorder.watcher = store.watch(recorder.request(prefix, afterRevision));
    return recorder;
  }

  request(prefix: string, afterRevision: number): WatchRequest {
    return {
      prefix,
      afterRevision,
      onEvents: (events) => this.record(() => this.batches.push(events)),
      onError: (err) => this.record(() => this.errors.push(err)),
      onProgress: (revision) => this.record(() => this.progress.push(revision)),
    };
  }

  /** All delivered events, flattened. */
  get events(): WatchEvent[] {
    return this.batches.flat();
  }

  /** Resolves once `holds()` is true (checked now and after every callback). */
  until(what: string, holds: () => boolean, timeoutMs = 15_000): Promise<void> {
    if (holds()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!holds()) return;
        clearTimeout(deadline);
        this.checks.delete(check);
        resolve();
      };
      const deadline = setTimeout(() => {
        this.checks.delete(check);
        reject(new Error(`${what}: not seen after ${timeoutMs} ms; recorded ${this.describe()}`));
      }, timeoutMs);
      this.checks.add(check);
    });
  }

  untilEvents(count: number): Promise<void> {
    return this.until(`${count} watch events`, () => this.events.length >= count);
  }

  untilError(): Promise<Error> {
    return this.until('a watch error', () => this.errors.length > 0).then(() => this.errors[0]!);
  }

  describe(): string {
    const events = this.events.map((e) => `${e.type} ${e.kv.key}@${e.kv.modRevision}`);
    return `events [${events.join(', ')}], errors [${this.errors.map((e) => e.message).join('; ')}], progress [${this.progress.join(', ')}]`;
  }

  private record(change: () => void): void {
    change();
    for (const check of [...this.checks]) check();
  }
}

/** The error `promise` rejects with; fails the test when it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection, but the promise resolved');
}
