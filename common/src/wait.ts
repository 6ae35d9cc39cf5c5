// The one polling primitive: call `probe` until `done` holds or `timeoutMs` passes. Used where no
// watch exists (a daemon's socket coming up); anything with a watch should wait on the watch.
import { KconformError } from './errors.ts';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RetryOptions<T> {
  /** What is awaited, for the timeout message: "dockerd answering on /var/run/docker.sock". */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
  clock?: Clock;
  /** Describes the last observed state for the timeout message. */
  describe?: (last: T | undefined, lastError: unknown) => string;
  done: (value: T) => boolean;
}

/** Resolves with the first value for which `done` holds; throws TIMEOUT naming what was awaited. */
export async function retryUntil<T>(probe: () => Promise<T>, options: RetryOptions<T>): Promise<T> {
  const clock = options.clock ?? systemClock;
  const interval = options.intervalMs ?? 200;
  const deadline = clock.now() + options.timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      lastError = undefined;
      if (options.done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (clock.now() >= deadline) {
      const detail = options.describe
        ? options.describe(last, lastError)
        : lastError instanceof Error
          ? lastError.message
          : `last value ${JSON.stringify(last)}`;
      throw new KconformError('TIMEOUT', { what: options.what, ms: options.timeoutMs, detail });
    }
    await clock.sleep(interval);
  }
}
