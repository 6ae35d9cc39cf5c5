import { expect } from 'chai';
import { main, type CliIO } from '../src/cli.ts';
import { COMMANDS } from '../src/commands/index.ts';
import { loadSpecs } from '../../conformance/lib/specs.ts';

interface Captured {
  code: number;
  stdout: string[];
  stderr: string[];
}

async function kconform(...argv: string[]): Promise<Captured> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIO = {
    stdout: (l) => stdout.push(l),
    stderr: (l) => stderr.push(l),
    env: {},
    cwd: process.cwd(),
    logSink: () => {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

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
    [['deploy'], "kconform: unknown verb 'deploy'; known verbs: up, down, run, doctor"],
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
    const specs = [...loadSpecs().values()].filter((s) => s.area === 'api');
    expect(r.stdout[0]).to.equal(
      `would run ${specs.length} spec(s) against reference (embedded store, 2 nodes, started for the run):`,
    );
    for (const s of specs) expect(r.stdout.join('\n')).to.match(new RegExp(`^  ${s.id} +api  `, 'm'));
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
