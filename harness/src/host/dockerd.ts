// Starts Debian's dockerd when no engine answers. There is no init system to ask on a CI
// machine or a container, so kconform starts the daemon itself, detached, logging to a file.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import type Docker from 'dockerode';
import { KconformError } from '../../../common/src/errors.ts';
import type { Logger } from '../../../common/src/log.ts';
import { retryUntil } from '../../../common/src/wait.ts';

export const DOCKERD_LOG = '/var/log/kconform/dockerd.log';
export const DOCKER_SOCKET = '/var/run/docker.sock';

/** Resolves with the engine's version when it answers, or undefined when nothing does. */
export async function dockerVersion(docker: Docker): Promise<string | undefined> {
  try {
    const version = await docker.version();
    return `${version.Version} (API ${version.ApiVersion})`;
  } catch {
    return undefined;
  }
}

/** Starts dockerd in the background and waits until it answers (60 s at most). */
export async function startDockerd(docker: Docker, log: Logger, timeoutMs = 60_000): Promise<string> {
  mkdirSync(dirname(DOCKERD_LOG), { recursive: true });
  const out = openSync(DOCKERD_LOG, 'a');
  try {
    const child = spawn('dockerd', [], { detached: true, stdio: ['ignore', out, out] });
    child.on('error', (err) => log.error('dockerd did not start', { err }));
    child.unref();
    log.info('started dockerd', { pid: child.pid, log: DOCKERD_LOG });
  } finally {
    closeSync(out);
  }
  const version = await retryUntil(() => dockerVersion(docker), {
    what: `dockerd answering on ${DOCKER_SOCKET}`,
    timeoutMs,
    intervalMs: 250,
    done: (v) => v !== undefined,
    describe: () => `see ${DOCKERD_LOG}`,
  }).catch((err: unknown) => {
    throw new KconformError(
      'DOCKER_UNREACHABLE',
      { socket: DOCKER_SOCKET, detail: (err as Error).message },
      { hint: `read ${DOCKERD_LOG} for dockerd's own error`, cause: err },
    );
  });
  return version as string;
}
