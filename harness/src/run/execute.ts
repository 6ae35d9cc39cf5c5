// Runs the suite's test files in mocha child processes against the cluster named by a kubeconfig,
// following a schedule (schedule.ts): serially one process for every file; with --parallel N, N
// workers taking one file each from a longest-first queue, then the specs that must run alone in
// one last process with nothing beside it. Each test's result comes from the results reporter: its
// event lines on stdout are handed on as they come (progress and --events); its results file is
// read when the process ends. A mocha that dies without writing its results is a runner problem,
// reported as such rather than taken for a pass.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../../common/src/log.ts';
import type { Spec } from '../../../conformance/lib/specs.ts';
import type { ClusterDiagnostics, FailedAttempt } from '../../../reports/src/results.ts';
import { grepFor } from './plan.ts';
import type { Job, Schedule } from './schedule.ts';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SUITES_DIR = join(ROOT, 'conformance', 'suites');
/**
 * mocha's CLI itself, not its bin/mocha.js: given node options, that wrapper runs the tests in a
 * child process of its own, which a stopped run would leave behind (and wait for, as it holds the
 * output pipes). Run directly under `node --import=tsx`, the mocha process is the test process.
 */
const MOCHA_CLI = join(ROOT, 'node_modules', 'mocha', 'lib', 'cli', 'cli.js');
const REPORTER = fileURLToPath(new URL('../testing/results-reporter.cjs', import.meta.url));

/** One test's result as the results reporter writes it. */
export interface TestResult {
  title: string;
  file: string;
  /** The final attempt's result. */
  status: 'passed' | 'failed' | 'skipped';
  durationMs: number;
  retries: number;
  message?: string;
  error?: string;
  /** The namespace's state right after the final attempt failed. */
  cluster?: ClusterDiagnostics;
  /** Attempts that failed before a retry. */
  failedAttempts?: FailedAttempt[];
}

/** What the results reporter says while the suite runs (`KCONFORM-EVENT {json}` lines). */
export type SuiteEvent =
  | { event: 'begin'; total: number }
  | { event: 'test-start'; title: string; file: string; attempt: number }
  | { event: 'test-retry'; title: string; file: string; durationMs: number; message: string }
  | {
      event: 'test-end';
      title: string;
      file: string;
      status: 'passed' | 'failed' | 'skipped';
      durationMs: number;
    };

const EVENT_PREFIX = 'KCONFORM-EVENT ';

/** The event a reporter line carries; undefined for any other output. */
export function parseEventLine(line: string): SuiteEvent | undefined {
  if (!line.startsWith(EVENT_PREFIX)) return undefined;
  try {
    const event = JSON.parse(line.slice(EVENT_PREFIX.length)) as SuiteEvent;
    return typeof event === 'object' && event !== null && typeof event.event === 'string' ? event : undefined;
  } catch {
    return undefined;
  }
}

export interface ExecuteOptions {
  schedule: Schedule;
  kubeconfig: string;
  /** Folder for the per-process result files. */
  workDir: string;
  /** Workers sharing the schedule's parallel jobs. */
  parallel: number;
  /** Multiplies every spec's timeout (KCONFORM_TIMEOUT_SCALE); 1 when not given. */
  timeoutScale?: number;
  /** Times mocha retries a failed test (`--retries`). */
  retries?: number;
  /** More environment for the suite (KCONFORM_TIMEOUT_SCALE, KCONFORM_IMAGE_MAP). */
  env?: Record<string, string>;
  log: Logger;
  /**
   * Each reporter event, with the number (from 1) of the mocha process that sent it, unique in the
   * run, and the worker (from 1) that runs the process; the process that runs alone is worker 1.
   */
  onEvent: (event: SuiteEvent, process: number, worker: number) => void;
  signal?: AbortSignal;
}

export interface Execution {
  tests: TestResult[];
  /** Why some processes gave no results (a crash, a timeout, an interruption). */
  problems: string[];
}

/** Every `*.test.ts` under the suites folder, sorted, as absolute paths. */
export function suiteFiles(dir: string = SUITES_DIR): string[] {
  const walk = (folder: string): string[] =>
    readdirSync(folder)
      .sort()
      .flatMap((name) => {
        const path = join(folder, name);
        if (statSync(path).isDirectory()) return walk(path);
        return name.endsWith('.test.ts') ? [path] : [];
      });
  return walk(dir);
}

// Room for a process's start-up and hooks on top of its specs' own limits.
const PROCESS_SLACK_MS = 300_000;

/**
 * How long one process may run before it is killed: its specs' limits (scaled) plus room for
 * start-up and hooks, once more for every retry a test may take.
 */
export function processBudgetMs(specs: readonly Spec[], timeoutScale = 1, retries = 0): number {
  return specs.reduce((sum, s) => sum + s.timeout * timeoutScale, PROCESS_SLACK_MS) * (retries + 1);
}

/** How many mocha processes a schedule starts (each says `begin` once). */
export const processCount = (schedule: Schedule): number =>
  schedule.parallel.length + (schedule.alone ? 1 : 0);

/**
 * mocha's own default timeout (2 s) is for unit tests. Each suite test gets its spec's timeout from
 * useSpecTimeouts, and the suite's own hooks set theirs; this bounds any hook that sets none, such
 * as useSpecTimeouts' beforeEach, whose first call parses the whole catalogue: on a machine busy
 * with several workers and the cluster, that took more than 2 s and failed every test of a file.
 */
export const HOOK_TIMEOUT_MS = 60_000;

/** The argument list of one mocha process (after `node`). */
export function mochaArgs(
  files: readonly string[],
  grep: string,
  resultsFile: string,
  retries = 0,
): string[] {
  return [
    '--import=tsx',
    MOCHA_CLI,
    '--no-config',
    '--extension',
    'ts',
    '--exit',
    '--reporter',
    REPORTER,
    '--reporter-option',
    `output=${resultsFile}`,
    '--grep',
    grep,
    '--timeout',
    String(HOOK_TIMEOUT_MS),
    ...(retries > 0 ? ['--retries', String(retries)] : []),
    ...files,
  ];
}

/**
 * Runs the schedule; resolves when every mocha process has ended (never rejects for a test
 * failure). The job that runs alone starts only after every parallel job has ended. Once the run is
 * interrupted no further job starts; each one left is named in the problems.
 */
export async function executeSuite(options: ExecuteOptions): Promise<Execution> {
  const { schedule } = options;
  const queue = [...schedule.parallel];
  const runs: Execution[] = [];
  let started = 0;
  const notStarted = (job: Job): Execution => ({
    tests: [],
    problems: [`${describeJob(job)} did not start: the run was interrupted`],
  });
  const worker = async (slot: number): Promise<void> => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      if (options.signal?.aborted) runs.push(notStarted(job));
      else runs.push(await runOne(job, ++started, slot, options));
    }
  };
  const workers = Math.max(1, Math.min(options.parallel, queue.length));
  await Promise.all(Array.from({ length: workers }, (_, i) => worker(i + 1)));
  if (schedule.alone) {
    runs.push(
      options.signal?.aborted
        ? notStarted(schedule.alone)
        : await runOne(schedule.alone, ++started, 1, options),
    );
  }
  return { tests: runs.flatMap((r) => r.tests), problems: runs.flatMap((r) => r.problems) };
}

const describeJob = (job: Job): string =>
  `the mocha process for ${job.files.map((f) => relative(ROOT, f)).join(', ')}`;

async function runOne(job: Job, index: number, slot: number, options: ExecuteOptions): Promise<Execution> {
  const resultsFile = join(options.workDir, `mocha-${index}.json`);
  const retries = options.retries ?? 0;
  const args = mochaArgs(job.files, grepFor(job.specs), resultsFile, retries);
  const timeoutMs = processBudgetMs(job.specs, options.timeoutScale, retries);
  const log = options.log.child({ mocha: index, worker: slot });
  log.debug('starting mocha', { files: job.files.map((f) => relative(ROOT, f)), specs: job.specs.length });
  const stderrTail: string[] = [];
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; why?: string }>(
    (resolve) => {
      // A process group of its own, so that stopping it also stops what its tests started.
      const child = spawn(process.execPath, args, {
        cwd: ROOT,
        env: { ...process.env, ...options.env, KUBECONFIG: options.kubeconfig },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let why: string | undefined;
      const signalGroup = (signal: NodeJS.Signals): void => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, signal);
        } catch {
          // the group is gone already
        }
      };
      const stop = (reason: string) => {
        why ??= reason;
        signalGroup('SIGTERM');
        setTimeout(() => signalGroup('SIGKILL'), 5_000).unref();
      };
      const timer = setTimeout(() => stop(`timed out after ${timeoutMs} ms`), timeoutMs);
      const onAbort = () => stop('interrupted');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted) onAbort();
      lines(child.stdout, (line) => {
        const event = parseEventLine(line);
        if (event) options.onEvent(event, index, slot);
        else if (line.trim() !== '') log.debug('mocha stdout', { line });
      });
      lines(child.stderr, (line) => {
        log.debug('mocha stderr', { line });
        stderrTail.push(line);
        if (stderrTail.length > 20) stderrTail.shift();
      });
      child.on('error', (err) => stop(`could not start: ${err.message}`));
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        resolve({ code, signal, ...(why ? { why } : {}) });
      });
    },
  );
  const which = `mocha process ${index} (${job.files.map((f) => relative(ROOT, f)).join(', ')})`;
  if (ended.why || !existsSync(resultsFile)) {
    const detail = ended.why ?? `exited with ${ended.code ?? ended.signal} before writing results`;
    const tail = stderrTail.join('\n').trim();
    return { tests: [], problems: [`${which} ${detail}${tail ? `:\n${tail}` : ''}`] };
  }
  const written = JSON.parse(readFileSync(resultsFile, 'utf8')) as { tests: TestResult[] };
  return {
    tests: written.tests.map((t) => ({ ...t, file: t.file ? relative(ROOT, t.file) : '' })),
    problems: [],
  };
}

/** Calls `each` with every complete line of a stream. */
function lines(stream: NodeJS.ReadableStream, each: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) each(part.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (rest) each(rest);
  });
}
