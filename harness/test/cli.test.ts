import { expect } from 'chai';
import { main, type CliIO } from '../src/cli.ts';
import { COMMANDS } from '../src/commands/index.ts';

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

  for (const verb of ['run']) {
    it(`${verb} with valid arguments says it is not implemented yet (exit 3), never fakes success`, async () => {
      const r = await kconform(verb);
      expect(r.code).to.equal(3);
      expect(r.stderr[0]).to.match(new RegExp(`^kconform: kconform ${verb} is not implemented yet: .+`));
      expect(r.stdout).to.deep.equal([]);
    });
  }
});
