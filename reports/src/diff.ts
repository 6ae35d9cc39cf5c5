// `kconform report diff OLD NEW`: what changed between two runs' results, spec by spec. A spec that
// fails in NEW but did not in OLD (passed, flaky, skipped or absent there) is newly failing; that is
// a regression unless the spec is provisional. Pure: the same two results always give the same diff.
import type { RunResults, SpecResult, SpecStatus } from './results.ts';
import { isProvisional } from './results.ts';

export type Presence = SpecStatus | 'absent';

export interface SpecChange {
  id: string;
  level: string;
  area: string;
  stage?: string;
  before: Presence;
  after: Presence;
  /** NEW's message (a failure or skip reason), or OLD's when the spec is gone. */
  message: string;
  /** OLD's message, for a skip whose reason changed. */
  beforeMessage?: string;
}

export interface ResultsDiff {
  newlyFailing: SpecChange[];
  newlyPassing: SpecChange[];
  /** Flaky in NEW, not flaky in OLD. */
  newlyFlaky: SpecChange[];
  /**
   * Skipped (or absent) in one run and not in the other, or skipped in both for different reasons.
   */
  skipChanges: SpecChange[];
  /** Failing in both. */
  stillFailing: SpecChange[];
  /** Newly failing specs that count (not provisional). */
  regressions: SpecChange[];
}

const passing = (status: Presence): boolean => status === 'passed' || status === 'flaky';

export function diffResults(old: RunResults, now: RunResults): ResultsDiff {
  const before = new Map(old.specs.map((s) => [s.id, s]));
  const after = new Map(now.specs.map((s) => [s.id, s]));
  const ids = [...now.specs.map((s) => s.id), ...old.specs.map((s) => s.id).filter((id) => !after.has(id))];
  const diff: ResultsDiff = {
    newlyFailing: [],
    newlyPassing: [],
    newlyFlaky: [],
    skipChanges: [],
    stillFailing: [],
    regressions: [],
  };
  for (const id of ids) {
    const b = before.get(id);
    const a = after.get(id);
    const was: Presence = b?.status ?? 'absent';
    const is: Presence = a?.status ?? 'absent';
    const about = (a ?? b) as SpecResult;
    const change: SpecChange = {
      id,
      level: about.level,
      area: about.area,
      ...(about.stage ? { stage: about.stage } : {}),
      before: was,
      after: is,
      message: (a ?? b)!.message,
    };
    if (is === 'failed' && was !== 'failed') {
      diff.newlyFailing.push(change);
      if (!isProvisional(about)) diff.regressions.push(change);
    } else if (is === 'failed') diff.stillFailing.push(change);
    else if (was === 'failed' && passing(is)) diff.newlyPassing.push(change);
    if (is === 'flaky' && was !== 'flaky') diff.newlyFlaky.push(change);
    // A spec absent from a run (added or removed from the catalogue) did not run there: like a skip.
    const skipNow = is === 'skipped' || is === 'absent';
    const skipBefore = was === 'skipped' || was === 'absent';
    if (skipNow !== skipBefore && is !== 'failed') {
      diff.skipChanges.push(change);
    } else if (is === 'skipped' && was === 'skipped' && a!.message !== b!.message) {
      diff.skipChanges.push({ ...change, beforeMessage: b!.message });
    }
  }
  return diff;
}

/** The diff for a person, one line per change; the last line says whether it is a regression. */
export function formatDiff(diff: ResultsDiff, oldName: string, newName: string): string[] {
  const lines = [`comparing ${oldName} (old) with ${newName} (new)`];
  const first = (text: string) => text.split('\n')[0] ?? '';
  const section = (title: string, changes: SpecChange[], detail: (c: SpecChange) => string) => {
    if (changes.length === 0) return;
    lines.push(`${title} (${changes.length}):`);
    for (const c of changes) lines.push(`  ${c.id} (${c.level}, ${c.area}): ${detail(c)}`);
  };
  section('newly failing', diff.newlyFailing, (c) => `${c.before} → failed: ${first(c.message)}`);
  section('newly passing', diff.newlyPassing, (c) => `failed → ${c.after}`);
  section('newly flaky', diff.newlyFlaky, (c) => `${c.before} → flaky: ${first(c.message)}`);
  section('changed skips', diff.skipChanges, (c) =>
    c.beforeMessage !== undefined
      ? `still skipped, now because ${first(c.message)} (was: ${first(c.beforeMessage)})`
      : c.after === 'skipped'
        ? `${c.before} → skipped: ${first(c.message)}`
        : `${c.before} → ${c.after}`,
  );
  if (diff.stillFailing.length > 0) {
    lines.push(
      `still failing (${diff.stillFailing.length}): ${diff.stillFailing.map((c) => c.id).join(', ')}`,
    );
  }
  const changed =
    diff.newlyFailing.length + diff.newlyPassing.length + diff.newlyFlaky.length + diff.skipChanges.length;
  if (changed === 0) lines.push('no change in any spec status');
  lines.push(
    diff.regressions.length > 0
      ? `regression: ${diff.regressions.length} spec(s) newly failing: ${diff.regressions.map((c) => c.id).join(', ')}`
      : 'no regression',
  );
  return lines;
}
