// `kconform run --parallel N`: the schedule (pure), and the runner driving real mocha processes over
// a small fixture suite that needs no cluster (harness/test/fixtures/parallel-suite). The fixture's
// tests write a journal of when they start and end, so the test can see which ran side by side:
// two files must meet (each waits for the other's test to start), a `serial` spec must have nothing
// beside it, and the merged reports must say the same as a serial run of the same suite.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../common/src/log.ts';
import type { RunResults } from '../../reports/src/results.ts';
import { knownDurations } from '../src/run/durations.ts';
import { processBudgetMs } from '../src/run/execute.ts';
import { ProgressDisplay } from '../src/run/progress.ts';
import { runConformance } from '../src/run/run.ts';
import { guessDurationMs, scheduleSuite } from '../src/run/schedule.ts';
import { citationsIn, indexSuite, type SuiteFile } from '../src/run/suite-index.ts';
import { spec } from './support/specs.ts';

const quiet = createLogger({ level: 'silent' });
const FIXTURES = fileURLToPath(new URL('fixtures/parallel-suite/', import.meta.url));

describe('kconform run --parallel: the schedule', () => {
  const catalogue = [
    spec('API-A-ONE'),
    spec('API-A-TWO'),
    spec('PROBE-LONG', { tags: ['slow'], timeout: 240_000 }),
    spec('SCHED-LABEL', { tags: ['serial'] }),
    spec('SCHED-CPU'),
    spec('NODE-REBOOT', { tags: ['disruptive'] }),
    spec('OTHER-UNUSED'),
  ];
  const suite: SuiteFile[] = [
    { file: '/s/api.test.ts', citations: ['API-A-ONE', 'API-A-TWO'] },
    { file: '/s/probe.test.ts', citations: ['PROBE-LONG'] },
    { file: '/s/node.test.ts', citations: ['NODE-REBOOT'] },
    { file: '/s/sched.test.ts', citations: ['SCHED-LABEL', 'SCHED-CPU'] },
    { file: '/s/other.test.ts', citations: ['OTHER-UNUSED'] },
  ];
  const selected = catalogue.filter((s) => s.id !== 'OTHER-UNUSED');

  it('reads the spec id each test cites from the source, titles on their own line too', () => {
    const source = [
      "it('[API-A-ONE] first', () => {});",
      'it(\n  "[API-A-TWO] second",\n  () => {},\n);',
      "xit('[API-SKIPPED] not a test of ours');",
      "foo.it('[API-NOT-IT] no');",
      '// a comment about [API-A-ONE] cites nothing',
      'it(`[API-A-ONE] the same spec again`, () => {});',
    ].join('\n');
    expect(citationsIn(source)).to.deep.equal(['API-A-ONE', 'API-A-TWO', 'API-A-ONE']);
    const files = indexSuite([join(FIXTURES, 'alone.suite.ts')]);
    expect(files[0]!.citations).to.deep.equal(['FIXTURE-PAR-SHARED', 'FIXTURE-PAR-ALONE']);
  });

  it('serially: one process with every file that cites a selected spec', () => {
    const schedule = scheduleSuite(suite, selected, 1);
    expect(schedule.parallel).to.have.length(1);
    expect(schedule.parallel[0]!.files).to.deep.equal([
      '/s/api.test.ts',
      '/s/probe.test.ts',
      '/s/node.test.ts',
      '/s/sched.test.ts',
    ]);
    expect(schedule.alone).to.equal(undefined);
    expect(schedule.tests).to.equal(6);
  });

  it('in parallel: a job per file, longest first; serial and disruptive specs alone, disruptive last', () => {
    const schedule = scheduleSuite(suite, selected, 4);
    expect(schedule.parallel.map((j) => [j.files, j.specs.map((s) => s.id)])).to.deep.equal([
      [['/s/probe.test.ts'], ['PROBE-LONG']],
      [['/s/api.test.ts'], ['API-A-ONE', 'API-A-TWO']],
      [['/s/sched.test.ts'], ['SCHED-CPU']],
    ]);
    expect(schedule.alone!.files).to.deep.equal(['/s/sched.test.ts', '/s/node.test.ts']);
    expect(schedule.alone!.specs.map((s) => s.id)).to.deep.equal(['SCHED-LABEL', 'NODE-REBOOT']);
    expect(schedule.tests).to.equal(6);
  });

  it('an earlier run’s durations decide the order before any guess', () => {
    expect(guessDurationMs(spec('X-SLOW', { tags: ['slow'], timeout: 300_000 }))).to.equal(300_000);
    expect(guessDurationMs(spec('X-QUICK', { timeout: 300_000 }))).to.equal(30_000);
    const known = new Map([
      ['API-A-ONE', 400_000],
      ['PROBE-LONG', 500],
    ]);
    const schedule = scheduleSuite(suite, selected, 4, known);
    expect(schedule.parallel.map((j) => j.files[0])).to.deep.equal([
      '/s/api.test.ts',
      '/s/sched.test.ts',
      '/s/probe.test.ts',
    ]);
  });

  it('reads those durations from a results.json, and ignores a missing or foreign file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kconform-durations-'));
    try {
      const file = join(dir, 'results.json');
      expect(knownDurations(file).size).to.equal(0);
      writeFileSync(file, '{"not":"results"}');
      expect(knownDurations(file).size).to.equal(0);
      writeFileSync(
        file,
        JSON.stringify({
          specs: [
            { id: 'A-B-C', status: 'passed', durationMs: 1200, message: '' },
            { id: 'A-B-D', status: 'skipped', durationMs: 0, message: 'x' },
            { id: 'A-B-E', status: 'failed', durationMs: 500, message: 'y' },
          ],
        }),
      );
      expect([...knownDurations(file)]).to.deep.equal([
        ['A-B-C', 1200],
        ['A-B-E', 500],
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives each process its own specs' limits plus room for start-up, again per retry", () => {
    const specs = [spec('A-B-C', { timeout: 10_000 }), spec('A-B-D', { timeout: 20_000 })];
    expect(processBudgetMs(specs)).to.equal(330_000);
    expect(processBudgetMs(specs, 2, 1)).to.equal(2 * 360_000);
  });

  it('the progress shows the expected total until every process has given its count', () => {
    const out: string[] = [];
    const progress = new ProgressDisplay({ out: (l) => out.push(l), processes: 2, expectedTotal: 3 });
    progress.onEvent({ event: 'begin', total: 2 }, 1);
    progress.onEvent(
      { event: 'test-end', title: 'a [A-B-C] x', file: 'f', status: 'passed', durationMs: 1 },
      1,
    );
    progress.onEvent({ event: 'begin', total: 2 }, 2); // a test the sources did not show
    progress.onEvent(
      { event: 'test-end', title: 'a [A-B-D] y', file: 'g', status: 'passed', durationMs: 1 },
      2,
    );
    progress.finish();
    expect(out).to.deep.equal(['[1/3] ok   a [A-B-C] x (1 ms)', '[2/4] ok   a [A-B-D] y (1 ms)']);
  });
});

describe('kconform run --parallel: real mocha processes over a fixture suite', function () {
  this.timeout(240_000);
  const catalogue = [
    spec('FIXTURE-PAR-MEET-A'),
    spec('FIXTURE-PAR-MEET-B'),
    spec('FIXTURE-PAR-SHARED'),
    spec('FIXTURE-PAR-ALONE', { tags: ['serial'] }),
    spec('FIXTURE-PAR-FLAKY'),
    spec('FIXTURE-PAR-FAILS'),
    spec('FIXTURE-PAR-SLOW', { tags: ['slow'], timeout: 600_000 }),
  ];
  const files = ['alone', 'flaky', 'meet-a', 'meet-b', 'slow'].map((f) => join(FIXTURES, `${f}.suite.ts`));
  let dir: string;
  let kubeconfig: string;
  const saved = {
    journal: process.env.KCONFORM_FIXTURE_JOURNAL,
    meet: process.env.KCONFORM_FIXTURE_MEET_MS,
  };

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kconform-parallel-'));
    // Never contacted: the fixture's tests need no cluster, but a run needs a target.
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
        'users: [{name: u, user: {}}]',
        'contexts: [{name: x, context: {cluster: c, user: u}}]',
        'current-context: x',
      ].join('\n'),
    );
  });

  after(() => {
    for (const [name, value] of [
      ['KCONFORM_FIXTURE_JOURNAL', saved.journal],
      ['KCONFORM_FIXTURE_MEET_MS', saved.meet],
    ] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  async function run(name: string, parallel: number, meetMs: number) {
    const journal = join(dir, `${name}.journal`);
    writeFileSync(journal, '');
    // The mocha processes inherit the environment.
    process.env.KCONFORM_FIXTURE_JOURNAL = journal;
    process.env.KCONFORM_FIXTURE_MEET_MS = String(meetMs);
    const out: string[] = [];
    const reportDir = join(dir, name);
    const code = await runConformance(
      {
        kubeconfig,
        list: false,
        parallel,
        retries: 1,
        reportDir,
        events: join(dir, `${name}.events.jsonl`),
        strict: false,
      },
      { out: (line) => out.push(line), log: quiet, cwd: dir },
      {
        specs: () => catalogue,
        suiteFiles: () => files,
        prepareHost: async () => {},
        clusterUp: async () => {
          throw new Error('a kubeconfig run never starts the reference');
        },
        clusterDown: async () => false,
      },
    );
    const results = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as RunResults;
    const lines = readFileSync(journal, 'utf8').trimEnd().split('\n');
    const events = readFileSync(join(dir, `${name}.events.jsonl`), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; spec?: string; process?: number; worker?: number });
    return { code, out, results, lines, events, reportDir };
  }

  /** The tests whose start..end span in the journal overlaps that of `id`. */
  function besides(lines: string[], id: string): string[] {
    const at = (what: string) => lines.indexOf(what);
    const [from, to] = [at(`start ${id}`), at(`end ${id}`)];
    expect(from, `start ${id} in the journal`).to.be.at.least(0);
    return [...new Set(lines.slice(from + 1, to).map((l) => l.split(' ')[1]!))].filter((x) => x !== id);
  }

  it('runs files side by side, a serial spec alone after them, and reports as a serial run does', async () => {
    const parallel = await run('parallel', 3, 60_000);
    expect(parallel.code, parallel.out.join('\n')).to.equal(1); // FIXTURE-PAR-FAILS is a MUST
    expect(parallel.out[0]).to.equal(
      `running 7 spec(s) against kubeconfig ${kubeconfig} (server https://127.0.0.1:1) (3 workers, then 1 spec(s) alone)`,
    );

    // The two meeting tests waited for each other: their files ran at the same time.
    expect(parallel.lines).to.include.members(['met FIXTURE-PAR-MEET-A', 'met FIXTURE-PAR-MEET-B']);
    // The serial spec ran last, with nothing beside it; its file's other spec ran in the parallel phase.
    expect(besides(parallel.lines, 'FIXTURE-PAR-ALONE')).to.deep.equal([]);
    expect(parallel.lines.slice(-2)).to.deep.equal(['start FIXTURE-PAR-ALONE', 'end FIXTURE-PAR-ALONE']);
    expect(parallel.lines).to.include('end FIXTURE-PAR-SHARED');

    // Longest first: the slow spec's file is the first process; every worker took part.
    const starts = parallel.events.filter((e) => e.event === 'test-start');
    expect(starts.find((e) => e.spec === 'FIXTURE-PAR-SLOW')!.process).to.equal(1);
    expect(new Set(starts.map((e) => e.worker))).to.deep.equal(new Set([1, 2, 3]));
    expect(starts.find((e) => e.spec === 'FIXTURE-PAR-ALONE')!.worker).to.equal(1);
    expect(parallel.events[0]!.event).to.equal('run-start');
    expect(parallel.events.at(-1)!.event).to.equal('run-end');

    const byId = Object.fromEntries(parallel.results.specs.map((s) => [s.id, s.status]));
    expect(byId).to.deep.equal({
      'FIXTURE-PAR-MEET-A': 'passed',
      'FIXTURE-PAR-MEET-B': 'passed',
      'FIXTURE-PAR-SHARED': 'passed',
      'FIXTURE-PAR-ALONE': 'passed',
      'FIXTURE-PAR-FLAKY': 'flaky',
      'FIXTURE-PAR-FAILS': 'failed',
      'FIXTURE-PAR-SLOW': 'passed',
    });
    const plain = parallel.out.filter((l) => /^\[\d+\/\d+\] /.test(l));
    expect(plain.at(-1)).to.match(/^\[7\/7\] ok {3}fixture: parallel alone \[FIXTURE-PAR-ALONE\]/);

    // The same suite serially: nothing met, and the reports say the same.
    const serial = await run('serial', 1, 0);
    expect(serial.lines).to.not.include('met FIXTURE-PAR-MEET-A');
    const strip = (r: RunResults) =>
      r.specs.map((s) => ({ id: s.id, status: s.status, message: s.message.split('\n')[0] }));
    expect(strip(parallel.results)).to.deep.equal(strip(serial.results));
    expect(parallel.results.summary).to.deep.equal(serial.results.summary);
    const cases = (reportDir: string) =>
      [...readFileSync(join(reportDir, 'junit.xml'), 'utf8').matchAll(/<testcase name="([^"]+)"/g)].map(
        (m) => m[1],
      );
    expect(cases(parallel.reportDir)).to.deep.equal(cases(serial.reportDir));
    expect(cases(parallel.reportDir)).to.deep.equal(catalogue.map((s) => s.id));
  });
});
