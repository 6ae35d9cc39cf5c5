// @host: `kconform run` as a user runs it: it starts the embedded reference itself, runs the whole
// suite (four files at a time), writes the reports, exits 0, and leaves the host as it found it.
// The serial path is the same runner with one worker; `harness/test/run.test.ts` and the side-by-side
// host test cover how jobs are scheduled.
import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpecs } from '../../conformance/lib/specs.ts';
import type { RunResults } from '../../reports/src/results.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RUN_TIMEOUT_MS = 900_000;
/** How long kconform gets to stop its cluster after the SIGINT of a run that overran. */
const STOP_GRACE_MS = 180_000;

/** The state folders `kconform run` makes for the reference it starts. */
const runStateDirs = (): string[] =>
  readdirSync(tmpdir())
    .filter((name) => name.startsWith('kconform-run-') && !name.startsWith('kconform-run-e2e-'))
    .map((name) => join(tmpdir(), name));

function kconform(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/kconform.mjs', ...args], {
      cwd: ROOT,
      env: { ...process.env, KCONFORM_LOG: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    // SIGINT, not SIGKILL: kconform then still stops the cluster it started.
    const timer = setTimeout(() => child.kill('SIGINT'), RUN_TIMEOUT_MS);
    timer.unref();
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({
        code,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

function sh(command: string, args: string[]): Promise<string> {
  return new Promise((resolve) =>
    execFile(command, args, { encoding: 'utf8' }, (_err, stdout) => resolve(stdout)),
  );
}

/** What of ours is on the host: managed containers, our bridges, our netfilter rules. */
async function footprint(): Promise<{ containers: string; bridges: string[]; rules: string[] }> {
  const containers = (await sh('docker', ['ps', '-aq', '--filter', 'label=io.kconform.managed'])).trim();
  const bridges = (await sh('ip', ['-br', 'link', 'show', 'type', 'bridge']))
    .split('\n')
    .filter((l) => l.startsWith('kcf-'));
  const rules = (await sh('iptables-save', [])).split('\n').filter((l) => l.includes('KCONFORM'));
  return { containers, bridges, rules };
}

describe('kconform run against the embedded reference @host', function () {
  this.timeout(RUN_TIMEOUT_MS + STOP_GRACE_MS + 60_000);
  let reportDir: string;
  let stateDirsBefore: Set<string>;
  let footprintBefore: Awaited<ReturnType<typeof footprint>>;

  before(async () => {
    reportDir = mkdtempSync(join(tmpdir(), 'kconform-run-e2e-'));
    stateDirsBefore = new Set(runStateDirs());
    // "As it found it": what another test or a killed process left is not this run's to answer
    // for (the stop-10 CI failure was a guard left by a killed port-forward test); anything the run
    // adds still fails the check below.
    footprintBefore = await footprint();
  });
  after(async function () {
    this.timeout(STOP_GRACE_MS);
    rmSync(reportDir, { recursive: true, force: true });
    // A run that was cut short may leave its cluster: `kconform down` removes it, so the next
    // test starts on a clean host whatever happened here.
    for (const dir of runStateDirs()) {
      if (stateDirsBefore.has(dir) || !existsSync(join(dir, 'cluster.json'))) continue;
      await sh(process.execPath, [join(ROOT, 'bin/kconform.mjs'), 'down', '--state-dir', dir]);
    }
  });

  // With --parallel 4, as a CI job or a vendor would run it: the gate then also covers what only
  // shows when files share the cluster (the port-forward data loss of 39f8582 did), and the run
  // takes about its longest file (the 4-minute liveness observation) instead of ten minutes.
  it('starts the reference, passes every spec of the suite with --parallel 4, writes the reports and leaves nothing behind', async () => {
    const run = await kconform(['run', '--parallel', '4', '--report-dir', reportDir]);
    const lines = run.stdout.trim().split('\n');
    expect(run.code, `exit status; stdout:\n${lines.slice(-15).join('\n')}\nstderr:\n${run.stderr}`).to.equal(
      0,
    );

    // The reference declares every optional feature, so the default mode runs every spec that is
    // not disruptive, and every one of them must pass.
    const expected = [...loadSpecs().values()].filter((s) => !s.tags.includes('disruptive'));
    const results = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as RunResults;
    const failing = results.specs
      .filter((s) => s.status !== 'passed')
      .map((s) => `${s.id}: ${s.status} ${s.message ?? ''}`);
    expect(failing, 'specs that did not pass').to.deep.equal([]);
    expect(results.summary).to.deep.equal({ passed: expected.length, failed: 0, skipped: 0, flaky: 0 });
    expect(results.specs.map((s) => s.id).sort()).to.deep.equal(expected.map((s) => s.id).sort());
    expect(lines.at(-1)).to.match(
      new RegExp(`^kconform: ${expected.length} passed, 0 failed, 0 skipped \\(`),
    );

    const junit = readFileSync(join(reportDir, 'junit.xml'), 'utf8');
    const cases = [...junit.matchAll(/<testcase name="([^"]+)"/g)].map((m) => m[1]);
    expect(cases).to.deep.equal(results.specs.map((s) => s.id));
    expect(junit).to.not.include('<failure');
    expect(readFileSync(join(reportDir, 'results.tap'), 'utf8')).to.match(/^TAP version 13\n1\.\.\d+\n/);
    const apiSpecs = expected.filter((s) => s.area === 'api');
    expect(readFileSync(join(reportDir, 'summary.md'), 'utf8')).to.include(
      `| api | ${apiSpecs.length} | 0 | 0 | 0 | success |`,
    );

    expect(
      await footprint(),
      `the host after the run; its last lines:\n${lines.slice(-8).join('\n')}`,
    ).to.deep.equal(footprintBefore);
  });
});
