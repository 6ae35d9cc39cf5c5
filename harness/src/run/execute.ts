// Runs the suite's test files in mocha child processes (one, or N with the files split between
// them), against the cluster named by a kubeconfig, and collects each test's result from the
// results reporter. The reporter's event lines on stdout are handed on as they come (progress and
// --events); its results file is read at the end. A mocha that dies without writing its results is
// a runner problem, reported as such rather than taken for a pass.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../../common/src/log.ts';
import type { ClusterDiagnostics, FailedAttempt } from '../../../reports/src/results.ts';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SUITES_DIR = join(ROOT, 'conformance', 'suites');
const MOCHA = join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
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
  files: readonly string[];
  grep: string;
  kubeconfig: string;
  /** Folder for the per-process result files. */
  workDir: string;
  parallel: number;
  /** Each process is killed after this long. */
  timeoutMs: number;
  /** Times mocha retries a failed test (`--retries`). */
  retries?: number;
  /** More environment for the suite (KCONFORM_TIMEOUT_SCALE, KCONFORM_IMAGE_MAP). */
  env?: Record<string, string>;
  log: Logger;
  /** Each reporter event, with the number (from 1) of the mocha process that sent it. */
  onEvent: (event: SuiteEvent, process: number) => void;
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

/** Deals the files out to at most `n` groups, round robin, keeping none empty. */
export function splitFiles(files: readonly string[], n: number): string[][] {
  const groups: string[][] = Array.from({ length: Math.max(1, Math.min(n, files.length)) }, () => []);
  files.forEach((file, i) => groups[i % groups.length]!.push(file));
  return groups;
}

/** The argument list of one mocha process (after `node`). */
export function mochaArgs(
  files: readonly string[],
  grep: string,
  resultsFile: string,
  retries = 0,
): string[] {
  return [
    MOCHA,
    '--no-config',
    '--node-option',
    'import=tsx',
    '--extension',
    'ts',
    '--exit',
    '--reporter',
    REPORTER,
    '--reporter-option',
    `output=${resultsFile}`,
    '--grep',
    grep,
    ...(retries > 0 ? ['--retries', String(retries)] : []),
    ...files,
  ];
}

/** Runs the files; resolves when every mocha process has ended (never rejects for a test failure). */
export async function executeSuite(options: ExecuteOptions): Promise<Execution> {
  const groups = splitFiles(options.files, options.parallel);
  const runs = await Promise.all(groups.map((files, index) => runOne(files, index, options)));
  return { tests: runs.flatMap((r) => r.tests), problems: runs.flatMap((r) => r.problems) };
}

async function runOne(files: string[], index: number, options: ExecuteOptions): Promise<Execution> {
  const resultsFile = join(options.workDir, `mocha-${index + 1}.json`);
  const args = mochaArgs(files, options.grep, resultsFile, options.retries ?? 0);
  const log = options.log.child({ mocha: index + 1 });
  log.debug('starting mocha', { files: files.map((f) => relative(ROOT, f)) });
  const stderrTail: string[] = [];
  const ended = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; why?: string }>(
    (resolve) => {
      const child = spawn(process.execPath, args, {
        cwd: ROOT,
        env: { ...process.env, ...options.env, KUBECONFIG: options.kubeconfig },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let why: string | undefined;
      const stop = (reason: string) => {
        why ??= reason;
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      };
      const timer = setTimeout(() => stop(`timed out after ${options.timeoutMs} ms`), options.timeoutMs);
      const onAbort = () => stop('interrupted');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      if (options.signal?.aborted) onAbort();
      lines(child.stdout, (line) => {
        const event = parseEventLine(line);
        if (event) options.onEvent(event, index + 1);
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
  const which = `mocha process ${index + 1} (${files.map((f) => relative(ROOT, f)).join(', ')})`;
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
