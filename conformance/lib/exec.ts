// Running a command inside a pod's container through the API (`pods/exec` over WebSocket, with
// client-node's `Exec`), as `kubectl exec` does: the only way the suite looks at a cluster from
// inside, since the runner may not reach pod or service IPs. The command's exit code comes from the
// Status upstream's kubelet sends when the command ends (NonZeroExitCode, cause ExitCode).
import { Writable } from 'node:stream';
import { Exec, type V1Status } from '@kubernetes/client-node';
import type { Cluster } from './cluster.ts';

export interface ExecResult {
  /** The command's exit code; -1 when the Status was a failure without one (could not run). */
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The Status the server sent at the end. */
  status: V1Status;
}

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
}

/** The exit code a command's final Status carries: 0 for Success, the ExitCode cause otherwise. */
export function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = Number(cause?.message);
  return Number.isInteger(code) ? code : -1;
}

function collector(): { stream: Writable; text: () => string } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      done();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

/**
 * Runs `command` in the container and resolves with its output and exit code once the server has
 * sent the final Status. Rejects when the connection fails, closes without a Status, or the command
 * has not ended after `timeoutMs` (the connection is then closed, which ends the exec).
 */
export async function execInPod(
  cluster: Cluster,
  target: ExecTarget,
  command: string[],
  timeoutMs: number,
): Promise<ExecResult> {
  const out = collector();
  const err = collector();
  const label = `exec ${JSON.stringify(command)} in ${target.namespace}/${target.pod} (${target.container})`;
  let status: V1Status | undefined;
  let settle: ((status: V1Status) => void) | undefined;
  const statusSeen = new Promise<V1Status>((resolve) => (settle = resolve));
  const ws = await new Exec(cluster.kubeconfig).exec(
    target.namespace,
    target.pod,
    target.container,
    command,
    out.stream,
    err.stream,
    null,
    false,
    (s) => {
      status = s;
      settle?.(s);
    },
  );
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      statusSeen,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new Error(`${label}: not done after ${timeoutMs} ms; stdout so far: ${out.text()}`)),
          timeoutMs,
        );
        ws.on('close', () => {
          // A Status may arrive in the last message before the close: give it that turn.
          setImmediate(() => {
            if (!status) reject(new Error(`${label}: the connection closed without a final Status`));
          });
        });
        ws.on('error', (cause: Error) => reject(new Error(`${label}: ${cause.message}`, { cause })));
      }),
    ]);
  } finally {
    clearTimeout(timer);
    ws.close();
  }
  return { exitCode: exitCodeOf(status!), stdout: out.text(), stderr: err.text(), status: status! };
}

/** Like `execInPod`, but rejects unless the command exits 0; the error shows its output. */
export async function execMustSucceed(
  cluster: Cluster,
  target: ExecTarget,
  command: string[],
  timeoutMs: number,
): Promise<string> {
  const result = await execInPod(cluster, target, command, timeoutMs);
  if (result.exitCode !== 0) {
    throw new Error(
      `exec ${JSON.stringify(command)} in ${target.namespace}/${target.pod} (${target.container}) exited ` +
        `${result.exitCode}: ${result.status.message ?? ''}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`,
    );
  }
  return result.stdout;
}
