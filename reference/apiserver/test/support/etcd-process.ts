// A throwaway etcd for tests and benchmarks: a local process listening on loopback only, on
// ports free at start time, with its data in a fresh temporary directory. stop() kills it and
// deletes the directory; so does the parent's exit, should a test run end without stopping it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { retryUntil } from '../../../../common/src/wait.ts';
import { silentLogger, type Logger } from '../../../../common/src/log.ts';

export interface EtcdProcessOptions {
  /** Default: /usr/bin/etcd (Debian's etcd-server). */
  binary?: string;
  /** How long to wait for etcd to answer /health. Default 30 s. */
  startTimeoutMs?: number;
  /** etcd's periodic watch progress notification interval. Default 500 ms (etcd's own: 10 min). */
  progressNotifyIntervalMs?: number;
  logger?: Logger;
}

export interface EtcdProcess {
  /** The client URL, e.g. http://127.0.0.1:40123. */
  readonly endpoint: string;
  readonly dataDir: string;
  readonly pid: number;
  /** Stops etcd (SIGTERM, then SIGKILL after 10 s) and deletes its data. Idempotent. */
  stop(): Promise<void>;
}

const LOOPBACK = '127.0.0.1';

/** A port nothing listens on right now (the OS picks it); etcd binds it a moment later. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function healthy(endpoint: string): Promise<boolean> {
  const response = await fetch(`${endpoint}/health`, { signal: AbortSignal.timeout(2000) });
  const body = (await response.json()) as { health?: string };
  return response.ok && body.health === 'true';
}

export async function startEtcdProcess(options: EtcdProcessOptions = {}): Promise<EtcdProcess> {
  // The free ports are free when chosen; another process may take one before etcd binds it.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(options);
    } catch (err) {
      if (attempt >= 3 || !String(err).includes('address already in use')) throw err;
    }
  }
}

async function startOnce(options: EtcdProcessOptions): Promise<EtcdProcess> {
  const binary = options.binary ?? '/usr/bin/etcd';
  const logger = (options.logger ?? silentLogger).child({ component: 'etcd-process' });
  const dataDir = await mkdtemp(join(tmpdir(), 'kconform-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const endpoint = `http://${LOOPBACK}:${clientPort}`;
  const peer = `http://${LOOPBACK}:${peerPort}`;
  const args = [
    '--name=kconform-test',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${endpoint}`,
    `--advertise-client-urls=${endpoint}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=kconform-test=${peer}`,
    '--initial-cluster-state=new',
    `--experimental-watch-progress-notify-interval=${options.progressNotifyIntervalMs ?? 500}ms`,
    '--logger=zap',
    '--log-outputs=stderr',
    '--log-level=warn',
  ];
  // A clean environment: ETCD_* variables of the caller must not reconfigure the test server.
  const child: ChildProcess = spawn(binary, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr.push(chunk);
    if (stderr.length > 50) stderr.shift();
  });
  let exited: string | null = null;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
    child.once('error', (err) => {
      exited = `could not start: ${err.message}`;
      resolve();
    });
  });
  // Should the test run end without stop(), do not leave etcd or its data behind.
  const onParentExit = () => {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', onParentExit);

  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.removeListener('exit', onParentExit);
      if (exited === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
      logger.debug('etcd stopped', { endpoint });
    })());

  try {
    // 'exited' ends the wait early; a refused connection (a throw) or false keeps it going.
    await retryUntil(async () => (exited === null ? healthy(endpoint) : 'exited'), {
      what: `etcd answering on ${endpoint}/health`,
      timeoutMs: options.startTimeoutMs ?? 30_000,
      intervalMs: 100,
      done: (state) => state !== false,
      describe: (_last, err) => (err instanceof Error ? err.message : 'not healthy yet'),
    });
    if (exited !== null) throw new Error(`etcd ${exited} before answering: ${stderr.join('').trim()}`);
  } catch (err) {
    await stop();
    throw err;
  }
  logger.debug('etcd started', { endpoint, dataDir, pid: child.pid });
  return { endpoint, dataDir, pid: child.pid!, stop };
}
