// The HTTP side of a SPDY/3.1 upgrade on the kubelet API, as upstream's httpstream.Handshake and
// spdy.ResponseUpgrader do it: the client lists the sub-protocols it speaks in one or more
// X-Stream-Protocol-Version headers, the server picks the first of the client's it supports and
// answers 101 with Upgrade: SPDY/3.1; from then on the connection carries SPDY frames.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

export const HEADER_PROTOCOL_VERSION = 'X-Stream-Protocol-Version';
export const HEADER_ACCEPTED_PROTOCOL_VERSIONS = 'X-Accepted-Stream-Protocol-Versions';
export const SPDY_31 = 'SPDY/3.1';

/** Whether the request asks for a SPDY/3.1 upgrade (Connection: Upgrade, Upgrade: SPDY/3.1). */
export function isSpdyUpgrade(req: IncomingMessage): boolean {
  const connection = (req.headers.connection ?? '').toLowerCase();
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  return connection.includes('upgrade') && upgrade.includes(SPDY_31.toLowerCase());
}

/** Whether the request asks for a WebSocket upgrade. */
export function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return (req.headers.upgrade ?? '').toLowerCase() === 'websocket';
}

/** Every X-Stream-Protocol-Version value, in the client's order (each header line kept apart). */
export function clientProtocols(req: IncomingMessage): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() !== HEADER_PROTOCOL_VERSION.toLowerCase()) continue;
    values.push(
      ...req.rawHeaders[i + 1]!.split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    );
  }
  return values;
}

export type Handshake =
  | { ok: true; protocol: string }
  | { ok: false; code: number; message: string; headers: Record<string, string[]> };

/** upstream's Handshake: the first protocol of the client's list that the server supports. */
export function negotiate(req: IncomingMessage, server: readonly string[]): Handshake {
  const offered = clientProtocols(req);
  if (offered.length === 0) {
    return {
      ok: false,
      code: 400,
      message: `unable to upgrade: ${HEADER_PROTOCOL_VERSION} is required`,
      headers: {},
    };
  }
  const protocol = offered.find((p) => server.includes(p));
  if (!protocol) {
    return {
      ok: false,
      code: 403,
      message:
        `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], ` +
        `server accepts [${server.join(' ')}]`,
      headers: { [HEADER_ACCEPTED_PROTOCOL_VERSIONS]: [...server] },
    };
  }
  return { ok: true, protocol };
}

/** Answers the upgrade with 101 and the negotiated protocol; the socket then speaks SPDY. */
export function acceptSpdy(socket: Duplex, protocol: string): void {
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\n' +
      'Connection: Upgrade\r\n' +
      `Upgrade: ${SPDY_31}\r\n` +
      `${HEADER_PROTOCOL_VERSION}: ${protocol}\r\n\r\n`,
  );
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
};

/** Refuses an upgrade with a plain-text HTTP answer on the raw socket, then closes it. */
export function refuseUpgrade(
  socket: Duplex,
  code: number,
  message: string,
  headers: Record<string, string[]> = {},
): void {
  const extra = Object.entries(headers)
    .flatMap(([name, values]) => values.map((v) => `${name}: ${v}\r\n`))
    .join('');
  socket.end(
    `HTTP/1.1 ${code} ${REASONS[code] ?? 'Error'}\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message)}\r\n` +
      `${extra}Connection: close\r\n\r\n${message}`,
  );
}
