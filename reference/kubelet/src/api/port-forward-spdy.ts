// Port-forward over SPDY (protocol portforward.k8s.io), as upstream's kubelet serves it
// (pkg/kubelet/cri/streaming/portforward/httpstream.go): for every forwarded connection the client
// opens two streams carrying the headers `port`, `requestID` and `streamType` (`error`, then
// `data`). Once both of a request have come, the data stream is forwarded to the port; a failure
// is written as text to the error stream, and both streams are closed when the connection is
// over. One SPDY connection carries any number of such requests until the client hangs up.
import type { Logger } from '../../../../common/src/log.ts';
import type { SpdyHeaders } from '../../../../common/src/spdy/frames.ts';
import type { SpdySession, SpdyStream } from '../../../../common/src/spdy/session.ts';

export const PORT_FORWARD_PROTOCOL_V1 = 'portforward.k8s.io';
export const STREAM_TYPE_DATA = 'data';
export const STREAM_TYPE_ERROR = 'error';

/** upstream's httpStreamReceived: a stream without a valid port or stream type is refused. */
export function checkPortForwardStream(headers: SpdyHeaders): string | undefined {
  const port = headers['port']?.[0] ?? '';
  if (port === '') return '"port" header is required';
  if (!/^\d+$/.test(port) || Number(port) > 65535) {
    return `unable to parse "${port}" as a port: strconv.ParseUint: parsing "${port}": invalid syntax`;
  }
  if (Number(port) < 1) return `port "${port}" must be > 0`;
  const type = headers['streamtype']?.[0] ?? '';
  if (type === '') return '"streamType" header is required';
  if (type !== STREAM_TYPE_DATA && type !== STREAM_TYPE_ERROR) return `invalid stream type "${type}"`;
  return undefined;
}

interface StreamPair {
  data?: SpdyStream;
  error?: SpdyStream;
  timer: NodeJS.Timeout;
}

export interface SpdyPortForwardOptions {
  /** Forwards one connection; rejects with the text for the error stream. */
  forward: (port: number, data: SpdyStream) => Promise<void>;
  log: Logger;
  /** How long the second stream of a request may take to arrive (upstream: 30 s). */
  streamCreationTimeoutMs?: number;
}

/** Serves the port-forward requests of one upgraded SPDY connection. */
export function servePortForwardSpdy(session: SpdySession, options: SpdyPortForwardOptions): void {
  const pairs = new Map<string, StreamPair>();
  const timeoutMs = options.streamCreationTimeoutMs ?? 30_000;

  const run = async (requestId: string, data: SpdyStream, error: SpdyStream): Promise<void> => {
    const port = Number(data.header('port'));
    try {
      await options.forward(port, data);
    } catch (err) {
      const message = (err as Error).message;
      options.log.info('port-forward failed', { port, request: requestId, err: message });
      error.write(message);
    } finally {
      if (!data.writableEnded) data.end();
      if (!error.writableEnded) error.end();
    }
  };

  session.on('stream', (stream: SpdyStream) => {
    const type = stream.header('streamType');
    // Old clients send no requestID: upstream derives one from the stream ids (error n, data n+2).
    const requestId =
      stream.header('requestID') ?? String(type === STREAM_TYPE_ERROR ? stream.id : stream.id - 2);
    let pair = pairs.get(requestId);
    if (!pair) {
      const created: StreamPair = {
        timer: setTimeout(() => {
          pairs.delete(requestId);
          const message = `(conn=${session.constructor.name}, request=${requestId}) timed out waiting for streams`;
          options.log.info('port-forward streams incomplete', { request: requestId });
          if (created.error) {
            created.error.write(message);
            created.error.end();
          }
          created.data?.end();
        }, timeoutMs),
      };
      created.timer.unref();
      pairs.set(requestId, created);
      pair = created;
    }
    const slot = type === STREAM_TYPE_ERROR ? 'error' : 'data';
    if (pair[slot]) {
      const message = `error processing stream for request ${requestId}: ${slot} stream already assigned`;
      pair.error?.write(message);
      stream.reset();
      return;
    }
    pair[slot] = stream;
    // The client never writes on the error stream; read it so its FIN is seen.
    if (slot === 'error') stream.resume();
    if (pair.data && pair.error) {
      clearTimeout(pair.timer);
      pairs.delete(requestId);
      void run(requestId, pair.data, pair.error);
    }
  });

  session.on('close', () => {
    for (const pair of pairs.values()) clearTimeout(pair.timer);
    pairs.clear();
  });
}
