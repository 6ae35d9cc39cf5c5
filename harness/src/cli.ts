// The kconform command line: picks the verb, parses its options, runs it, and turns errors into
// a message with its reason and what to do, and an exit code. Nothing here prints a stack trace
// for a failure a user can act on.
import { isKconformError, KconformError } from '../../common/src/errors.ts';
import { createLogger, levelFromEnv, type LogSink } from '../../common/src/log.ts';
import { parseVerbArgs, renderHelp } from './args.ts';
import { COMMANDS } from './commands/index.ts';
import { isGroup, type Command, type CommandGroup, type CommandIO } from './commands/command.ts';
import type { Terminal } from './run/progress.ts';

export interface CliIO {
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where log records go; stderr by default. */
  logSink?: LogSink;
  /** Set when stdout is a terminal (live progress lines). */
  terminal?: Terminal | undefined;
}

const defaultIO: CliIO = {
  stdout: (line) => process.stdout.write(line + '\n'),
  stderr: (line) => process.stderr.write(line + '\n'),
  env: process.env,
  cwd: process.cwd(),
  terminal: process.stdout.isTTY
    ? {
        write: (text) => process.stdout.write(text),
        get columns() {
          return process.stdout.columns;
        },
      }
    : undefined,
};

function groupHelp(group: CommandGroup): string {
  const subs = group.subcommands
    .map((c) => `  ${c.name.slice(group.name.length + 1).padEnd(8)} ${c.summary.split('\n')[0]}`)
    .join('\n');
  return (
    `usage: kconform ${group.name} <${group.subcommands.map((c) => c.name.split(' ')[1]).join('|')}> [options]\n\n` +
    `${group.summary}\n\n${subs}\n\nRun \`kconform ${group.name} <sub> --help\` for its options.\n`
  );
}

/** The command `argv` names (a verb, or a group and its sub-verb) and the arguments after it. */
function findCommand(
  verbName: string,
  rest: string[],
): { command: Command; args: string[] } | { help: string; code: number } {
  const entry = COMMANDS.find((c) => c.name === verbName);
  if (!entry) {
    throw new KconformError(
      'USAGE',
      { detail: `unknown verb '${verbName}'; known verbs: ${COMMANDS.map((c) => c.name).join(', ')}` },
      { hint: 'kconform --help' },
    );
  }
  if (!isGroup(entry)) return { command: entry, args: rest };
  const [subName, ...args] = rest;
  if (subName === undefined || subName === '--help' || subName === '-h') {
    return { help: groupHelp(entry), code: subName === undefined ? 2 : 0 };
  }
  const command = entry.subcommands.find((c) => c.name === `${entry.name} ${subName}`);
  if (!command) {
    const known = entry.subcommands.map((c) => c.name.split(' ')[1]).join(', ');
    throw new KconformError(
      'USAGE',
      { detail: `${entry.name}: unknown sub-command '${subName}'; known: ${known}` },
      { hint: `kconform ${entry.name} --help` },
    );
  }
  return { command, args };
}

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
    const found = findCommand(verbName, rest);
    if ('help' in found) {
      io.stdout(found.help);
      return found.code;
    }
    const { command, args } = found;
    const options = parseVerbArgs(command, args);
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
    const commandIO: CommandIO = { out: io.stdout, log, env: io.env, cwd: io.cwd, terminal: io.terminal };
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
