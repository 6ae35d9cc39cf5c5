// The shape of a suite run's results: what `results.json` holds and every other report is rendered
// from. One entry per spec in the catalogue, whether it ran or not (a spec that did not run is
// `skipped` and its message says why), so a report always accounts for the whole catalogue.

/**
 * `flaky`: a test of the spec failed and then passed on a retry. It is never counted as simply
 * passed: a reader must see it. It does not fail the run.
 */
export type SpecStatus = 'passed' | 'failed' | 'skipped' | 'flaky';

/** One container of a pod at the time of a failure. */
export interface ContainerDiagnostics {
  name: string;
  /** An init container. */
  init: boolean;
  image: string;
  ready: boolean;
  restartCount: number;
  /** `running since T`, `waiting: CrashLoopBackOff (…)`, `terminated: Error, exit code 1 (…)`. */
  state: string;
  /** The previous instance's end, when the container restarted. */
  lastState?: string;
  /** The last lines of the current instance's log. */
  logs?: string;
  /** The last lines of the previous instance's log (`kubectl logs --previous`). */
  previousLogs?: string;
}

/** One pod of the failing test's namespace. */
export interface PodDiagnostics {
  name: string;
  node: string;
  phase: string;
  reason?: string;
  message?: string;
  podIP?: string;
  /** `Ready=False (ContainersNotReady: …)`, one per condition. */
  conditions: string[];
  containers: ContainerDiagnostics[];
}

/** One Kubernetes Event of the namespace. */
export interface EventRecord {
  /** The event's last (or first) time, ISO 8601; '' when it has none. */
  time: string;
  type: string;
  reason: string;
  /** `Pod/web-1`. */
  object: string;
  message: string;
  count: number;
}

/** What the suite saw in the cluster right after a test failed: what a person needs to see why. */
export interface ClusterDiagnostics {
  namespace: string;
  collectedAt: string;
  pods: PodDiagnostics[];
  /** Oldest first. */
  events: EventRecord[];
  /** The namespace's other objects, one line each: `Service web (ClusterIP 10.96.0.7, 80/TCP)`. */
  objects: string[];
  /** What could not be collected, and why (a diagnostics failure never hides the test's failure). */
  problems: string[];
}

/** One failed attempt of a test that was retried. */
export interface FailedAttempt {
  durationMs: number;
  message: string;
  error?: string;
  cluster?: ClusterDiagnostics;
}

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
  /** The cluster as the failed test left it (its namespace's pods, events, logs). */
  cluster?: ClusterDiagnostics;
  /** The attempts that failed before the final one (with --retries). */
  failedAttempts?: FailedAttempt[];
}

export interface SpecResult {
  id: string;
  area: string;
  level: 'MUST' | 'SHOULD';
  feature: string;
  /** `stable`, or a provisional stage whose result never counts toward the run's verdict. */
  stage?: string;
  status: SpecStatus;
  durationMs: number;
  /** '' when passed; the failure message(s) when failed; the reason when skipped. */
  message: string;
  /** The tests that cite the spec, each failure with its stack and the cluster's state. */
  diagnostics: TestRecord[];
}

export interface RunSummary {
  /** Specs whose tests all passed at the first attempt. */
  passed: number;
  failed: number;
  skipped: number;
  /** Specs that passed only after a retry (not counted in `passed`). */
  flaky: number;
}

export interface RunResults {
  /** What the suite ran against, e.g. `reference (embedded store, 2 nodes)` or a kubeconfig. */
  target: string;
  kconformVersion: string;
  /** ISO 8601 times. */
  started: string;
  finished: string;
  /** How the run was chosen: mode, declared features, retries, timeout scale. */
  settings?: RunSettings;
  summary: RunSummary;
  specs: SpecResult[];
}

export interface RunSettings {
  mode: string;
  /** The optional features declared for the target; `all` for the reference. */
  features: string[] | 'all';
  retries: number;
  timeoutScale: number;
}

/** Counts the specs by status. */
export function summarize(specs: readonly SpecResult[]): RunSummary {
  const summary: RunSummary = { passed: 0, failed: 0, skipped: 0, flaky: 0 };
  for (const spec of specs) summary[spec.status] += 1;
  return summary;
}

/** True for a spec whose result never counts toward the verdict (any stage but `stable`). */
export const isProvisional = (spec: Pick<SpecResult, 'stage'>): boolean =>
  spec.stage !== undefined && spec.stage !== 'stable';

export interface AreaRollup {
  area: string;
  passed: number;
  failed: number;
  skipped: number;
  flaky: number;
  /**
   * success: everything passed (flaky ones included); failure: a stable MUST failed; partial:
   * anything else (a SHOULD or provisional failure, or skipped specs).
   */
  result: 'success' | 'partial' | 'failure';
}

/** Per-area (or per-feature, with `key`) counts and result, in order of first appearance. */
export function rollup(specs: readonly SpecResult[], key: 'area' | 'feature' = 'area'): AreaRollup[] {
  const groups = new Map<string, SpecResult[]>();
  for (const spec of specs) groups.set(spec[key], [...(groups.get(spec[key]) ?? []), spec]);
  return [...groups].map(([area, members]) => {
    const count = (status: SpecStatus) => members.filter((s) => s.status === status).length;
    const mustFailed = members.some((s) => s.status === 'failed' && s.level === 'MUST' && !isProvisional(s));
    const passed = count('passed');
    const flaky = count('flaky');
    return {
      area,
      passed,
      failed: count('failed'),
      skipped: count('skipped'),
      flaky,
      result: mustFailed ? 'failure' : passed + flaky === members.length ? 'success' : 'partial',
    };
  });
}

/** The one line printed at the end of a run: `kconform: 36 passed, 0 failed, 0 skipped (api: 36/36)`. */
export function summaryLine(results: RunResults): string {
  const { passed, failed, skipped, flaky } = results.summary;
  const areas = rollup(results.specs)
    .map((a) => `${a.area}: ${a.passed + a.flaky}/${a.passed + a.flaky + a.failed}`)
    .join(', ');
  return (
    `kconform: ${passed} passed, ${failed} failed, ${skipped} skipped` +
    (flaky > 0 ? `, ${flaky} flaky` : '') +
    (areas ? ` (${areas})` : '')
  );
}
