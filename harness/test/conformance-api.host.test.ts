// @host: the conformance suite's api area, run as its own mocha process against the reference
// apiserver started as a separate process, exactly as a user would point the suite at any cluster:
// through a kubeconfig and nothing else.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane, type ControlPlane } from '../../reference/cluster/src/control-plane.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SUITE_RUN_TIMEOUT_MS = 600_000;

interface MochaJsonTest {
  title: string;
  fullTitle: string;
  err: { message?: string; stack?: string };
}
interface MochaJsonReport {
  stats: { tests: number; passes: number; failures: number; pending: number };
  tests: MochaJsonTest[];
  failures: MochaJsonTest[];
}

interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end without blocking the event loop; kills it after `timeoutMs`. */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (cause) => {
      clearTimeout(timer);
      reject(cause);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

describe('conformance api suite against the reference apiserver @host', function () {
  let stateDir: string | undefined;
  let controlPlane: ControlPlane | undefined;

  before(async function () {
    this.timeout(60_000);
    stateDir = mkdtempSync(join(tmpdir(), 'kconform-conformance-api-'));
    controlPlane = await startControlPlane({ stateDir });
  });

  after(async function () {
    this.timeout(30_000);
    try {
      await controlPlane?.stop();
    } finally {
      if (stateDir) rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it('passes every test in conformance/suites/api', async function () {
    this.timeout(SUITE_RUN_TIMEOUT_MS + 30_000);
    const reportFile = join(stateDir!, 'api-report.json');
    const args = [
      'node_modules/mocha/bin/mocha.js',
      '--no-config',
      '--node-option',
      'import=tsx',
      '--extension',
      'ts',
      '--exit',
      '--reporter',
      'json',
      '--reporter-option',
      `output=${reportFile}`,
      'conformance/suites/api/**/*.test.ts',
    ];
    const finished = await run(
      process.execPath,
      args,
      { ...process.env, KUBECONFIG: controlPlane!.kubeconfigPath },
      SUITE_RUN_TIMEOUT_MS,
    );
    const tail = (text: string) => text.trim().split('\n').slice(-20).join('\n');
    if (!existsSync(reportFile)) {
      expect.fail(
        `the suite wrote no report (exit ${finished.code ?? finished.signal}); stderr:\n${tail(finished.stderr)}\n` +
          `stdout:\n${tail(finished.stdout)}`,
      );
    }
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as MochaJsonReport;
    const failures = report.failures.map(
      (f) => `${f.fullTitle}\n    ${(f.err.message ?? '(no message)').split('\n').join('\n    ')}`,
    );
    expect(report.stats.tests, 'tests run').to.be.greaterThan(0);
    expect(report.stats.pending, 'pending tests').to.equal(0);
    expect(
      failures.length,
      `${failures.length} of ${report.stats.tests} conformance tests failed:\n${failures.join('\n')}`,
    ).to.equal(0);
    expect(report.stats.passes, 'tests passed').to.equal(report.stats.tests);
    expect(finished.code, `mocha exit status; stderr:\n${tail(finished.stderr)}`).to.equal(0);
  });
});
