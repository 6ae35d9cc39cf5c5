// Turns a plan and the tests' results into the run's results: one entry per spec in the catalogue.
// A spec is failed when any test citing it failed; flaky when its tests all passed but one needed a
// retry; passed when they all passed at the first attempt; skipped (with the reason) when it was
// not selected or no test of it ran.
import type { Spec } from '../../../conformance/lib/specs.ts';
import { citedSpecId } from '../../../conformance/lib/specs.ts';
import type { RunResults, RunSettings, SpecResult, TestRecord } from '../../../reports/src/results.ts';
import { summarize } from '../../../reports/src/results.ts';
import type { TestResult } from './execute.ts';
import type { Plan } from './plan.ts';

export interface CollectInput {
  /** Every spec, in catalogue order: the order of the reports. */
  catalogue: readonly Spec[];
  plan: Plan;
  tests: readonly TestResult[];
  /** Why part of the suite gave no results; becomes the reason of each spec left without one. */
  problems: readonly string[];
  target: string;
  kconformVersion: string;
  started: Date;
  finished: Date;
  settings?: RunSettings;
}

/** The spec id a test's full title cites (`describe title [SPEC-ID] …`); undefined when none. */
export function specIdOf(fullTitle: string): string | undefined {
  const at = fullTitle.search(/\[[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\]/);
  if (at < 0) return undefined;
  try {
    return citedSpecId(fullTitle.slice(at));
  } catch {
    return undefined;
  }
}

export function collectResults(input: CollectInput): RunResults {
  const bySpec = new Map<string, TestResult[]>();
  for (const test of input.tests) {
    const id = specIdOf(test.title);
    if (id) bySpec.set(id, [...(bySpec.get(id) ?? []), test]);
  }
  const excluded = new Map(input.plan.excluded.map((e) => [e.spec.id, e.reason]));
  const specs: SpecResult[] = input.catalogue.map((spec) => {
    const base = {
      id: spec.id,
      area: spec.area,
      level: spec.level,
      feature: spec.feature,
      stage: spec.stage,
    };
    const reason = excluded.get(spec.id);
    const tests = reason === undefined ? (bySpec.get(spec.id) ?? []) : [];
    const diagnostics: TestRecord[] = tests.map((t) => ({
      title: t.title,
      file: t.file,
      status: t.status === 'passed' && (t.failedAttempts?.length ?? 0) > 0 ? 'flaky' : t.status,
      durationMs: t.durationMs,
      retries: t.retries,
      ...(t.error ? { error: t.error } : {}),
      ...(t.cluster ? { cluster: t.cluster } : {}),
      ...(t.failedAttempts?.length ? { failedAttempts: t.failedAttempts } : {}),
    }));
    const durationMs = tests.reduce((sum, t) => sum + t.durationMs, 0);
    if (reason !== undefined) return { ...base, status: 'skipped', durationMs, message: reason, diagnostics };
    const failed = tests.filter((t) => t.status === 'failed');
    if (failed.length > 0) {
      const message = failed.map((t) => t.message ?? t.error ?? 'failed without a message').join('\n\n');
      return { ...base, status: 'failed', durationMs, message, diagnostics };
    }
    const ran = tests.filter((t) => t.status === 'passed');
    if (ran.length > 0 && ran.length === tests.length) {
      const retried = diagnostics.filter((t) => t.status === 'flaky');
      if (retried.length > 0) {
        const message = retried
          .map((t) => {
            const failures = t.failedAttempts!;
            return (
              `passed on attempt ${failures.length + 1} after ${failures.length} failure(s); ` +
              `first failure: ${failures[0]!.message.split('\n')[0]}`
            );
          })
          .join('\n');
        return { ...base, status: 'flaky', durationMs, message, diagnostics };
      }
      return { ...base, status: 'passed', durationMs, message: '', diagnostics };
    }
    const why =
      tests.length > 0
        ? 'its test is marked pending in the suite'
        : input.problems.length > 0
          ? `no test ran: ${input.problems[0]!.split('\n')[0]}`
          : 'no test in conformance/suites cites this spec';
    return { ...base, status: 'skipped', durationMs, message: why, diagnostics };
  });
  return {
    target: input.target,
    kconformVersion: input.kconformVersion,
    started: input.started.toISOString(),
    finished: input.finished.toISOString(),
    ...(input.settings ? { settings: input.settings } : {}),
    summary: summarize(specs),
    specs,
  };
}
