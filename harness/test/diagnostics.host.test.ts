// @host: failure diagnostics for real. A one-node reference cluster runs a small fixture suite
// (harness/test/fixtures/diagnostics-suite) through the runner with --retries 1 and --events: one
// test fails on purpose after its pod restarted, one fails once and then passes. The reports must
// carry the pod's status, events and current and previous logs, in results.json, the JUnit failure
// body, the TAP block and report.html, and call the retried test flaky.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../common/src/log.ts';
import type { Spec } from '../../conformance/lib/specs.ts';
import { clusterDown, clusterUp } from '../../reference/cluster/src/cluster.ts';
import type { RunResults } from '../../reports/src/results.ts';
import { runConformance } from '../src/run/run.ts';

const SUITE = fileURLToPath(new URL('fixtures/diagnostics-suite/failing.suite.ts', import.meta.url));
const quiet = createLogger({ level: 'silent' });

const fixtureSpec = (id: string): Spec => ({
  id,
  area: 'fixture',
  level: 'MUST',
  feature: 'core',
  description: 'a fixture',
  upstream: '',
  timeout: 120_000,
  tags: [],
  stage: 'stable',
  file: SUITE,
});

describe('failure diagnostics through the runner against a real cluster @host', function () {
  this.timeout(600_000);
  let dir: string;
  let kubeconfig: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kconform-diag-'));
    kubeconfig = await clusterUp({ stateDir: join(dir, 'state'), nodes: 1, store: 'embedded', log: quiet });
  });

  after(async () => {
    if (dir) {
      await clusterDown({ stateDir: join(dir, 'state'), log: quiet });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('records pods, events and current and previous logs of a failed test, and a flaky one as flaky', async () => {
    const out: string[] = [];
    const reportDir = join(dir, 'reports');
    const code = await runConformance(
      {
        kubeconfig,
        list: false,
        parallel: 1,
        retries: 1,
        reportDir,
        events: join(dir, 'events.jsonl'),
        strict: false,
      },
      { out: (line) => out.push(line), log: quiet, cwd: dir },
      {
        specs: () => [fixtureSpec('FIXTURE-DIAG-FAIL'), fixtureSpec('FIXTURE-DIAG-FLAKY')],
        suiteFiles: () => [SUITE],
        prepareHost: async () => {},
        clusterUp,
        clusterDown,
      },
    );
    expect(code, out.join('\n')).to.equal(1);
    const results = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as RunResults;
    expect(results.summary).to.deep.equal({ passed: 0, failed: 1, skipped: 0, flaky: 1 });

    const failed = results.specs.find((s) => s.id === 'FIXTURE-DIAG-FAIL')!;
    expect(failed.status).to.equal('failed');
    expect(failed.message).to.equal('this fixture test fails on purpose once its pod has restarted');
    const test = failed.diagnostics[0]!;
    // --retries 1: the first attempt failed too, and has its own diagnostics.
    expect(test.failedAttempts).to.have.length(1);
    const cluster = test.cluster!;
    expect(cluster.namespace).to.match(/^kconform-fixture-diag-/);
    const pod = cluster.pods.find((p) => p.name === 'crasher')!;
    expect(pod.node).to.equal('kconform-node-1');
    expect(pod.podIP).to.match(/^10\.244\./);
    const container = pod.containers[0]!;
    expect(container.restartCount).to.be.greaterThan(0);
    expect(container.lastState).to.match(/^terminated: Error, exit code 3/);
    expect(container.previousLogs).to.match(/diagnostics-fixture says hello from crasher/);
    expect(container.logs).to.match(/diagnostics-fixture says hello from crasher/);
    expect(cluster.events.map((e) => e.reason)).to.include.members(['Scheduled', 'Started']);
    expect(cluster.events.every((e) => e.object.startsWith('Pod/'))).to.equal(true);

    const flaky = results.specs.find((s) => s.id === 'FIXTURE-DIAG-FLAKY')!;
    expect(flaky.status).to.equal('flaky');
    expect(flaky.message).to.equal(
      'passed on attempt 2 after 1 failure(s); first failure: first attempt fails on purpose',
    );

    const junit = readFileSync(join(reportDir, 'junit.xml'), 'utf8');
    expect(junit).to.match(/<failure [^>]*>[^<]*pod crasher: Running \(node kconform-node-1/);
    expect(junit).to.include('previous logs:');
    expect(readFileSync(join(reportDir, 'results.tap'), 'utf8')).to.include('diagnostics-fixture says hello');
    const html = readFileSync(join(reportDir, 'report.html'), 'utf8');
    expect(html).to.include('logs of crasher/main, previous instance');
    expect(out).to.include(
      'kconform: warning: FIXTURE-DIAG-FLAKY is flaky: passed on attempt 2 after 1 failure(s); first failure: first attempt fails on purpose',
    );

    const events = readFileSync(join(dir, 'events.jsonl'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; spec?: string; status?: string });
    expect(events[0]!.event).to.equal('run-start');
    expect(events.at(-1)!.event).to.equal('run-end');
    expect(events.filter((e) => e.event === 'test-start').map((e) => e.spec)).to.deep.equal([
      'FIXTURE-DIAG-FAIL',
      'FIXTURE-DIAG-FAIL',
      'FIXTURE-DIAG-FLAKY',
      'FIXTURE-DIAG-FLAKY',
    ]);
    expect(events.filter((e) => e.event === 'test-end').map((e) => [e.spec, e.status])).to.deep.equal([
      ['FIXTURE-DIAG-FAIL', 'failed'],
      ['FIXTURE-DIAG-FLAKY', 'passed'],
    ]);
  });
});
