// `kconform run`: plan, target, execute, report, verdict. The reference cluster started for a run
// is stopped whatever happens (a failure, an error, SIGINT or SIGTERM); an interrupted run still
// writes reports for what it has and exits 130.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from '../../../common/src/log.ts';
import type { Spec } from '../../../conformance/lib/specs.ts';
import { loadSpecs } from '../../../conformance/lib/specs.ts';
import { summaryLine } from '../../../reports/src/results.ts';
import { writeReports } from '../../../reports/src/write.ts';
import { usageError } from '../args.ts';
import { collectResults } from './collect.ts';
import { verdict } from './exit-status.ts';
import { executeSuite, ROOT, suiteFiles, type Execution } from './execute.ts';
import { formatPlan, grepFor, planRun } from './plan.ts';
import { externalTarget, referenceTarget, withReference, type ReferenceDeps } from './target.ts';

export interface RunOptions {
  kubeconfig?: string | undefined;
  focus?: string | undefined;
  skip?: string | undefined;
  list: boolean;
  parallel: number;
  reportDir: string;
  strict: boolean;
}

export interface RunIO {
  out: (line: string) => void;
  log: Logger;
  cwd: string;
}

export type RunDeps = Omit<ReferenceDeps, 'log' | 'progress'> & {
  /** The catalogue; conformance/specs by default. */
  specs?: () => Spec[];
  /** Where SIGINT/SIGTERM are listened for; the real process by default. */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
};

const INTERRUPTED = 130;
// Room for hooks and start-up on top of the specs' own limits.
const SUITE_SLACK_MS = 300_000;

function kconformVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Runs `kconform run` and resolves with its exit code; throws KconformError for a usage problem. */
export async function runConformance(options: RunOptions, io: RunIO, deps: RunDeps): Promise<number> {
  const catalogue = deps.specs ? deps.specs() : [...loadSpecs().values()];
  const target = options.kubeconfig ? externalTarget(resolve(io.cwd, options.kubeconfig)) : referenceTarget();
  const plan = planRun(catalogue, {
    focus: options.focus === undefined ? undefined : new RegExp(options.focus),
    skip: options.skip === undefined ? undefined : new RegExp(options.skip),
    features: target.features,
  });
  if (options.list) {
    for (const line of formatPlan(plan, target.description)) io.out(line);
    return 0;
  }
  if (plan.selected.length === 0) {
    throw usageError('run', 'no spec is selected (see `kconform run --list` with the same options)');
  }

  const controller = new AbortController();
  const signals = deps.signals ?? process;
  const onSignal = (signal: string) => {
    if (controller.signal.aborted) return;
    io.out(`kconform: ${signal}: stopping the suite${target.kubeconfig ? '' : ' and the reference cluster'}`);
    controller.abort();
  };
  signals.on('SIGINT', onSignal);
  signals.on('SIGTERM', onSignal);
  const workDir = mkdtempSync(join(tmpdir(), 'kconform-results-'));
  const started = new Date();
  let execution: Execution = { tests: [], problems: [] };
  try {
    const execute = async (kubeconfig: string): Promise<Execution> => {
      if (controller.signal.aborted)
        return { tests: [], problems: ['the run was interrupted before the suite started'] };
      io.out(`running ${plan.selected.length} spec(s) against ${target.description}`);
      return executeSuite({
        files: suiteFiles(),
        grep: grepFor(plan.selected),
        kubeconfig,
        workDir,
        parallel: options.parallel,
        timeoutMs: plan.selected.reduce((sum, s) => sum + s.timeout, SUITE_SLACK_MS),
        log: io.log.child({ component: 'runner' }),
        progress: io.out,
        signal: controller.signal,
      });
    };
    execution = target.kubeconfig
      ? await execute(target.kubeconfig)
      : await withReference(
          { ...deps, log: io.log.child({ component: 'cluster' }), progress: io.out },
          execute,
        );
  } finally {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
    rmSync(workDir, { recursive: true, force: true });
  }

  const results = collectResults({
    catalogue,
    plan,
    tests: execution.tests,
    problems: execution.problems,
    target: target.description,
    kconformVersion: kconformVersion(),
    started,
    finished: new Date(),
  });
  const reportDir = resolve(io.cwd, options.reportDir);
  await writeReports(reportDir, results);
  for (const problem of execution.problems) io.out(`kconform: the suite did not run to its end: ${problem}`);
  for (const spec of results.specs.filter((s) => s.status === 'failed')) {
    io.out(`kconform: FAILED ${spec.id} (${spec.level}): ${spec.message.split('\n')[0]}`);
  }
  const { code, warnings } = verdict(results, { strict: options.strict, runnerProblems: execution.problems });
  for (const warning of warnings) io.out(warning);
  io.out(`reports: ${reportDir}/{results.json,results.tap,junit.xml,summary.md}`);
  io.out(summaryLine(results));
  return controller.signal.aborted ? INTERRUPTED : code;
}
