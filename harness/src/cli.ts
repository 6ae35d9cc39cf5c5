// The kconform command line: picks the verb, parses its options, runs it, and turns errors into
// a message with its reason and what to do, and an exit code. Nothing here prints a stack trace
// for a failure a user can act on.
import { isKconformError, KconformError } from '../../common/src/errors.ts';
import { createLogger, levelFromEnv, type LogSink } from '../../common/src/log.ts';
import { parseVerbArgs, renderHelp } from './args.ts';
import { COMMANDS } from './commands/index.ts';
import type { CommandIO } from './commands/command.ts';

export interface CliIO {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where log records go; stderr by default. */
  logSink?: LogSink;
}

const defaultIO: CliIO = {
  stdout: (line) => process.stdout.write(line + '\n'),
  stderr: (line) => process.stderr.write(line + '\n'),
  env: process.env,
  cwd: process.cwd(),
};

export function topLevelHelp(): string {
  const verbs = COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary.split('\n')[0]}`).join('\n');
  return (
    'usage: kconform <verb> [options]\n\n' +
    'A conformance kit for Kubernetes-style orchestrators: a reference cluster and a spec-driven suite.\n\n' +
    `verbs:\n${verbs}\n\n` +
    "Run `kconform <verb> --help` for a verb's options. Logs: --verbose or KCONFORM_LOG=debug|info|warn|error.\n"
  );
}

/** Runs one kconform invocation and resolves with its exit code. */
export async function main(argv: string[], io: CliIO = defaultIO): Promise<number> {
  const [verbName, ...rest] = argv;
  if (verbName === undefined || verbName === '--help' || verbName === '-h' || verbName === 'help') {
    io.stdout(topLevelHelp());
    return verbName === undefined ? 2 : 0;
  }
  try {
    const command = COMMANDS.find((c) => c.name === verbName);
    if (!command) {
      throw new KconformError(
        'USAGE',
        { detail: `unknown verb '${verbName}'; known verbs: ${COMMANDS.map((c) => c.name).join(', ')}` },
        { hint: 'kconform --help' },
      );
    }
    const options = parseVerbArgs(command, rest);
    if (options.help) {
      io.stdout(renderHelp(command));
      return 0;
    }
    const level = options.verbose ? 'debug' : levelFromEnv(io.env);
    const log = createLogger({
      level,
      ...(io.logSink ? { sink: io.logSink } : {}),
      fields: { verb: command.name },
    });
    const commandIO: CommandIO = { out: io.stdout, log, env: io.env, cwd: io.cwd };
    return await command.run(options, commandIO);
  } catch (err) {
    if (isKconformError(err)) {
      io.stderr(`kconform: ${err.message}`);
      if (err.hint) io.stderr(`  what to do: ${err.hint}`);
      return err.exitCode;
    }
    // A bug, not a user's mistake: keep the stack, it is what a maintainer needs.
    io.stderr(`kconform: internal error: ${(err as Error).stack ?? String(err)}`);
    return 70;
  }
}
