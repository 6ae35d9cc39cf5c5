// The suite runner's logic without a cluster: selection, the mocha command, turning test results
// into spec results, the exit rules, the kubeconfig check and the reference's clean-up.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../common/src/log.ts';
import { retryUntil } from '../../common/src/wait.ts';
import type { RunResults } from '../../reports/src/results.ts';
import { collectResults, specIdOf } from '../src/run/collect.ts';
import { verdict } from '../src/run/exit-status.ts';
import { executeSuite, mochaArgs, suiteFiles } from '../src/run/execute.ts';
import { formatPlan, grepFor, planRun } from '../src/run/plan.ts';
import { runConformance } from '../src/run/run.ts';
import { externalTarget, withReference } from '../src/run/target.ts';
import { spec } from './support/specs.ts';

const quiet = createLogger({ level: 'silent' });

const CATALOGUE = [
  spec('API-CRUD-CONFIGMAP'),
  spec('API-WATCH-RESTART', { level: 'SHOULD' }),
  spec('SERVICE-AFFINITY-CLIENTIP', { feature: 'SessionAffinity' }),
  spec('SERVICE-CLUSTERIP'),
];

describe('kconform run: plan', () => {
  it('selects everything for the reference, in catalogue order', () => {
    const plan = planRun(CATALOGUE, { features: 'all' });
    expect(plan.selected.map((s) => s.id)).to.deep.equal(CATALOGUE.map((s) => s.id));
    expect(plan.excluded).to.deep.equal([]);
  });

  it('--focus and --skip match the id or the area, and each exclusion says why', () => {
    const plan = planRun(CATALOGUE, { focus: /^service$|WATCH/, skip: /CLUSTERIP/, features: 'all' });
    expect(plan.selected.map((s) => s.id)).to.deep.equal(['API-WATCH-RESTART', 'SERVICE-AFFINITY-CLIENTIP']);
    expect(plan.excluded.map((e) => [e.spec.id, e.reason])).to.deep.equal([
      ['API-CRUD-CONFIGMAP', 'not selected: neither its id nor its area matches --focus ^service$|WATCH'],
      ['SERVICE-CLUSTERIP', 'left out: its id or area matches --skip CLUSTERIP'],
    ]);
  });

  it('skips a spec whose optional feature the target does not declare', () => {
    const plan = planRun(CATALOGUE, { features: new Set(['core']) });
    expect(plan.excluded.map((e) => [e.spec.id, e.reason])).to.deep.equal([
      ['SERVICE-AFFINITY-CLIENTIP', 'the target does not declare support for SessionAffinity'],
    ]);
  });

  it('builds a --grep that matches exactly the cited ids', () => {
    const grep = new RegExp(grepFor([CATALOGUE[0]!, CATALOGUE[3]!]));
    expect(grep.test('api: crud [API-CRUD-CONFIGMAP] a ConfigMap')).to.equal(true);
    expect(grep.test('service [SERVICE-CLUSTERIP] x')).to.equal(true);
    expect(grep.test('api: crud [API-CRUD-CONFIGMAP-2] x')).to.equal(false);
    expect(grep.test('api: watch [API-WATCH-RESTART] x')).to.equal(false);
  });

  it('--list shows what would run, and what would not with the reason', () => {
    const lines = formatPlan(planRun(CATALOGUE, { skip: /^api$/, features: 'all' }), 'the reference');
    expect(lines[0]).to.equal('would run 2 spec(s) against the reference:');
    expect(lines[1]).to.equal('  SERVICE-AFFINITY-CLIENTIP  service  MUST    SessionAffinity');
    expect(lines[3]).to.equal('would not run 2 spec(s):');
    expect(lines[4]).to.match(
      /^ {2}API-CRUD-CONFIGMAP .*\(left out: its id or area matches --skip \^api\$\)$/,
    );
  });
});

describe('kconform run: executing the suite', () => {
  it('finds the suite files', () => {
    const files = suiteFiles();
    expect(files.length).to.be.greaterThan(0);
    expect(files.every((f) => f.endsWith('.test.ts') && f.includes('/conformance/suites/'))).to.equal(true);
  });

  it('runs mocha without the project config, through tsx, with the results reporter and the grep', () => {
    const args = mochaArgs(['x.test.ts'], 'G', '/tmp/r.json');
    expect(args[0]).to.equal('--import=tsx');
    expect(args[1]).to.match(/node_modules\/mocha\/lib\/cli\/cli\.js$/);
    expect(args.slice(2, 7)).to.deep.equal(['--no-config', '--extension', 'ts', '--exit', '--reporter']);
    expect(args[7]).to.match(/harness\/src\/testing\/results-reporter\.cjs$/);
    expect(args.slice(8)).to.deep.equal([
      '--reporter-option',
      'output=/tmp/r.json',
      '--grep',
      'G',
      '--timeout',
      '60000',
      'x.test.ts',
    ]);
  });
});

describe('kconform run: interrupting mocha processes', () => {
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'kconform-interrupt-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stops a running mocha process and what its tests started, at once, when the run is interrupted', async function () {
    this.timeout(60_000);
    // A test that starts a long child process (as suite tests start kubectl) and never ends.
    const pidFile = join(dir, 'sleep.pid');
    const testFile = join(dir, 'hang.test.ts');
    writeFileSync(
      testFile,
      `import { spawn } from 'node:child_process';\n` +
        `import { writeFileSync } from 'node:fs';\n` +
        `it('[HANG-FOREVER] never ends', async function () {\n` +
        `  this.timeout(0);\n` +
        `  const child = spawn('sleep', ['300'], { stdio: 'ignore' });\n` +
        `  writeFileSync(${JSON.stringify(pidFile)}, String(child.pid));\n` +
        `  await new Promise(() => {});\n` +
        `});\n`,
    );
    const controller = new AbortController();
    const started = Date.now();
    const execution = executeSuite({
      schedule: {
        parallel: [{ files: [testFile], specs: [spec('HANG-FOREVER')], tests: 1, estimateMs: 1 }],
      } as Parameters<typeof executeSuite>[0]['schedule'],
      kubeconfig: '/nonexistent',
      workDir: dir,
      parallel: 1,
      log: quiet,
      onEvent: () => {},
      signal: controller.signal,
    });
    const sleepPid = await retryUntil(
      async () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : 0),
      {
        what: 'the test to start its child',
        timeoutMs: 30_000,
        done: (pid) => pid > 0,
      },
    );
    controller.abort();
    const ended = await execution;
    expect(ended.problems.join('\n')).to.match(/interrupted/);
    expect(Date.now() - started, 'ms until the run ended').to.be.below(40_000);
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    // It got the signal with its group; give it a moment to be gone (and reaped).
    const gone = await retryUntil(async () => !alive(sleepPid), {
      what: `the test's child ${sleepPid} to be gone`,
      timeoutMs: 10_000,
      intervalMs: 100,
      done: (g) => g,
    }).catch(() => false);
    expect(gone, 'the child the test started is gone').to.equal(true);
  });
});

describe('kconform run: results and exit status', () => {
  const collect = (tests: Parameters<typeof collectResults>[0]['tests'], problems: string[] = []) =>
    collectResults({
      catalogue: CATALOGUE,
      plan: planRun(CATALOGUE, { features: new Set(['core']) }),
      tests,
      problems,
      target: 't',
      kconformVersion: '0.1.0',
      started: new Date(0),
      finished: new Date(1000),
    });
  const test = (title: string, status: 'passed' | 'failed', more = {}) => ({
    title,
    file: 'f.test.ts',
    status,
    durationMs: 5,
    retries: 0,
    ...more,
  });

  it('reads the cited id from a full title', () => {
    expect(specIdOf('api: crud [API-CRUD-CONFIGMAP] a ConfigMap')).to.equal('API-CRUD-CONFIGMAP');
    expect(specIdOf('a title citing nothing')).to.equal(undefined);
  });

  it('gives every catalogue spec a status: results for what ran, a reason for the rest', () => {
    const results = collect([
      test('api [API-CRUD-CONFIGMAP] x', 'passed', {
        retries: 1,
        failedAttempts: [{ durationMs: 3, message: 'first try: refused' }],
      }),
      test('api [API-WATCH-RESTART] y', 'failed', { message: 'boom', error: 'Error: boom\n  at y' }),
    ]);
    expect(results.specs.map((s) => [s.id, s.status, s.message])).to.deep.equal([
      [
        'API-CRUD-CONFIGMAP',
        'flaky',
        'passed on attempt 2 after 1 failure(s); first failure: first try: refused',
      ],
      ['API-WATCH-RESTART', 'failed', 'boom'],
      ['SERVICE-AFFINITY-CLIENTIP', 'skipped', 'the target does not declare support for SessionAffinity'],
      ['SERVICE-CLUSTERIP', 'skipped', 'no test in conformance/suites cites this spec'],
    ]);
    expect(results.summary).to.deep.equal({ passed: 0, failed: 1, skipped: 2, flaky: 1 });
    expect(results.specs[0]!.diagnostics[0]!.status).to.equal('flaky');
    expect(results.specs[1]!.diagnostics[0]!.error).to.equal('Error: boom\n  at y');
    expect(results.started).to.equal('1970-01-01T00:00:00.000Z');
  });

  it('says a spec did not run because the suite crashed, when it did', () => {
    const results = collect(
      [],
      ['mocha process 1 (a.test.ts) exited with 1 before writing results:\nSyntaxError'],
    );
    expect(results.specs[0]!.message).to.equal(
      'no test ran: mocha process 1 (a.test.ts) exited with 1 before writing results:',
    );
  });

  const withStatuses = (levels: Array<['MUST' | 'SHOULD', 'passed' | 'failed' | 'skipped']>): RunResults => ({
    target: 't',
    kconformVersion: 'v',
    started: '',
    finished: '',
    summary: { passed: 0, failed: 0, skipped: 0, flaky: 0 },
    specs: levels.map(([level, status], i) => ({
      id: `API-X-${i}`,
      area: 'api',
      level,
      feature: 'core',
      status,
      durationMs: 0,
      message: '',
      diagnostics: [],
    })),
  });

  it('exits 0 when every MUST that ran passed, skipped ones aside', () => {
    const v = verdict(
      withStatuses([
        ['MUST', 'passed'],
        ['MUST', 'skipped'],
      ]),
      { strict: false, runnerProblems: [] },
    );
    expect(v).to.deep.equal({ code: 0, warnings: [] });
  });

  it('exits 1 when a MUST failed', () => {
    expect(verdict(withStatuses([['MUST', 'failed']]), { strict: false, runnerProblems: [] }).code).to.equal(
      1,
    );
  });

  it('a SHOULD failure is a warning, and fails the run with --strict', () => {
    const results = withStatuses([
      ['MUST', 'passed'],
      ['SHOULD', 'failed'],
    ]);
    expect(verdict(results, { strict: false, runnerProblems: [] })).to.deep.equal({
      code: 0,
      warnings: ['kconform: warning: SHOULD spec API-X-1 failed (fails the run only with --strict)'],
    });
    expect(verdict(results, { strict: true, runnerProblems: [] })).to.deep.equal({ code: 1, warnings: [] });
  });

  it('a suite that did not run to its end never exits 0', () => {
    expect(
      verdict(withStatuses([['MUST', 'passed']]), { strict: false, runnerProblems: ['crash'] }).code,
    ).to.equal(1);
  });
});

describe('kconform run: targets', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kconform-run-unit-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a kubeconfig that is missing, a folder, or names no cluster', () => {
    const message = (path: string) => {
      try {
        externalTarget(path);
        return 'accepted';
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(message(join(dir, 'nope'))).to.equal(`run: --kubeconfig ${join(dir, 'nope')}: no such file`);
    expect(message(dir)).to.equal(`run: --kubeconfig ${dir}: not a file`);
    const empty = join(dir, 'empty.yaml');
    writeFileSync(empty, 'apiVersion: v1\nkind: Config\ncurrent-context: x\n');
    expect(message(empty)).to.match(/names no cluster$/);
  });

  it('accepts a kubeconfig with a current cluster; core features only', () => {
    const file = join(dir, 'kc.yaml');
    writeFileSync(
      file,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\n' +
        'contexts: [{name: x, context: {cluster: c, user: u}}]\nusers: [{name: u, user: {token: t}}]\n' +
        'current-context: x\n',
    );
    const target = externalTarget(file);
    expect(target.description).to.equal(`kubeconfig ${file} (server https://127.0.0.1:1)`);
    expect(target.features).to.deep.equal(new Set(['core']));
  });

  it('stops the reference after the run even when the run throws', async () => {
    const calls: string[] = [];
    const deps = {
      prepareHost: async () => void calls.push('prepare'),
      clusterUp: async () => (calls.push('up'), '/kubeconfig'),
      clusterDown: async () => (calls.push('down'), true),
      log: quiet,
      progress: () => {},
    };
    const err = await withReference(deps, async (kc) => {
      calls.push(`use ${kc}`);
      throw new Error('suite blew up');
    }).catch((e: Error) => e);
    expect((err as Error).message).to.equal('suite blew up');
    expect(calls).to.deep.equal(['prepare', 'up', 'use /kubeconfig', 'down']);
  });

  it('on SIGINT stops the suite, still stops the reference, writes reports and exits 130', async () => {
    const listeners = new Map<string, (s: string) => void>();
    const signals = {
      on: (name: string, fn: (s: string) => void) => listeners.set(name, fn),
      off: (name: string) => listeners.delete(name),
    } as unknown as Pick<NodeJS.Process, 'on' | 'off'>;
    const calls: string[] = [];
    const out: string[] = [];
    const code = await runConformance(
      { list: false, parallel: 1, reportDir: join(dir, 'interrupted'), strict: false },
      { out: (l) => out.push(l), log: quiet, cwd: dir },
      {
        specs: () => CATALOGUE,
        signals,
        prepareHost: async () => {},
        clusterUp: async () => {
          listeners.get('SIGINT')!('SIGINT'); // the user presses ^C while the cluster starts
          calls.push('up');
          return '/kubeconfig';
        },
        clusterDown: async () => (calls.push('down'), true),
      },
    );
    expect(code).to.equal(130);
    expect(calls).to.deep.equal(['up', 'down']);
    expect(listeners.size).to.equal(0);
    expect(out).to.include('kconform: SIGINT: stopping the suite and the reference cluster');
    expect(out.at(-1)).to.equal('kconform: 0 passed, 0 failed, 4 skipped (api: 0/0, service: 0/0)');
  });
});
