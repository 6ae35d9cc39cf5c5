// What a kconform verb is: its argument spec and what it does with the parsed values.
import type { VerbSpec, ParsedOptions } from '../args.ts';
import type { Logger } from '../../../common/src/log.ts';

export interface CommandIO {
  /** The command's real output (a kubeconfig path, a report); logs go to the logger. */
  out(line: string): void;
  log: Logger;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export interface Command extends VerbSpec {
  /** Resolves with the exit code; throws KconformError for failures a user can act on. */
  run(options: ParsedOptions, io: CommandIO): Promise<number>;
}
