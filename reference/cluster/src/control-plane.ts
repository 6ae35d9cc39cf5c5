// Starts the reference control plane's apiserver as a child process with its own certificates,
// token file and kubeconfig in a state directory, for tests that need a real, separate apiserver
// process (`kconform up` launches the same one detached: see apiserver-launch.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeKubeconfig } from './kubeconfig.ts';
import { openPki } from './pki.ts';
import { apiserverArgs, apiserverCredentials } from './apiserver-launch.ts';

export interface ControlPlaneOptions {
  stateDir: string;
  store?: 'embedded' | 'etcd';
  etcdServers?: string[];
  /** Where the apiserver's JSON log lines go; default `<stateDir>/apiserver.log`. */
  logFile?: string;
  startTimeoutMs?: number;
  /** Options for node itself, before the apiserver's (e.g. `--cpu-prof` from a bench). */
  nodeArgs?: string[];
}

export interface ControlPlane {
  url: string;
  kubeconfigPath: string;
  process: ChildProcess;
  /** SIGTERM, then SIGKILL after 10 s; resolves when the process is gone. Idempotent. */
  stop(): Promise<void>;
}

export async function startControlPlane(options: ControlPlaneOptions): Promise<ControlPlane> {
  const stateDir = resolve(options.stateDir);
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const pki = await openPki(join(stateDir, 'pki'));
  const credentials = await apiserverCredentials(stateDir, pki);
  const args = apiserverArgs({
    stateDir,
    credentials,
    storeArgs: [
      '--store',
      options.store ?? 'embedded',
      ...(options.etcdServers ? ['--etcd-servers', options.etcdServers.join(',')] : []),
    ],
  });
  const { openSync, closeSync } = await import('node:fs');
  const logFd = openSync(options.logFile ?? join(stateDir, 'apiserver.log'), 'a');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), ...args], {
    stdio: ['ignore', 'pipe', logFd],
    env: { ...process.env, KCONFORM_LOG: process.env.KCONFORM_LOG ?? 'info' },
  });
  closeSync(logFd);

  const url = await new Promise<string>((resolveUrl, reject) => {
    let out = '';
    const timer = setTimeout(
      () =>
        reject(
          new Error(
            `apiserver did not start within ${options.startTimeoutMs ?? 30_000} ms; see ${stateDir}/apiserver.log`,
          ),
        ),
      options.startTimeoutMs ?? 30_000,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolveUrl(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`apiserver exited with code ${code} before serving; see ${stateDir}/apiserver.log`));
    });
  });
  const kubeconfigPath = join(stateDir, 'kubeconfig');
  writeKubeconfig(kubeconfigPath, {
    server: url,
    caPem: readFileSync(pki.ca.cert, 'utf8'),
    token: credentials.token,
  });

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(kill);
        done();
      });
      child.kill('SIGTERM');
    }));
  return { url, kubeconfigPath, process: child, stop };
}
