// Every kconform verb, listed explicitly (nothing registers itself by being imported).
import { certifyCommand } from './certify.ts';
import { downCommand, runCommandVerb, upCommand } from './cluster.ts';
import type { Command, CommandGroup } from './command.ts';
import { doctorCommand } from './doctor.ts';
import { imagesCommand } from './images.ts';
import { reportCommand } from './report.ts';

export const COMMANDS: readonly (Command | CommandGroup)[] = [
  upCommand,
  downCommand,
  runCommandVerb,
  certifyCommand,
  doctorCommand,
  reportCommand,
  imagesCommand,
];
