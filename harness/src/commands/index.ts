// Every kconform verb, listed explicitly (nothing registers itself by being imported).
import { downCommand, runCommandVerb, upCommand } from './cluster.ts';
import type { Command } from './command.ts';
import { doctorCommand } from './doctor.ts';

export const COMMANDS: readonly Command[] = [upCommand, downCommand, runCommandVerb, doctorCommand];
