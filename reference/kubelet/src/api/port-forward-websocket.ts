// Port-forward over WebSocket, as upstream's kubelet serves it
// (pkg/kubelet/cri/streaming/portforward/websocket.go): the ports come as `port` query parameters,
// each gets a data channel (2i) and an error channel (2i+1), and the server opens each channel by
// sending the port as two little-endian bytes. Every message starts with its channel byte
// (v4.channel.k8s.io, or no sub-protocol); v4.base64.channel.k8s.io sends text frames whose first
// character is the channel digit and whose rest is base64. When every port's connection is over,
// the WebSocket is closed.
import { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { Logger } from '../../../../common/src/log.ts';

export const WS_PORT_FORWARD_BINARY = 'v4.channel.k8s.io';
export const WS_PORT_FORWARD_BASE64 = 'v4.base64.channel.k8s.io';
/** The sub-protocols served, preferred first ("" when the client names none). */
export const WS_PORT_FORWARD_PROTOCOLS = [WS_PORT_FORWARD_BINARY, WS_PORT_FORWARD_BASE64] as const;

/** upstream's NewV4Options: the `port` query values (each may list several, comma-separated). */
export function parsePorts(query: URLSearchParams): number[] | string {
  const values = query.getAll('port');
  if (values.length === 0) return 'query parameter "port" is required';
  const ports: number[] = [];
  for (const value of values) {
    if (value === '') return 'query parameter "port" cannot be empty';
    for (const part of value.split(',')) {
      if (!/^\d+$/.test(part) || Number(part) > 65535) {
        return `unable to parse "${value}" as a port: strconv.ParseUint: parsing "${part}": invalid syntax`;
      }
      if (Number(part) < 1) return `port "${value}" must be > 0`;
      ports.push(Number(part));
    }
  }
  return ports;
}

const asBuffer = (data: RawData): Buffer =>
  Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);

/** One channel of the connection as a Duplex: writes become messages, its messages are read. */
class Channel extends Duplex {
  constructor(
    readonly index: number,
    private readonly sendMessage: (channel: number, payload: Buffer) => void,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.sendMessage(this.index, chunk);
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    callback(); // a channel cannot be half-closed in this protocol: the connection's close ends it
  }
}

export interface WebSocketPortForwardOptions {
  ports: number[];
  /** Forwards one port's connection; rejects with the text for the error channel. */
  forward: (port: number, data: Duplex) => Promise<void>;
  log: Logger;
}

/** Serves one upgraded port-forward WebSocket until every port's connection is over. */
export async function servePortForwardWebSocket(
  ws: WebSocket,
  options: WebSocketPortForwardOptions,
): Promise<void> {
  const base64 = ws.protocol === WS_PORT_FORWARD_BASE64;
  const send = (channel: number, payload: Buffer): void => {
    if (ws.readyState !== 1) return; // OPEN
    if (base64) ws.send(String.fromCharCode(48 + channel) + payload.toString('base64'));
    else ws.send(Buffer.concat([Buffer.from([channel]), payload]), { binary: true });
  };
  const channels = options.ports.flatMap((_, i) => [new Channel(2 * i, send), new Channel(2 * i + 1, send)]);
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const message = asBuffer(data);
    if (message.length === 0) return;
    const channel = base64 && !isBinary ? message[0]! - 48 : message[0]!;
    const payload =
      base64 && !isBinary ? Buffer.from(message.subarray(1).toString(), 'base64') : message.subarray(1);
    if (channel % 2 === 0 && payload.length) channels[channel]?.push(payload);
  });
  ws.on('close', () => {
    for (const channel of channels) channel.push(null);
  });
  ws.on('error', (err: Error) => options.log.debug('port-forward websocket failed', { err }));

  options.ports.forEach((port, i) => {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16LE(port);
    send(2 * i, prefix);
    send(2 * i + 1, prefix);
  });
  await Promise.all(
    options.ports.map(async (port, i) => {
      const data = channels[2 * i]!;
      try {
        await options.forward(port, data);
      } catch (err) {
        options.log.info('port-forward failed', { port, err: (err as Error).message });
        send(2 * i + 1, Buffer.from((err as Error).message));
      }
    }),
  );
  ws.close(1000);
}
