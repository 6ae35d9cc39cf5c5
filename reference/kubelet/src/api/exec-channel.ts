// The kubelet API's exec over WebSocket with the channel.k8s.io subprotocols (v4, v5), as
// upstream's remotecommand server speaks them: every binary message starts with a channel byte —
// 0 stdin, 1 stdout, 2 stderr, 3 error (a metav1.Status when the command ends), 4 resize
// ({"Width","Height"}, any case) — and v5 adds 255, whose payload [0] closes stdin.
import type { WebSocket, RawData } from 'ws';
import type { Logger } from '../../../../common/src/log.ts';
import type { ExecSession } from '../runtime/container-runtime.ts';

export const PROTOCOL_V5 = 'v5.channel.k8s.io';
export const PROTOCOL_V4 = 'v4.channel.k8s.io';
/** Preferred first, as upstream's server negotiates. */
export const EXEC_PROTOCOLS = [PROTOCOL_V5, PROTOCOL_V4] as const;

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
export const CLOSE = 255;

export interface ExecStatus {
  metadata: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: { causes: Array<{ reason: string; message: string }> };
}

/**
 * A resize message's size (remotecommand's TerminalSize), or undefined when it is not one. Keys
 * match case-insensitively, as Go's encoding/json matches them: kubectl sends `Width`/`Height`,
 * client-node `width`/`height`, and upstream's kubelet takes both.
 */
export function parseTerminalSize(text: string): { width: number; height: number } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const size: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) size[key.toLowerCase()] = value;
  const { width, height } = size;
  if (typeof width !== 'number' || typeof height !== 'number' || width <= 0 || height <= 0) return undefined;
  return { width, height };
}

/** The Status sent on the error channel when the command has ended (upstream's v4 writeStatus). */
export function exitStatus(command: string[], exitCode: number): ExecStatus {
  if (exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: command '${command.join(' ')}' exited with ${exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
  };
}

/** A failure to run the command at all (upstream sends it as an InternalError Status). */
export function failureStatus(message: string): ExecStatus {
  return { metadata: {}, status: 'Failure', message, reason: 'InternalError' };
}

const asBuffer = (data: RawData): Buffer =>
  Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);

const OPEN = 1; // WebSocket.OPEN

function send(ws: WebSocket, channel: number, payload: Buffer | string): void {
  if (ws.readyState !== OPEN) return;
  ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(payload)]), { binary: true });
}

/** Sends the Status on the error channel and closes the connection normally. */
export function finish(ws: WebSocket, status: ExecStatus): void {
  send(ws, ERROR, JSON.stringify(status));
  ws.close(1000);
}

/**
 * Connects an open WebSocket to an exec it starts: output to channels 1 and 2, channel 0 to
 * stdin, resizes to the TTY; when the output has ended, the exit Status on channel 3, then close.
 * Messages that arrive while the exec starts are kept for it; a client that goes away drops it.
 */
export async function pumpExec(
  ws: WebSocket,
  start: () => Promise<ExecSession>,
  command: string[],
  log: Logger,
): Promise<void> {
  let session: ExecSession | undefined = undefined;
  const early: Buffer[] = [];
  let clientGone = false;
  const deliver = (message: Buffer, to: ExecSession): void => {
    const channel = message[0];
    const payload = message.subarray(1);
    if (channel === STDIN) to.stdin?.write(payload);
    else if (channel === CLOSE && payload[0] === STDIN) to.stdin?.end();
    else if (channel === RESIZE) {
      const size = parseTerminalSize(payload.toString('utf8'));
      if (size)
        to.resize(size.width, size.height).catch((err: unknown) => log.debug('resize failed', { err }));
      else log.debug('resize message is not a terminal size', { payload: payload.toString('utf8') });
    }
  };
  ws.on('message', (data) => {
    const message = asBuffer(data);
    if (session) deliver(message, session);
    else early.push(message);
  });
  ws.on('close', () => {
    clientGone = true;
    session?.close();
  });
  ws.on('error', (err) => log.debug('exec websocket failed', { err }));

  const started = await start();
  session = started;
  if (clientGone) return started.close();
  const drained = (stream: NodeJS.ReadableStream, channel: number): Promise<void> =>
    new Promise((resolve) => {
      stream.on('data', (chunk: Buffer) => send(ws, channel, chunk));
      stream.on('end', resolve);
      stream.on('close', resolve);
      stream.on('error', () => resolve());
    });
  const outputs = Promise.all([drained(started.stdout, STDOUT), drained(started.stderr, STDERR)]);
  for (const message of early.splice(0)) deliver(message, started);
  const exitCode = await started.exitCode();
  await outputs;
  if (!clientGone) finish(ws, exitStatus(command, exitCode));
}
