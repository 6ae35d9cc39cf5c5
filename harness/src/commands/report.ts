// `kconform report diff OLD NEW`: compares two runs' results.json for a CI gate.
import { resolve } from 'node:path';
import { diffResults, formatDiff } from '../../../reports/src/diff.ts';
import { loadResults } from '../../../reports/src/load.ts';
import type { RunResults } from '../../../reports/src/results.ts';
import { usageError } from '../args.ts';
import type { Command, CommandGroup } from './command.ts';

export const reportDiffCommand: Command = {
  name: 'report diff',
  summary:
    "Compare two runs' results.json and exit 1 when a spec newly fails.\n" +
    'Lists what newly fails, what newly passes, what became flaky and what changed in skips;\n' +
    'a provisional spec that newly fails is listed but is not a regression.',
  positionals: [
    { name: 'OLD', description: "the earlier run's results.json (the baseline)" },
    { name: 'NEW', description: "the later run's results.json" },
  ],
  options: {
    json: { type: 'boolean', description: 'print the diff as one JSON object instead of lines' },
  },
  async run(options, io) {
    const read = (name: 'OLD' | 'NEW'): RunResults => {
      const file = resolve(io.cwd, String(options[name]));
      try {
        return loadResults(file);
      } catch (err) {
        throw usageError('report diff', `${name} ${(err as Error).message}`);
      }
    };
    const old = read('OLD');
    const now = read('NEW');
    const diff = diffResults(old, now);
    if (options.json) io.out(JSON.stringify(diff, null, 2));
    else for (const line of formatDiff(diff, String(options.OLD), String(options.NEW))) io.out(line);
    return diff.regressions.length > 0 ? 1 : 0;
  },
};

export const reportCommand: CommandGroup = {
  name: 'report',
  summary: 'Work with the reports of earlier runs.',
  subcommands: [reportDiffCommand],
};
