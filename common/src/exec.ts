// Run a host command and collect its output. Host set-up (apt, dpkg, dockerd) and later the
// kubelet's CNI calls go through here so failures read the same everywhere.
import { spawn } from 'node:child_process';
import { KconformError } from './errors.ts';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Resolve with a non-zero code instead of throwing COMMAND_FAILED. */
  allowFailure?: boolean;
}

export type RunCommand = (command: string, args: string[], options?: ExecOptions) => Promise<ExecResult>;

/** Runs `command args…` without a shell. Throws COMMAND_FAILED on a non-zero exit unless allowed. */
export const runCommand: RunCommand = (command, args, options = {}) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (cause) =>
      reject(
        new KconformError(
          'COMMAND_FAILED',
          { command: [command, ...args].join(' '), code: -1, output: cause.message },
          { cause },
        ),
      ),
    );
    child.on('close', (code) => {
      const result = {
        code: code ?? -1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      };
      if (result.code !== 0 && !options.allowFailure) {
        const output = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join(' | ');
        reject(
          new KconformError('COMMAND_FAILED', {
            command: [command, ...args].join(' '),
            code: result.code,
            output,
          }),
        );
        return;
      }
      resolve(result);
    });
    // A command that exits without reading its stdin (ip, iptables -C) closes the pipe first:
    // that EPIPE is not an error of ours; anything else on stdin is reported with the command.
    child.stdin.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') child.emit('error', err);
    });
    child.stdin.end(options.input ?? '');
  });
