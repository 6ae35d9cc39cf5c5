// Running the kconform CLI from a test: in this process through `main` (output captured line by
// line, logs dropped), or as the installed entry point in a process of its own.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { main, type CliIO } from '../../src/cli.ts';

/** The installed entry point. */
export const KCONFORM_BIN = fileURLToPath(new URL('../../../bin/kconform.mjs', import.meta.url));

export interface Captured {
  code: number;
  stdout: string[];
  stderr: string[];
}

/** `kconform ARGV` through `main` in this process, run from `cwd`, with an empty environment. */
export async function kconformIn(cwd: string, ...argv: string[]): Promise<Captured> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: CliIO = {
    stdout: (l) => stdout.push(l),
    stderr: (l) => stderr.push(l),
    env: {},
    cwd,
    logSink: () => {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** `kconform ARGV` through `main` in this process, from the current folder. */
export const kconform = (...argv: string[]): Promise<Captured> => kconformIn(process.cwd(), ...argv);

/** `kconform ARGS` as a process of its own, with logging at its default (quiet) level. */
export function kconformProcess(...args: string[]) {
  const r = spawnSync(process.execPath, [KCONFORM_BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, KCONFORM_LOG: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
