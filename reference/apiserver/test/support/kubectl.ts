// The real kubectl as a child process against a test apiserver. Never spawnSync: the apiserver
// answering it runs in this same process.
import { expect } from 'chai';
import { execFile } from 'node:child_process';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl with `args` (60 s at most); never rejects: the result says how it went. */
export function runKubectl(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile('kubectl', args, { encoding: 'utf8', timeout: 60_000, env }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** kubectl with `kubeconfig` (read when called), and `ok`: its stdout, asserting exit status 0. */
export function kubectlWith(kubeconfig: () => string): {
  kubectl: (...args: string[]) => Promise<KubectlResult>;
  ok: (...args: string[]) => Promise<string>;
} {
  const kubectl = (...args: string[]) => runKubectl(['--kubeconfig', kubeconfig(), ...args]);
  const ok = async (...args: string[]): Promise<string> => {
    const r = await kubectl(...args);
    expect(r.code, `kubectl ${args.join(' ')}\n${r.stderr}`).to.equal(0);
    return r.stdout;
  };
  return { kubectl, ok };
}
