// For @host tests that need the whole reference cluster: `kconform up --nodes 1` in a fresh temp
// folder, the real kubectl against it, and a `down` that removes the cluster and the folder (call
// it in `after`, whatever failed; a failed `up` cleans up before it throws).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';

const BIN = fileURLToPath(new URL('../../../../bin/kconform.mjs', import.meta.url));

/** The one node of `kconform up --nodes 1`. */
export const NODE = 'kconform-node-1';

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end (4 minutes at most); never rejects: the outcome says how it went. */
export function run(
  command: string,
  args: string[],
  input?: string,
  env?: NodeJS.ProcessEnv,
): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { encoding: 'utf8', timeout: 240_000, env: env ?? process.env },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin!.end(input);
  });
}

export interface OneNodeCluster {
  /** `--state-dir` of the cluster (pki/, kubelet-api-token, ...). */
  stateDir: string;
  /** Path of the admin kubeconfig. */
  kubeconfig: string;
  kc: k8s.KubeConfig;
  /** The real kubectl with the admin kubeconfig; `env` is added to this process's environment. */
  kubectl(args: string[], input?: string, env?: NodeJS.ProcessEnv): Promise<Outcome>;
  /** `kconform down`, then the temp folder goes. */
  down(): Promise<void>;
}

/** `kconform up --nodes 1` with its state in a new temp folder named after `prefix`. */
export async function upOneNode(prefix: string): Promise<OneNodeCluster> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const stateDir = join(dir, 'state');
  const down = async (): Promise<void> => {
    await run(process.execPath, [BIN, 'down', '--state-dir', stateDir]);
    rmSync(dir, { recursive: true, force: true });
  };
  const up = await run(process.execPath, [BIN, 'up', '--nodes', '1', '--state-dir', stateDir]);
  if (up.code !== 0) {
    await down();
    throw new Error(`kconform up exited with ${up.code}: ${up.stderr}`);
  }
  const kubeconfig = up.stdout.trim().split('\n').at(-1)!;
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  return {
    stateDir,
    kubeconfig,
    kc,
    kubectl: (args, input, env = {}) =>
      run('kubectl', ['--kubeconfig', kubeconfig, ...args], input, { ...process.env, ...env }),
    down,
  };
}
