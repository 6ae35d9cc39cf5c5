// exec over SPDY (the remotecommand protocol v4.channel.k8s.io), as upstream's kubelet serves it
// to clients that do not speak WebSocket (pkg/kubelet/cri/streaming/remotecommand/httpstream.go):
// the client opens one stream per channel, named by the `streamType` header — error, stdin,
// stdout, stderr (not with a TTY), resize (only with a TTY). Once all expected streams are there
// the command starts; stdin's FIN closes the command's stdin; resize carries a run of JSON
// {"Width","Height"} objects. When the command has ended, its Status goes on the error stream,
// every stream is finished and the connection closed.
import type { Logger } from '../../../../common/src/log.ts';
import type { SpdyHeaders } from '../../../../common/src/spdy/frames.ts';
import type { SpdySession, SpdyStream } from '../../../../common/src/spdy/session.ts';
import type { ExecSession } from '../runtime/container-runtime.ts';
import { exitStatus, failureStatus, parseTerminalSize, type ExecStatus } from './exec-channel.ts';

export const SPDY_EXEC_PROTOCOLS = ['v4.channel.k8s.io'] as const;

const STREAM_TYPES = ['error', 'stdin', 'stdout', 'stderr', 'resize'] as const;
type StreamType = (typeof STREAM_TYPES)[number];

export interface ExecStreamsWanted {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** The streams a request with these options must open (upstream's expectedStreams). */
export function expectedStreams(wanted: ExecStreamsWanted): StreamType[] {
  const types: StreamType[] = ['error'];
  if (wanted.stdin) types.push('stdin');
  if (wanted.stdout) types.push('stdout');
  if (wanted.stderr && !wanted.tty) types.push('stderr');
  if (wanted.tty) types.push('resize');
  return types;
}

/** Refuses a stream whose type is not one of remotecommand's. */
export function checkExecStream(headers: SpdyHeaders): string | undefined {
  const type = headers['streamtype']?.[0] ?? '';
  return (STREAM_TYPES as readonly string[]).includes(type) ? undefined : `unexpected stream type: "${type}"`;
}

/** Splits a run of concatenated JSON objects (Go's json.Decoder input) into whole objects. */
export function splitJsonObjects(text: string): { objects: string[]; rest: string } {
  const objects: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' && depth > 0) {
      depth--;
      if (depth === 0) objects.push(text.slice(start, i + 1));
    }
  }
  const rest = depth > 0 ? text.slice(start) : '';
  return { objects, rest };
}

export interface SpdyExecOptions {
  wanted: ExecStreamsWanted;
  command: string[];
  start: () => Promise<ExecSession>;
  log: Logger;
  /** How long the client may take to open its streams (upstream: 30 s). */
  streamCreationTimeoutMs?: number;
}

/** Serves the exec of one upgraded SPDY connection. */
export function serveExecSpdy(session: SpdySession, options: SpdyExecOptions): void {
  const expected = expectedStreams(options.wanted);
  const streams = new Map<StreamType, SpdyStream>();
  const timer = setTimeout(() => {
    options.log.info('exec streams incomplete', { have: [...streams.keys()], want: expected });
    const error = streams.get('error');
    if (error) error.end(JSON.stringify(failureStatus('timed out waiting for client to create streams')));
    session.close();
  }, options.streamCreationTimeoutMs ?? 30_000);
  timer.unref();
  session.on('close', () => clearTimeout(timer));

  session.on('stream', (stream: SpdyStream) => {
    const type = stream.header('streamType') as StreamType;
    if (!expected.includes(type) || streams.has(type)) {
      stream.reset();
      return;
    }
    streams.set(type, stream);
    if (type === 'error') stream.resume(); // the client writes nothing here; see its FIN
    if (streams.size === expected.length) {
      clearTimeout(timer);
      run(session, streams, options).catch((err: unknown) =>
        options.log.warn('exec over SPDY failed', { err }),
      );
    }
  });
}

async function run(
  session: SpdySession,
  streams: Map<StreamType, SpdyStream>,
  options: SpdyExecOptions,
): Promise<void> {
  const finish = (status: ExecStatus): void => {
    for (const [type, stream] of streams) {
      if (type === 'error') stream.end(JSON.stringify(status));
      else if (!stream.writableEnded) stream.end();
    }
    session.close();
  };
  let exec: ExecSession;
  try {
    exec = await options.start();
  } catch (err) {
    finish(failureStatus((err as Error).message));
    return;
  }
  session.on('close', () => exec.close());

  const stdin = streams.get('stdin');
  if (stdin && exec.stdin) {
    const target = exec.stdin;
    stdin.on('data', (chunk: Buffer) => target.write(chunk));
    stdin.on('end', () => target.end());
  }
  const resize = streams.get('resize');
  if (resize) {
    let pending = '';
    resize.on('data', (chunk: Buffer) => {
      const { objects, rest } = splitJsonObjects(pending + chunk.toString('utf8'));
      pending = rest;
      for (const text of objects) {
        const size = parseTerminalSize(text);
        if (size) {
          exec
            .resize(size.width, size.height)
            .catch((err: unknown) => options.log.debug('resize failed', { err }));
        } else options.log.debug('resize message is not a terminal size', { text });
      }
    });
  }
  const drained = (from: NodeJS.ReadableStream, to: SpdyStream | undefined): Promise<void> =>
    new Promise((resolve) => {
      from.on('data', (chunk: Buffer) => to?.write(chunk));
      from.on('end', resolve);
      from.on('close', resolve);
      from.on('error', () => resolve());
    });
  const outputs = Promise.all([
    drained(exec.stdout, streams.get('stdout')),
    drained(exec.stderr, streams.get('stderr')),
  ]);
  const exitCode = await exec.exitCode();
  await outputs;
  finish(exitStatus(options.command, exitCode));
}
