// What a kconform verb is: its argument spec and what it does with the parsed values. A group
// (`report`, `images`) is a verb whose first argument picks one of its sub-verbs.
import type { VerbSpec, ParsedOptions } from '../args.ts';
import type { Logger } from '../../../common/src/log.ts';
import type { Terminal } from '../run/progress.ts';

export interface CommandIO {
  /** The command's real output (a kubeconfig path, a report); logs go to the logger. */
  out(line: string): void;
  log: Logger;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Set only when stdout is a terminal: output that redraws a line in place (the run's progress). */
  terminal?: Terminal | undefined;
}

export interface Command extends VerbSpec {
  /** Resolves with the exit code; throws KconformError for failures a user can act on. */
  run(options: ParsedOptions, io: CommandIO): Promise<number>;
}

export interface CommandGroup {
  name: string;
  summary: string;
  /** Each named `group sub`, e.g. `report diff`. */
  subcommands: readonly Command[];
}

export const isGroup = (entry: Command | CommandGroup): entry is CommandGroup => 'subcommands' in entry;
