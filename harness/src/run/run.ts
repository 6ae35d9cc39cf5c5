// `kconform run`: plan, target, execute, report, verdict. The reference cluster started for a run
// is stopped whatever happens (a failure, an error, SIGINT or SIGTERM); an interrupted run still
// writes reports for what it has and exits 130.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from '../../../common/src/log.ts';
import { imageMap } from '../../../conformance/lib/images.ts';
import type { Spec } from '../../../conformance/lib/specs.ts';
import { loadSpecs, TIMEOUT_SCALE_ENV } from '../../../conformance/lib/specs.ts';
import type { RunResults, RunSettings } from '../../../reports/src/results.ts';
import { loadResults } from '../../../reports/src/load.ts';
import { summaryLine } from '../../../reports/src/results.ts';
import { REPORT_FILES, writeReports } from '../../../reports/src/write.ts';
import { usageError } from '../args.ts';
import { collectResults } from './collect.ts';
import { EventsFile } from './events.ts';
import { verdict } from './exit-status.ts';
import { executeSuite, processCount, ROOT, suiteFiles, type Execution } from './execute.ts';
import { formatPlan, planRun, type Mode } from './plan.ts';
import { loadProfile, parseFeatureList, type Profile } from './profile.ts';
import { ProgressDisplay, type Terminal } from './progress.ts';
import { knownDurations } from './durations.ts';
import { scheduleSuite, type Schedule } from './schedule.ts';
import { indexSuite } from './suite-index.ts';
import {
  externalTarget,
  referenceTarget,
  suiteKubeconfig,
  withReference,
  type ReferenceDeps,
} from './target.ts';

export interface RunOptions {
  kubeconfig?: string | undefined;
  /** A context of the kubeconfig other than its current one. */
  context?: string | undefined;
  focus?: string | undefined;
  skip?: string | undefined;
  list: boolean;
  parallel: number;
  reportDir: string;
  strict: boolean;
  /** `default` when not given. */
  mode?: Mode | undefined;
  /** Comma-separated optional features the target supports. */
  features?: string | undefined;
  /** A profile file (YAML or JSON): features, images, skip list. */
  profile?: string | undefined;
  /** Multiplies every spec's timeout (1 when not given). */
  timeoutScale?: number | undefined;
  /** Times a failed test is retried; one that then passes is flaky (0 when not given). */
  retries?: number | undefined;
  /** A results.json whose failed specs are the only ones to run. */
  rerunFailed?: string | undefined;
  /** Where to write one JSON line per test start and end. */
  events?: string | undefined;
}

export interface RunIO {
  out: (line: string) => void;
  log: Logger;
  cwd: string;
  /** Set when stdout is a terminal: the progress is then one live line. */
  terminal?: Terminal | undefined;
}

export type RunDeps = Omit<ReferenceDeps, 'log' | 'progress'> & {
  /** The catalogue; conformance/specs by default. */
  specs?: () => Spec[];
  /** The suite's test files; every `*.test.ts` under conformance/suites by default. */
  suiteFiles?: () => string[];
  /** Where SIGINT/SIGTERM are listened for; the real process by default. */
  signals?: Pick<NodeJS.Process, 'on' | 'off'>;
};

const INTERRUPTED = 130;
/** In the report folder: every line the run printed, each with its time. */
export const RUN_LOG = 'run.log';
/** Read by conformance/lib/images.ts: the image map the suite's pods use. */
const IMAGE_MAP_ENV = 'KCONFORM_IMAGE_MAP';

/** The version in kconform's package.json. */
export function kconformVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The ids of the failed specs in a results.json; a USAGE error when the file is not one. */
export function failedSpecIds(file: string): Set<string> {
  let results: RunResults;
  try {
    results = loadResults(file);
  } catch (err) {
    throw usageError('run', `--rerun-failed ${(err as Error).message}`);
  }
  return new Set(results.specs.filter((s) => s.status === 'failed').map((s) => s.id));
}

/** Runs `kconform run` and resolves with its exit code; throws KconformError for a usage problem. */
export async function runConformance(options: RunOptions, given: RunIO, deps: RunDeps): Promise<number> {
  // Everything the run prints also goes, time-stamped, to run.log in the report folder.
  const printed: string[] = [];
  const io: RunIO = {
    ...given,
    out: (line) => {
      printed.push(`${new Date().toISOString()} ${line}`);
      given.out(line);
    },
  };
  const catalogue = deps.specs ? deps.specs() : [...loadSpecs().values()];
  const mode = options.mode ?? 'default';
  const profile: Profile | undefined = options.profile
    ? loadProfile(resolve(io.cwd, options.profile), catalogue)
    : undefined;
  const declared =
    options.features !== undefined
      ? parseFeatureList(
          options.features.split(',').map((f) => f.trim()),
          catalogue,
          (problem) => {
            throw usageError('run', `--features ${options.features}: ${problem}`);
          },
        )
      : profile && profile.features.length > 0
        ? profile.features
        : undefined;
  if (options.context !== undefined && !options.kubeconfig) {
    throw usageError('run', '--context needs --kubeconfig (the reference has one context only)');
  }
  if (mode === 'certify') {
    const partial = [
      options.focus !== undefined && '--focus',
      options.skip !== undefined && '--skip',
      options.rerunFailed !== undefined && '--rerun-failed',
      profile && profile.skip.size > 0 && 'a profile skip list',
    ].filter(Boolean);
    if (partial.length > 0) {
      throw usageError(
        'run',
        `--mode certify runs every stable spec of the declared features; it cannot be narrowed by ${partial.join(', ')}`,
      );
    }
  }
  let rerun: { ids: Set<string>; source: string } | undefined;
  if (options.rerunFailed !== undefined) {
    const source = resolve(io.cwd, options.rerunFailed);
    rerun = { ids: failedSpecIds(source), source };
    if (rerun.ids.size === 0) {
      io.out(`nothing to rerun: no spec failed in ${source}`);
      return 0;
    }
  }
  const target = options.kubeconfig
    ? externalTarget(resolve(io.cwd, options.kubeconfig), options.context, declared ?? [])
    : referenceTarget(declared);
  const targetName = profile?.name ? `${profile.name}: ${target.description}` : target.description;
  const plan = planRun(catalogue, {
    focus: options.focus === undefined ? undefined : new RegExp(options.focus),
    skip: options.skip === undefined ? undefined : new RegExp(options.skip),
    features: target.features,
    mode,
    ...(profile ? { profileSkips: profile.skip } : {}),
    ...(rerun ? { rerun } : {}),
  });
  if (options.list) {
    for (const line of formatPlan(plan, targetName, mode)) io.out(line);
    return 0;
  }
  if (plan.selected.length === 0) {
    throw usageError('run', 'no spec is selected (see `kconform run --list` with the same options)');
  }
  const settings: RunSettings = {
    mode,
    features: target.features === 'all' ? 'all' : [...target.features].filter((f) => f !== 'core'),
    retries: options.retries ?? 0,
    timeoutScale: options.timeoutScale ?? 1,
  };
  // An earlier run's results in the same report folder tell how long each spec took.
  const schedule = scheduleSuite(
    indexSuite(deps.suiteFiles ? deps.suiteFiles() : suiteFiles()),
    plan.selected,
    options.parallel,
    knownDurations(join(resolve(io.cwd, options.reportDir), 'results.json')),
  );
  const events = options.events ? openEvents(resolve(io.cwd, options.events)) : undefined;

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
    const env: Record<string, string> = { [TIMEOUT_SCALE_ENV]: String(settings.timeoutScale) };
    if (profile && Object.keys(profile.images).length > 0) {
      const mapFile = join(workDir, 'image-map.json');
      writeFileSync(mapFile, JSON.stringify({ ...imageMap(), ...profile.images }, null, 2));
      env[IMAGE_MAP_ENV] = mapFile;
    }
    const execute = async (kubeconfig: string): Promise<Execution> => {
      if (controller.signal.aborted)
        return { tests: [], problems: ['the run was interrupted before the suite started'] };
      io.out(
        `running ${plan.selected.length} spec(s) against ${targetName}${howParallel(schedule, options.parallel)}`,
      );
      events?.write({ event: 'run-start', specs: plan.selected.length });
      const progress = new ProgressDisplay({
        out: io.out,
        terminal: io.terminal,
        processes: processCount(schedule),
        expectedTotal: schedule.tests,
      });
      try {
        return await executeSuite({
          schedule,
          kubeconfig,
          workDir,
          parallel: options.parallel,
          retries: settings.retries,
          timeoutScale: settings.timeoutScale,
          env,
          log: io.log.child({ component: 'runner' }),
          onEvent: (event, process, worker) => {
            progress.onEvent(event, process);
            events?.suiteEvent(event, process, worker);
          },
          signal: controller.signal,
        });
      } finally {
        progress.finish();
      }
    };
    execution = target.kubeconfig
      ? await execute(suiteKubeconfig({ ...target, kubeconfig: target.kubeconfig }, workDir))
      : await withReference(
          { ...deps, log: io.log.child({ component: 'cluster' }), progress: io.out },
          execute,
        );
  } finally {
    signals.off('SIGINT', onSignal);
    signals.off('SIGTERM', onSignal);
    rmSync(workDir, { recursive: true, force: true });
  }

  const results: RunResults = collectResults({
    catalogue,
    plan,
    tests: execution.tests,
    problems: execution.problems,
    target: targetName,
    kconformVersion: kconformVersion(),
    started,
    finished: new Date(),
    settings,
  });
  events?.write({ event: 'run-end', summary: { ...results.summary } });
  events?.close();
  const reportDir = resolve(io.cwd, options.reportDir);
  await writeReports(reportDir, results);
  for (const problem of execution.problems) io.out(`kconform: the suite did not run to its end: ${problem}`);
  for (const spec of results.specs.filter((s) => s.status === 'failed')) {
    io.out(`kconform: FAILED ${spec.id} (${spec.level}): ${spec.message.split('\n')[0]}`);
  }
  const { code, warnings } = verdict(results, { strict: options.strict, runnerProblems: execution.problems });
  for (const warning of warnings) io.out(warning);
  io.out(`reports: ${reportDir}/{${[...REPORT_FILES, RUN_LOG].join(',')}}`);
  io.out(summaryLine(results));
  writeFileSync(join(reportDir, RUN_LOG), printed.join('\n') + '\n');
  return controller.signal.aborted ? INTERRUPTED : code;
}

/** `` with one worker; ` (4 workers, then 3 spec(s) alone)` with several. */
function howParallel(schedule: Schedule, parallel: number): string {
  if (parallel <= 1) return '';
  const workers = Math.min(parallel, schedule.parallel.length);
  const alone = schedule.alone ? `, then ${schedule.alone.specs.length} spec(s) alone` : '';
  return ` (${workers} worker${workers === 1 ? '' : 's'}${alone})`;
}

function openEvents(path: string): EventsFile {
  try {
    return new EventsFile(path);
  } catch (err) {
    throw usageError('run', `--events ${path}: cannot write it (${(err as NodeJS.ErrnoException).code})`);
  }
}
