// The whole default suite on the two-node reference, as a user runs it: `kconform run` serially,
// then `kconform run --parallel N` (N = 4, or KCONFORM_BENCH_SUITE_PARALLEL), each starting and
// stopping its own reference. For each: the wall time of the command (cluster start and stop
// included), the suite's own time (results.json started → finished), the spec counts and the exit
// code; and what bounds the parallel run: its longest file and longest spec. Aim: the whole suite
// in under 5 minutes on a 2-core machine. Each run writes its reports to a fresh temporary folder,
// so the parallel run schedules cold (no earlier durations). The runs' output goes to stderr.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResults } from '../reports/src/results.ts';
import type { Benchmark } from './benchmark.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
export const SUITE_AIM_MS = 300_000;
/** SIGINT (kconform then still stops its cluster) after this long. */
const RUN_LIMIT_MS = 1_500_000;

export interface SuiteRunFigures {
  /** `kconform run` from start to exit, the reference's start and stop included. */
  wallMs: number;
  /** The suite alone: results.json started → finished. */
  suiteMs: number;
  exitCode: number | null;
  passed: number;
  failed: number;
  skipped: number;
  flaky: number;
  /** The file whose tests took longest in total, and how long. */
  longestFile: { file: string; ms: number } | undefined;
  longestSpec: { id: string; ms: number } | undefined;
  /** Specs that did not pass (id: status), so a figure from a broken run is not taken for good. */
  notPassed: string[];
}

/** The figures of one run from its results and how the command ended. */
export function runFigures(results: RunResults, wallMs: number, exitCode: number | null): SuiteRunFigures {
  const byFile = new Map<string, number>();
  for (const spec of results.specs) {
    for (const test of spec.diagnostics)
      byFile.set(test.file, (byFile.get(test.file) ?? 0) + test.durationMs);
  }
  const longestFile = [...byFile].sort((a, b) => b[1] - a[1])[0];
  const longestSpec = [...results.specs].sort((a, b) => b.durationMs - a.durationMs)[0];
  return {
    wallMs,
    suiteMs: Date.parse(results.finished) - Date.parse(results.started),
    exitCode,
    ...results.summary,
    longestFile: longestFile ? { file: longestFile[0], ms: longestFile[1] } : undefined,
    longestSpec: longestSpec ? { id: longestSpec.id, ms: longestSpec.durationMs } : undefined,
    notPassed: results.specs.filter((s) => s.status !== 'passed').map((s) => `${s.id}: ${s.status}`),
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** `--parallel 4: 4m31.0s wall (suite 4m02.2s), 130 passed, 0 failed, 0 skipped, 0 flaky; longest file …`. */
export function describeRun(label: string, f: SuiteRunFigures): string {
  const longest = f.longestFile ? `; longest file ${f.longestFile.file} ${seconds(f.longestFile.ms)}` : '';
  return (
    `${label}: ${seconds(f.wallMs)} wall (suite ${seconds(f.suiteMs)}), exit ${f.exitCode}, ` +
    `${f.passed} passed, ${f.failed} failed, ${f.skipped} skipped, ${f.flaky} flaky${longest}`
  );
}

function kconformRun(args: string[]): Promise<{ code: number | null; wallMs: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, ['bin/kconform.mjs', 'run', ...args], {
      cwd: ROOT,
      env: { ...process.env, KCONFORM_LOG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(process.stderr, { end: false });
    child.stderr.pipe(process.stderr, { end: false });
    const timer = setTimeout(() => child.kill('SIGINT'), RUN_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, wallMs: Math.round(performance.now() - started) });
    });
  });
}

async function measure(label: string, args: string[]): Promise<SuiteRunFigures> {
  const reportDir = mkdtempSync(join(tmpdir(), `kconform-bench-suite-${label}-`));
  try {
    process.stderr.write(`bench suite: kconform run ${args.join(' ')}\n`);
    const { code, wallMs } = await kconformRun([...args, '--report-dir', reportDir]);
    const results = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as RunResults;
    return runFigures(results, wallMs, code);
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
  }
}

export const suiteBench: Benchmark = {
  name: 'suite',
  description:
    'the whole default suite on the 2-node reference: kconform run serially and with --parallel N; ' +
    'wall time of each (cluster start and stop included) and spec counts; aim: under 5 minutes',
  async run() {
    const raw = process.env.KCONFORM_BENCH_SUITE_PARALLEL ?? '4';
    const workers = Number(raw);
    if (!Number.isInteger(workers) || workers < 2) {
      throw new Error(`KCONFORM_BENCH_SUITE_PARALLEL=${raw} must be a whole number of at least 2`);
    }
    const serial = await measure('serial', []);
    const parallel = await measure('parallel', ['--parallel', String(workers)]);
    // Two lines for people before the runner's JSON line.
    for (const [label, f] of [
      ['serial', serial],
      [`--parallel ${workers}`, parallel],
    ] as const) {
      process.stdout.write(`${describeRun(label, f)}\n`);
    }
    return {
      workers,
      serial,
      parallel,
      speedup: Math.round((serial.wallMs / parallel.wallMs) * 100) / 100,
      aimMs: SUITE_AIM_MS,
      aimMet: parallel.wallMs < SUITE_AIM_MS && parallel.failed === 0 && parallel.exitCode === 0,
    };
  },
};
