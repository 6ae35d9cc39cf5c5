// The runner's selection and accounting without a cluster: modes, features, profiles, rerun of
// failures, provisional and flaky specs in the verdict, the progress display and the events file.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Spec } from '../../conformance/lib/specs.ts';
import type { RunResults, SpecResult } from '../../reports/src/results.ts';
import { EventsFile } from '../src/run/events.ts';
import { verdict } from '../src/run/exit-status.ts';
import { parseEventLine } from '../src/run/execute.ts';
import { planRun, quickSubset } from '../src/run/plan.ts';
import { loadProfile } from '../src/run/profile.ts';
import { formatDuration, ProgressDisplay } from '../src/run/progress.ts';
import { externalTarget, suiteKubeconfig } from '../src/run/target.ts';
import { KubeConfig } from '@kubernetes/client-node';
import { spec } from './support/specs.ts';

const CATALOGUE = [
  spec('API-A-ONE'),
  spec('API-A-TWO', { tags: ['slow'] }),
  spec('API-A-THREE'),
  spec('API-A-FOUR'),
  spec('PROBE-B-ONE', { tags: ['smoke'] }),
  spec('PROBE-B-TWO'),
  spec('NODE-C-DISRUPT', { tags: ['disruptive'] }),
  spec('NODE-C-PROVISIONAL', { stage: 'provisional' }),
  spec('SERVICE-D-NODEPORT', { feature: 'NodePort' }),
];
const ids = (specs: readonly Spec[]) => specs.map((s) => s.id);

describe('kconform run: modes', () => {
  it('quick takes the smoke-tagged specs, or the first light stable MUST core specs of an area', () => {
    expect([...quickSubset(CATALOGUE)].sort()).to.deep.equal(['API-A-ONE', 'API-A-THREE', 'PROBE-B-ONE']);
    const plan = planRun(CATALOGUE, { features: 'all', mode: 'quick' });
    expect(ids(plan.selected)).to.deep.equal(['API-A-ONE', 'API-A-THREE', 'PROBE-B-ONE']);
    expect(plan.excluded.find((e) => e.spec.id === 'API-A-FOUR')!.reason).to.equal(
      'not in the smoke subset of --mode quick',
    );
  });

  it('default runs everything but disruptive specs, saying why', () => {
    const plan = planRun(CATALOGUE, { features: 'all' });
    expect(plan.excluded.map((e) => [e.spec.id, e.reason])).to.deep.equal([
      ['NODE-C-DISRUPT', 'tagged disruptive: runs only with --mode certify'],
    ]);
  });

  it('certify runs every spec of the declared features, disruptive and provisional ones too', () => {
    const plan = planRun(CATALOGUE, { features: new Set(['core']), mode: 'certify' });
    expect(plan.excluded.map((e) => [e.spec.id, e.reason])).to.deep.equal([
      ['SERVICE-D-NODEPORT', 'the target does not declare support for NodePort'],
    ]);
    expect(ids(plan.selected)).to.include.members(['NODE-C-DISRUPT', 'NODE-C-PROVISIONAL']);
  });

  it('--rerun-failed runs only the failed ids, and a profile skip gives its reason', () => {
    const plan = planRun(CATALOGUE, {
      features: 'all',
      rerun: { ids: new Set(['API-A-ONE', 'PROBE-B-TWO']), source: '/r/results.json' },
      profileSkips: new Map([['PROBE-B-TWO', 'skipped by the profile p.yaml: known gap']]),
    });
    expect(ids(plan.selected)).to.deep.equal(['API-A-ONE']);
    const reasons = new Map(plan.excluded.map((e) => [e.spec.id, e.reason]));
    expect(reasons.get('PROBE-B-TWO')).to.equal('skipped by the profile p.yaml: known gap');
    expect(reasons.get('API-A-TWO')).to.equal('did not fail in /r/results.json (--rerun-failed)');
  });
});

describe('kconform run: verdict with provisional and flaky specs', () => {
  const results = (specs: Array<Partial<SpecResult> & Pick<SpecResult, 'id' | 'status'>>): RunResults => ({
    target: 't',
    kconformVersion: 'v',
    started: '',
    finished: '',
    summary: { passed: 0, failed: 0, skipped: 0, flaky: 0 },
    specs: specs.map((s) => ({
      area: 'api',
      level: 'MUST',
      feature: 'core',
      stage: 'stable',
      durationMs: 0,
      message: '',
      diagnostics: [],
      ...s,
    })),
  });

  it('a provisional MUST failure never fails the run, and is warned about', () => {
    const v = verdict(results([{ id: 'API-P-X', status: 'failed', stage: 'provisional' }]), {
      strict: true,
      runnerProblems: [],
    });
    expect(v).to.deep.equal({
      code: 0,
      warnings: [
        'kconform: warning: provisional spec API-P-X (provisional) failed (never counts toward the result)',
      ],
    });
  });

  it('a flaky spec does not fail the run but is named in a warning', () => {
    const v = verdict(results([{ id: 'API-F-X', status: 'flaky', message: 'passed on attempt 2\nmore' }]), {
      strict: true,
      runnerProblems: [],
    });
    expect(v).to.deep.equal({
      code: 0,
      warnings: ['kconform: warning: API-F-X is flaky: passed on attempt 2'],
    });
  });
});

describe('kconform run: profiles, targets and contexts', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kconform-run-options-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a YAML profile: name, features, images and skip list', () => {
    const file = join(dir, 'acme.yaml');
    writeFileSync(
      file,
      'name: acme\nfeatures: [NodePort]\nimages:\n  busybox: registry.acme.example/busybox:1\n' +
        'skip:\n  - API-A-ONE\n  - id: PROBE-B-TWO\n    reason: known gap\n',
    );
    const profile = loadProfile(file, CATALOGUE);
    expect(profile.name).to.equal('acme');
    expect(profile.features).to.deep.equal(['NodePort']);
    expect(profile.images).to.deep.equal({ busybox: 'registry.acme.example/busybox:1' });
    expect([...profile.skip]).to.deep.equal([
      ['API-A-ONE', `skipped by the profile ${file}: listed in its skip list`],
      ['PROBE-B-TWO', `skipped by the profile ${file}: known gap`],
    ]);
  });

  const refused: Array<[string, string]> = [
    [
      'features: [Nope]',
      'field "features": no spec uses the feature Nope; the optional features are NodePort',
    ],
    ['images: {alpine: x}', 'field "images": no image is called "alpine"; the images are busybox'],
    ['skip: [{id: API-A-ONE}]', 'field "skip" entry 1: "reason" must be a sentence'],
    ['- a list', 'must be a mapping with the fields name, features, images, skip'],
    ['features: [', 'not valid YAML or JSON: '],
  ];
  for (const [text, problem] of refused) {
    it(`refuses a profile "${text}" naming the file and the field`, () => {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, text + '\n');
      expect(() => loadProfile(file, CATALOGUE)).to.throw(`run: --profile ${file}: ${problem}`);
    });
  }

  const kubeconfig = (file: string) =>
    writeFileSync(
      file,
      'apiVersion: v1\nkind: Config\nclusters:\n' +
        '- {name: a, cluster: {server: "https://127.0.0.1:1"}}\n- {name: b, cluster: {server: "https://127.0.0.1:2"}}\n' +
        'contexts:\n- {name: one, context: {cluster: a, user: u}}\n- {name: two, context: {cluster: b, user: u}}\n' +
        'users: [{name: u, user: {token: secret-token}}]\ncurrent-context: one\n',
    );

  it('--context picks another context; the suite gets a copy whose current context it is', () => {
    const file = join(dir, 'kc.yaml');
    kubeconfig(file);
    const target = externalTarget(file, 'two', ['NodePort']);
    expect(target.description).to.equal(`kubeconfig ${file} context two (server https://127.0.0.1:2)`);
    expect(target.features).to.deep.equal(new Set(['core', 'NodePort']));
    const copy = suiteKubeconfig({ ...target, kubeconfig: file }, dir);
    expect(copy).to.not.equal(file);
    const kc = new KubeConfig();
    kc.loadFromFile(copy);
    expect(kc.getCurrentContext()).to.equal('two');
    expect(kc.getCurrentCluster()!.server).to.equal('https://127.0.0.1:2');
    expect(kc.getCurrentUser()!.token).to.equal('secret-token');
    expect(suiteKubeconfig({ ...externalTarget(file), kubeconfig: file }, dir)).to.equal(file);
  });

  it('--context that the kubeconfig does not have names the ones it has', () => {
    const file = join(dir, 'kc2.yaml');
    kubeconfig(file);
    expect(() => externalTarget(file, 'three')).to.throw(
      `run: --context three: ${file} has no such context; its contexts are one, two`,
    );
  });
});

describe('kconform run: progress and events', () => {
  it('reads reporter event lines and ignores other output', () => {
    expect(parseEventLine('KCONFORM-EVENT {"event":"begin","total":3}')).to.deep.equal({
      event: 'begin',
      total: 3,
    });
    expect(parseEventLine('KCONFORM-EVENT {broken')).to.equal(undefined);
    expect(parseEventLine('some warning')).to.equal(undefined);
  });

  it('prints one plain line per finished test when not on a terminal', () => {
    const out: string[] = [];
    const progress = new ProgressDisplay({ out: (l) => out.push(l), processes: 2, now: () => 0 });
    progress.onEvent({ event: 'begin', total: 2 }, 1);
    progress.onEvent({ event: 'test-start', title: 'api [API-A-ONE] x', file: 'f', attempt: 1 }, 1);
    progress.onEvent(
      { event: 'test-end', title: 'api [API-A-ONE] x', file: 'f', status: 'passed', durationMs: 5 },
      1,
    );
    progress.onEvent({ event: 'begin', total: 1 }, 2);
    progress.onEvent(
      {
        event: 'test-retry',
        title: 'probe [PROBE-B-ONE] y',
        file: 'g',
        durationMs: 7,
        message: 'refused\nstack',
      },
      2,
    );
    progress.onEvent(
      { event: 'test-end', title: 'probe [PROBE-B-ONE] y', file: 'g', status: 'failed', durationMs: 9 },
      2,
    );
    progress.finish();
    expect(out).to.deep.equal([
      '[1/?] ok   api [API-A-ONE] x (5 ms)',
      'retry probe [PROBE-B-ONE] y (7 ms): refused',
      '[2/3] FAIL probe [PROBE-B-ONE] y (9 ms)',
    ]);
  });

  it('on a terminal keeps one live line: done/total, failures, time left, the current test', () => {
    const out: string[] = [];
    const drawn: string[] = [];
    let now = 0;
    const progress = new ProgressDisplay({
      out: (l) => out.push(l),
      processes: 1,
      now: () => now,
      terminal: { write: (t) => drawn.push(t), columns: 200 },
      redrawMs: 60_000,
    });
    progress.onEvent({ event: 'begin', total: 4 }, 1);
    progress.onEvent({ event: 'test-start', title: 'api [API-A-ONE] x', file: 'f', attempt: 1 }, 1);
    now = 10_000;
    progress.onEvent(
      { event: 'test-end', title: 'api [API-A-ONE] x', file: 'f', status: 'failed', durationMs: 10_000 },
      1,
    );
    progress.onEvent({ event: 'test-start', title: 'api [API-A-TWO] y', file: 'f', attempt: 1 }, 1);
    expect(progress.liveLine()).to.equal('[1/4] · 1 failed · ~30s left · API-A-TWO');
    expect(drawn.at(-1)).to.equal('\r\x1b[2K[1/4] · 1 failed · ~30s left · API-A-TWO');
    expect(out).to.deep.equal(['[1/4] FAIL api [API-A-ONE] x (10000 ms)']); // passes stay off the scroll-back
    progress.finish();
    expect(drawn.at(-1)).to.equal('\r\x1b[2K');
  });

  it('formats durations for people', () => {
    expect([
      formatDuration(400),
      formatDuration(42_000),
      formatDuration(185_000),
      formatDuration(3_720_000),
    ]).to.deep.equal(['0s', '42s', '3m05s', '1h02m']);
  });

  it('--events writes one complete JSON line per test start, retry and end, with the spec id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kconform-events-'));
    try {
      const file = join(dir, 'events.jsonl');
      const events = new EventsFile(file, () => new Date(0));
      events.write({ event: 'run-start', specs: 1 });
      events.suiteEvent({ event: 'begin', total: 1 }, 1);
      events.suiteEvent({ event: 'test-start', title: 'api [API-A-ONE] x', file: 'f', attempt: 1 }, 1);
      events.suiteEvent(
        { event: 'test-end', title: 'api [API-A-ONE] x', file: 'f', status: 'passed', durationMs: 3 },
        1,
      );
      const lines = readFileSync(file, 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown);
      events.close();
      expect(lines).to.deep.equal([
        { time: '1970-01-01T00:00:00.000Z', event: 'run-start', specs: 1 },
        {
          time: '1970-01-01T00:00:00.000Z',
          event: 'test-start',
          process: 1,
          spec: 'API-A-ONE',
          title: 'api [API-A-ONE] x',
          file: 'f',
          attempt: 1,
        },
        {
          time: '1970-01-01T00:00:00.000Z',
          event: 'test-end',
          process: 1,
          spec: 'API-A-ONE',
          title: 'api [API-A-ONE] x',
          file: 'f',
          status: 'passed',
          durationMs: 3,
        },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
