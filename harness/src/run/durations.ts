// How long each spec took in an earlier run, read from that run's results.json, so that the
// parallel scheduler can start the longest files first. Only the order of jobs depends on it: a
// missing, unreadable or foreign file just means no knowledge, never an error.
import { existsSync } from 'node:fs';
import { loadResults } from '../../../reports/src/load.ts';
import type { KnownDurations } from './schedule.ts';

/** Spec id → milliseconds its tests ran, for every spec that ran (passed, failed or flaky). */
export function knownDurations(resultsFile: string): KnownDurations {
  if (!existsSync(resultsFile)) return new Map();
  try {
    const results = loadResults(resultsFile);
    return new Map(
      results.specs
        .filter((s) => s.status !== 'skipped' && typeof s.durationMs === 'number' && s.durationMs > 0)
        .map((s) => [s.id, s.durationMs]),
    );
  } catch {
    return new Map();
  }
}
