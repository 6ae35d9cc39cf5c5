// The run's exit status: 0 only when every stable MUST spec that ran passed (and the suite ran to its
// end). A SHOULD failure is a warning, unless --strict makes it count like a MUST. A provisional
// spec's failure never counts (it is reported and warned about), and a flaky spec passed.
import type { RunResults } from '../../../reports/src/results.ts';
import { isProvisional } from '../../../reports/src/results.ts';

export interface Verdict {
  code: 0 | 1;
  /** Lines to print, e.g. for each SHOULD failure that did not fail the run. */
  warnings: string[];
}

export function verdict(
  results: RunResults,
  options: { strict: boolean; runnerProblems: readonly string[] },
): Verdict {
  const failed = results.specs.filter((s) => s.status === 'failed');
  const provisional = failed.filter((s) => isProvisional(s));
  const counted = failed.filter((s) => !isProvisional(s));
  const mustFailed = counted.filter((s) => s.level === 'MUST');
  const shouldFailed = counted.filter((s) => s.level === 'SHOULD');
  const warnings = [
    ...(options.strict
      ? []
      : shouldFailed.map(
          (s) => `kconform: warning: SHOULD spec ${s.id} failed (fails the run only with --strict)`,
        )),
    ...provisional.map(
      (s) =>
        `kconform: warning: provisional spec ${s.id} (${s.stage}) failed (never counts toward the result)`,
    ),
    ...results.specs
      .filter((s) => s.status === 'flaky')
      .map((s) => `kconform: warning: ${s.id} is flaky: ${s.message.split('\n')[0]}`),
  ];
  const failing =
    mustFailed.length > 0 || (options.strict && shouldFailed.length > 0) || options.runnerProblems.length > 0;
  return { code: failing ? 1 : 0, warnings };
}
