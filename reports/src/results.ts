// The shape of a suite run's results: what `results.json` holds and every other report is rendered
// from. One entry per spec in the catalogue, whether it ran or not (a spec that did not run is
// `skipped` and its message says why), so a report always accounts for the whole catalogue.

export type SpecStatus = 'passed' | 'failed' | 'skipped';

/** One test (mocha `it()`) that cites the spec; a spec usually has exactly one. */
export interface TestRecord {
  /** The test's full title, e.g. `api: watch [API-WATCH-RESUME] ...`. */
  title: string;
  /** The test file, relative to the repository root. */
  file: string;
  status: SpecStatus;
  durationMs: number;
  /** Times mocha retried the test before its final result. */
  retries: number;
  /** The error's stack (or message) when the test failed. */
  error?: string;
}

export interface SpecResult {
  id: string;
  area: string;
  level: 'MUST' | 'SHOULD';
  feature: string;
  status: SpecStatus;
  durationMs: number;
  /** '' when passed; the failure message(s) when failed; the reason when skipped. */
  message: string;
  /** The tests that cite the spec, with each failure's stack: what a person needs to see why. */
  diagnostics: TestRecord[];
}

export interface RunSummary {
  passed: number;
  failed: number;
  skipped: number;
  /** Specs that passed only after a retry (also counted in `passed`). */
  flaky: number;
}

export interface RunResults {
  /** What the suite ran against, e.g. `reference (embedded store, 2 nodes)` or a kubeconfig. */
  target: string;
  kconformVersion: string;
  /** ISO 8601 times. */
  started: string;
  finished: string;
  summary: RunSummary;
  specs: SpecResult[];
}

/** Counts the specs by status; `flaky` counts passed specs whose tests needed a retry. */
export function summarize(specs: readonly SpecResult[]): RunSummary {
  const summary: RunSummary = { passed: 0, failed: 0, skipped: 0, flaky: 0 };
  for (const spec of specs) {
    summary[spec.status] += 1;
    if (spec.status === 'passed' && spec.diagnostics.some((t) => t.retries > 0)) summary.flaky += 1;
  }
  return summary;
}

export interface AreaRollup {
  area: string;
  passed: number;
  failed: number;
  skipped: number;
  /** success: all passed; partial: no MUST failed but something failed or was skipped; failure: a MUST failed. */
  result: 'success' | 'partial' | 'failure';
}

/** Per-area (or per-feature, with `key`) counts and result, in order of first appearance. */
export function rollup(specs: readonly SpecResult[], key: 'area' | 'feature' = 'area'): AreaRollup[] {
  const groups = new Map<string, SpecResult[]>();
  for (const spec of specs) groups.set(spec[key], [...(groups.get(spec[key]) ?? []), spec]);
  return [...groups].map(([area, members]) => {
    const count = (status: SpecStatus) => members.filter((s) => s.status === status).length;
    const mustFailed = members.some((s) => s.status === 'failed' && s.level === 'MUST');
    const passed = count('passed');
    return {
      area,
      passed,
      failed: count('failed'),
      skipped: count('skipped'),
      result: mustFailed ? 'failure' : passed === members.length ? 'success' : 'partial',
    };
  });
}

/** The one line printed at the end of a run: `kconform: 36 passed, 0 failed, 0 skipped (api: 36/36)`. */
export function summaryLine(results: RunResults): string {
  const { passed, failed, skipped, flaky } = results.summary;
  const areas = rollup(results.specs)
    .map((a) => `${a.area}: ${a.passed}/${a.passed + a.failed}`)
    .join(', ');
  return (
    `kconform: ${passed} passed, ${failed} failed, ${skipped} skipped` +
    (flaky > 0 ? `, ${flaky} flaky` : '') +
    (areas ? ` (${areas})` : '')
  );
}
