import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMANDS } from '../src/commands/index.ts';
import { loadSpecs } from '../../conformance/lib/specs.ts';
import { kconform } from './support/kconform.ts';

describe('kconform CLI arguments', () => {
  it('prints the verbs and exits 2 when no verb is given', async () => {
    const r = await kconform();
    expect(r.code).to.equal(2);
    expect(r.stdout.join('\n')).to.match(/usage: kconform <verb>/);
    for (const c of COMMANDS) expect(r.stdout.join('\n')).to.include(`  ${c.name}`);
  });

  it('--help exits 0', async () => {
    expect((await kconform('--help')).code).to.equal(0);
  });

  for (const verb of ['up', 'down', 'run', 'doctor']) {
    it(`${verb} --help prints its usage and options and exits 0`, async () => {
      const r = await kconform(verb, '--help');
      expect(r.code).to.equal(0);
      expect(r.stdout[0]).to.match(new RegExp(`^usage: kconform ${verb} \\[options\\]`));
      expect(r.stdout[0]).to.include('--verbose');
      expect(r.stderr).to.deep.equal([]);
    });
  }

  const rejected: Array<[string[], string]> = [
    [
      ['deploy'],
      "kconform: unknown verb 'deploy'; known verbs: up, down, run, certify, doctor, report, images",
    ],
    [['up', '--nodes', '0'], 'kconform: up: --nodes 0: must be a whole number from 1 to 16'],
    [['up', '--nodes', 'two'], 'kconform: up: --nodes two: must be a whole number from 1 to 16'],
    [['up', '--nodes', '17'], 'kconform: up: --nodes 17: must be a whole number from 1 to 16'],
    [['up', '--store', 'sqlite'], 'kconform: up: --store sqlite: must be one of embedded, etcd'],
    [['up', '--nodez', '2'], "kconform: up: Unknown option '--nodez'"],
    [['up', 'extra'], "kconform: up: unexpected argument 'extra'"],
    [['up', '--nodes'], "kconform: up: Option '--nodes <value>' argument missing"],
    [['down', '--state-dir', ''], 'kconform: down: --state-dir : must not be empty'],
    [
      ['run', '--focus', '(unclosed'],
      'kconform: run: --focus (unclosed: not a valid regular expression (Invalid regular expression: /(unclosed/: Unterminated group)',
    ],
    [['run', '--parallel', '-1'], "kconform: run: Option '--parallel' argument is ambiguous"],
    [['run', '--parallel', '1.5'], 'kconform: run: --parallel 1.5: must be a whole number from 1 to 32'],
    [['doctor', '--fix=yes'], "kconform: doctor: Option '--fix' does not take an argument"],
  ];
  for (const [argv, message] of rejected) {
    it(`rejects \`kconform ${argv.join(' ')}\` with exit 2 and a reason`, async () => {
      const r = await kconform(...argv);
      expect(r.code).to.equal(2);
      expect(r.stderr[0]).to.equal(message);
      expect(r.stderr[1]).to.match(/^ {2}what to do: kconform/);
    });
  }

  it('run --list exits 0 and lists every api spec that would run, without starting anything', async () => {
    const r = await kconform('run', '--list');
    expect(r.code).to.equal(0);
    const specs = [...loadSpecs().values()].filter((s) => !s.tags.includes('disruptive'));
    expect(r.stdout[0]).to.equal(
      `would run ${specs.length} spec(s) against reference (embedded store, 2 nodes, started for the run):`,
    );
    for (const s of specs) expect(r.stdout.join('\n')).to.match(new RegExp(`^  ${s.id} +${s.area}  `, 'm'));
    expect(r.stderr).to.deep.equal([]);
  });

  it('run --list --focus says why each other spec would not run', async () => {
    const r = await kconform('run', '--list', '--focus', 'API-CRUD-CONFIGMAP');
    expect(r.code).to.equal(0);
    expect(r.stdout[0]).to.match(/^would run 1 spec\(s\)/);
    expect(r.stdout.join('\n')).to.match(
      /^ {2}API-WATCH-RESTART .*\(not selected: neither its id nor its area matches --focus API-CRUD-CONFIGMAP\)$/m,
    );
  });

  it('run with a --kubeconfig that does not exist fails at once with the reason', async () => {
    const r = await kconform('run', '--kubeconfig', '/nonexistent/kubeconfig');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.deep.equal([
      'kconform: run: --kubeconfig /nonexistent/kubeconfig: no such file',
      '  what to do: kconform run --help',
    ]);
    expect(r.stdout).to.deep.equal([]);
  });

  it('run whose --focus selects nothing is a usage error, not a vacuous pass', async () => {
    const r = await kconform('run', '--focus', 'NO-SUCH-SPEC');
    expect(r.code).to.equal(2);
    expect(r.stderr[0]).to.equal(
      'kconform: run: no spec is selected (see `kconform run --list` with the same options)',
    );
  });
});

describe('kconform CLI: run selection flags, report and images', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kconform-cli-unit-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const argv of [
    ['report', 'diff'],
    ['images', 'list'],
    ['images', 'save'],
  ]) {
    it(`${argv.join(' ')} --help prints its usage and exits 0`, async () => {
      const r = await kconform(...argv, '--help');
      expect(r.code).to.equal(0);
      expect(r.stdout[0]).to.match(new RegExp(`^usage: kconform ${argv.join(' ')}( [A-Z]+)* \\[options\\]`));
    });
  }

  it('a group without its sub-command prints the sub-commands and exits 2', async () => {
    const r = await kconform('report');
    expect(r.code).to.equal(2);
    expect(r.stdout[0]).to.match(/^usage: kconform report <diff> \[options\]/);
  });

  it('run --help names every new flag', async () => {
    const help = (await kconform('run', '--help')).stdout[0]!;
    for (const flag of [
      '--context NAME',
      '--mode MODE',
      '--features A,B',
      '--profile FILE',
      '--rerun-failed FILE',
      '--retries N',
      '--timeout-scale F',
      '--events FILE',
    ]) {
      expect(help).to.include(flag);
    }
  });

  const rejected: Array<[string[], string]> = [
    [['run', '--mode', 'fast'], 'kconform: run: --mode fast: must be one of quick, default, certify'],
    [['run', '--retries', '9'], 'kconform: run: --retries 9: must be a whole number from 0 to 5'],
    [['run', '--retries', '-1'], "kconform: run: Option '--retries' argument is ambiguous"],
    [
      ['run', '--timeout-scale', '0'],
      'kconform: run: --timeout-scale 0: must be a number above 0 and at most 100',
    ],
    [
      ['run', '--timeout-scale', 'x2'],
      'kconform: run: --timeout-scale x2: must be a number above 0 and at most 100',
    ],
    [
      ['run', '--features', 'node-port'],
      'kconform: run: --features node-port: must be feature names separated by commas, like NodePort,SessionAffinity',
    ],
    [
      ['run', '--context', 'other'],
      'kconform: run: --context needs --kubeconfig (the reference has one context only)',
    ],
    [
      ['run', '--mode', 'certify', '--focus', 'api'],
      'kconform: run: --mode certify runs every stable spec of the declared features; it cannot be narrowed by --focus',
    ],
    [['report', 'diff', 'a.json'], 'kconform: report diff: missing NEW'],
    [['report', 'diff', 'a', 'b', 'c'], "kconform: report diff: unexpected argument 'c'"],
    [['report', 'frob'], "kconform: report: unknown sub-command 'frob'; known: diff"],
    [['images', 'save'], 'kconform: images save: missing FILE'],
  ];
  for (const [argv, message] of rejected) {
    it(`rejects \`kconform ${argv.join(' ')}\` with exit 2 and a reason`, async () => {
      const r = await kconform(...argv);
      expect(r.code).to.equal(2);
      expect(r.stderr[0]).to.equal(message);
      expect(r.stderr[1]).to.match(/^ {2}what to do: kconform/);
    });
  }

  it('run --features with a feature no spec uses names the known ones', async () => {
    const r = await kconform('run', '--list', '--features', 'NoSuchFeature');
    expect(r.code).to.equal(2);
    expect(r.stderr[0]).to.match(
      /^kconform: run: --features NoSuchFeature: no spec uses the feature NoSuchFeature; the optional features are /,
    );
  });

  it('run --profile with an unknown field or spec id names the file and the field', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'features: []\nregistry: x\n');
    let r = await kconform('run', '--list', '--profile', bad);
    expect(r.code).to.equal(2);
    expect(r.stderr[0]).to.equal(
      `kconform: run: --profile ${bad}: field "registry": unknown field; the fields are name, features, images, skip`,
    );
    writeFileSync(bad, 'skip:\n  - id: API-NO-SUCH-SPEC\n    reason: r\n');
    r = await kconform('run', '--list', '--profile', bad);
    expect(r.stderr[0]).to.equal(
      `kconform: run: --profile ${bad}: field "skip" entry 1: no spec has the id API-NO-SUCH-SPEC`,
    );
  });

  it('run --list --profile shows the profile skips with their reason and the name in the target', async () => {
    const id = [...loadSpecs().values()][0]!.id;
    const profile = join(dir, 'p.json');
    writeFileSync(profile, JSON.stringify({ name: 'acme', skip: [{ id, reason: 'known gap #12' }] }));
    const r = await kconform('run', '--list', '--profile', profile);
    expect(r.code).to.equal(0);
    expect(r.stdout[0]).to.match(/^would run \d+ spec\(s\) against acme: reference/);
    expect(r.stdout.join('\n')).to.match(
      new RegExp(`^  ${id} .*\\(skipped by the profile ${profile}: known gap #12\\)$`, 'm'),
    );
  });

  it('run --list --mode quick runs a small subset and says why the rest would not run', async () => {
    const r = await kconform('run', '--list', '--mode', 'quick');
    expect(r.code).to.equal(0);
    const count = Number(/^would run (\d+) spec/.exec(r.stdout[0]!)![1]);
    expect(count).to.be.greaterThan(0).and.lessThan(loadSpecs().size);
    expect(r.stdout.join('\n')).to.include('(not in the smoke subset of --mode quick)');
  });

  it('run --rerun-failed with nothing failed says so and exits 0', async () => {
    const file = join(dir, 'results.json');
    writeFileSync(file, JSON.stringify({ specs: [{ id: 'API-X-Y', status: 'passed', message: '' }] }));
    const r = await kconform('run', '--rerun-failed', file);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.deep.equal([`nothing to rerun: no spec failed in ${file}`]);
  });

  it('run --rerun-failed with a file that is not results.json is a usage error', async () => {
    const file = join(dir, 'other.json');
    writeFileSync(file, '{"items": []}');
    const r = await kconform('run', '--rerun-failed', file);
    expect(r.code).to.equal(2);
    expect(r.stderr[0]).to.equal(
      `kconform: run: --rerun-failed ${file}: not a kconform results.json (no "specs" list)`,
    );
  });

  it('report diff exits 1 on a regression, 0 without, and 2 for a file that is not results', async () => {
    const write = (name: string, statuses: Record<string, string>) => {
      const file = join(dir, name);
      const specs = Object.entries(statuses).map(([id, status]) => ({
        id,
        area: 'api',
        level: 'MUST',
        feature: 'core',
        stage: 'stable',
        status,
        durationMs: 1,
        message: status === 'failed' ? 'boom' : status === 'skipped' ? 'why' : '',
        diagnostics: [],
      }));
      writeFileSync(file, JSON.stringify({ target: 't', specs }));
      return file;
    };
    const old = write('old.json', { 'API-A-B': 'passed', 'API-C-D': 'failed' });
    const worse = write('worse.json', { 'API-A-B': 'failed', 'API-C-D': 'passed' });
    let r = await kconform('report', 'diff', old, worse);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.deep.equal([
      `comparing ${old} (old) with ${worse} (new)`,
      'newly failing (1):',
      '  API-A-B (MUST, api): passed → failed: boom',
      'newly passing (1):',
      '  API-C-D (MUST, api): failed → passed',
      'regression: 1 spec(s) newly failing: API-A-B',
    ]);
    r = await kconform('report', 'diff', worse, old);
    expect(r.code).to.equal(1);
    r = await kconform('report', 'diff', old, old);
    expect(r.code).to.equal(0);
    expect(r.stdout.slice(1)).to.deep.equal([
      'still failing (1): API-C-D',
      'no change in any spec status',
      'no regression',
    ]);
    r = await kconform('report', 'diff', old, join(dir, 'missing.json'));
    expect(r.code).to.equal(2);
    expect(r.stderr[0]).to.equal(
      `kconform: report diff: NEW ${join(dir, 'missing.json')}: cannot read it (ENOENT)`,
    );
  });
});
