// What a benchmark is: a name, a sentence, and a function that measures and returns its figures.
// Timing goals live here, never as timed assertions in tests.
import type { Logger } from '../common/src/log.ts';

export interface BenchContext {
  log: Logger;
}

export interface Benchmark {
  name: string;
  description: string;
  /** Resolves with the figures: plain JSON values, milliseconds as `...Ms`. */
  run(ctx: BenchContext): Promise<Record<string, unknown>>;
}

/** p-th percentile (0–100) of `samples` by nearest rank; NaN for no samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const round = (ms: number): number => Math.round(ms * 10) / 10;

/** A count a bench's environment variable may override (a smaller run); `fallback` when unset. */
export function countFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name}=${raw} must be a positive whole number`);
  return value;
}
