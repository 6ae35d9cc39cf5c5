// pods/log and pods/exec: proxied to the kubelet API of the pod's node, as upstream's apiserver
// does (pkg/registry/core/pod/strategy.go LogLocation/ExecLocation, the streamer and the
// upgrade-aware proxy). The node's InternalIP and status.daemonEndpoints.kubeletEndpoint.Port say
// where; the connection is HTTPS checked against the cluster CA, with the kubelet token. Logs are
// streamed through. exec and portforward are upgrades (WebSocket, or SPDY/3.1 for older clients
// and kubectl's fallback) relayed to the kubelet untouched once both ends have switched, as
// upstream's UpgradeAwareHandler does. A port-forward WebSocket offering `SPDY/3.1+portforward.k8s.io`
// (KEP-4006, kubectl >= 1.31) is a tunnel: as upstream's TunnelingHandler, the apiserver upgrades
// to the kubelet with SPDY and carries the SPDY bytes in binary WebSocket messages.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Logger } from '../../../../common/src/log.ts';
import { badRequest, methodNotSupported, statusError, type ApiError } from '../api-error.ts';
import type { ApiObject } from '../registry/objects.ts';
import type { Registry } from '../registry/registry.ts';
import { findResource } from '../resources.ts';
import type { RequestInfo } from './request-info.ts';

export interface PodProxyConfig {
  registry: Registry;
  /** The CA (PEM) the kubelets' serving certificates are issued by. */
  kubeletCa: string | Buffer;
  /** The bearer token the kubelets take. */
  kubeletToken: string;
  log: Logger;
}

const LOG_PARAMS = [
  'follow',
  'previous',
  'timestamps',
  'tailLines',
  'sinceSeconds',
  'sinceTime',
  'limitBytes',
];
const EXEC_PARAMS = ['command', 'stdin', 'stdout', 'stderr', 'tty'];

/** KEP-4006: a WebSocket sub-protocol that tunnels a SPDY one ("SPDY/3.1+portforward.k8s.io"). */
const TUNNELING_PREFIX = 'SPDY/3.1+';
const KUBERNETES_SUFFIX = '.k8s.io';

type Upgrade = 'websocket' | 'spdy';

function upgradeKind(req: IncomingMessage): Upgrade | undefined {
  const connection = (req.headers.connection ?? '').toLowerCase();
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  if (!connection.includes('upgrade')) return undefined;
  if (upgrade === 'websocket') return 'websocket';
  if (upgrade.includes('spdy/3.1')) return 'spdy';
  return undefined;
}

/** Every value of a header, each line kept apart (Node joins repeated headers with ", "). */
function headerValues(req: IncomingMessage, name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    if (req.rawHeaders[i]!.toLowerCase() === name) {
      values.push(
        ...req.rawHeaders[i + 1]!.split(',')
          .map((v) => v.trim())
          .filter(Boolean),
      );
    }
  }
  return values;
}

/** upstream's spdyProtocolsFromWebsocketProtocols: the SPDY protocols a tunneling client offers. */
function tunneledProtocols(req: IncomingMessage): string[] {
  return headerValues(req, 'sec-websocket-protocol')
    .filter((p) => p.startsWith(TUNNELING_PREFIX) && p.endsWith(KUBERNETES_SUFFIX))
    .map((p) => p.slice(TUNNELING_PREFIX.length));
}

interface Target {
  host: string;
  port: number;
  path: string;
}

interface PodShape {
  spec?: {
    nodeName?: string;
    containers?: Array<{ name: string }>;
    initContainers?: Array<{ name: string }>;
    ephemeralContainers?: Array<{ name: string }>;
  };
}

interface NodeShape {
  status?: {
    addresses?: Array<{ type: string; address: string }>;
    daemonEndpoints?: { kubeletEndpoint?: { Port?: number } };
  };
}

/** upstream's validateContainer: the one container when there is one, else the one named. */
export function podContainer(pod: ApiObject, requested: string | null): string {
  const spec = (pod as PodShape).spec ?? {};
  const name = pod.metadata.name ?? '';
  const all = [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? []),
  ].map((c) => c.name);
  if (!requested) {
    const containers = spec.containers ?? [];
    if (containers.length === 1) return containers[0]!.name;
    if (containers.length === 0) throw badRequest(`a container name must be specified for pod ${name}`);
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${all.join(' ')}]`);
  }
  if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${name}`);
  return requested;
}

/** A kubelet's refusal as upstream's GenericHttpResponseChecker turns it into a Status. */
export function kubeletError(code: number, body: string): ApiError {
  const text = body.trim();
  switch (code) {
    case 400:
      return badRequest(text);
    case 404:
      return statusError(404, 'NotFound', text);
    case 500:
      return statusError(500, 'InternalError', `Internal error occurred: ${text}`);
    default:
      return statusError(
        code,
        code === 401 ? 'Unauthorized' : code === 403 ? 'Forbidden' : 'InternalError',
        text,
      );
  }
}

const backendError = (err: Error): ApiError =>
  statusError(500, 'InternalError', `error dialing backend: ${err.message}`);

export class PodProxy {
  constructor(private readonly config: PodProxyConfig) {
    if (!config.kubeletToken) throw new Error('pod proxy: kubeletToken must not be empty');
  }

  /** The ResourceHandlerContext['podProxy'] hook. */
  readonly handle = async (req: IncomingMessage, res: ServerResponse, info: RequestInfo): Promise<void> => {
    const pods = findResource('', 'v1', 'pods')!;
    const query = new URL(req.url ?? '/', 'https://apiserver').searchParams;
    const pod = await this.config.registry.get(pods, info.namespace, info.name!);
    const nodeName = (pod as PodShape).spec?.nodeName;

    if (info.subresource === 'portforward') {
      if (req.method !== 'GET' && req.method !== 'POST') throw methodNotSupported(pods, req.method ?? '');
      if (!nodeName) throw badRequest(`pod ${info.name!} does not have a host assigned`);
      const kind = upgradeKind(req);
      if (!kind) throw badRequest('Upgrade request required');
      // upstream's PortForwardLocation: the PodPortForwardOptions' ports become `port` parameters
      const ports = new URLSearchParams();
      for (const value of query.getAll('ports')) ports.append('port', value);
      const path =
        `/portForward/${encodeURIComponent(info.namespace!)}/${encodeURIComponent(info.name!)}` +
        (ports.size ? `?${ports.toString()}` : '');
      const target = { ...(await this.kubelet(nodeName)), path };
      const tunneled = kind === 'websocket' ? tunneledProtocols(req) : [];
      if (tunneled.length) await this.tunnel(req, target, tunneled);
      else await this.upgrade(req, target, kind);
      return;
    }

    const container = podContainer(pod, query.get('container'));
    const path = (kind: string): string =>
      `/${kind}/${[info.namespace!, info.name!, container].map(encodeURIComponent).join('/')}`;

    if (info.subresource === 'log') {
      if (req.method !== 'GET') throw methodNotSupported(pods, req.method ?? '');
      if (!nodeName) {
        // upstream: no host yet, no location: an empty log
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end();
        return;
      }
      const target = await this.kubelet(nodeName);
      await this.streamLogs(req, res, {
        ...target,
        path: path('containerLogs') + forward(query, LOG_PARAMS),
      });
      return;
    }
    // exec: WebSocket (v5/v4.channel.k8s.io) or, for older clients, SPDY/3.1
    if (!nodeName) throw badRequest(`pod ${info.name!} does not have a host assigned`);
    const kind = upgradeKind(req);
    if (!kind) throw badRequest('Upgrade request required');
    const target = await this.kubelet(nodeName);
    await this.upgrade(req, { ...target, path: path('exec') + forward(query, EXEC_PARAMS) }, kind);
  };

  /** The node's kubelet address: InternalIP and the reported port. */
  private async kubelet(nodeName: string): Promise<{ host: string; port: number }> {
    const nodes = findResource('', 'v1', 'nodes')!;
    const node = (await this.config.registry.get(nodes, undefined, nodeName)) as ApiObject & NodeShape;
    const host = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port;
    if (!host || !port) {
      throw statusError(
        503,
        'ServiceUnavailable',
        `node "${nodeName}" reports no kubelet endpoint (address and port)`,
      );
    }
    return { host, port };
  }

  private options(
    target: Target,
    headers: Record<string, string | string[]>,
    method = 'GET',
  ): RequestOptions {
    return {
      host: target.host,
      port: target.port,
      path: target.path,
      method,
      ca: this.config.kubeletCa,
      headers: { ...headers, Authorization: `Bearer ${this.config.kubeletToken}` },
    };
  }

  private streamLogs(
    req: IncomingMessage,
    res: ServerResponse,
    target: { host: string; port: number; path: string },
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const upstream = httpsRequest(this.options(target, {}), (answer) => {
        const code = answer.statusCode ?? 500;
        if (code < 200 || code > 206) {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => reject(kubeletError(code, Buffer.concat(chunks).toString('utf8'))));
          answer.on('error', (err) => reject(backendError(err)));
          return;
        }
        res.writeHead(200, {
          'Content-Type': answer.headers['content-type'] ?? 'text/plain',
          'Cache-Control': 'no-cache, private',
        });
        answer.pipe(res);
        answer.on('end', () => resolve());
        answer.on('error', () => {
          res.destroy();
          resolve();
        });
      });
      upstream.on('error', (err) =>
        res.headersSent ? (res.destroy(), resolve()) : reject(backendError(err)),
      );
      // `logs -f` whose client went away: stop following on the kubelet too.
      res.on('close', () => upstream.destroy());
      req.on('close', () => {
        if (!res.writableEnded) upstream.destroy();
      });
      upstream.end();
    });
  }

  /** The headers that ask the kubelet for the same upgrade the client asked for. */
  private upgradeHeaders(req: IncomingMessage, kind: Upgrade): Record<string, string | string[]> {
    if (kind === 'spdy') {
      return {
        Connection: 'Upgrade',
        Upgrade: 'SPDY/3.1',
        'X-Stream-Protocol-Version': headerValues(req, 'x-stream-protocol-version'),
      };
    }
    const pass: Record<string, string> = { Connection: 'Upgrade', Upgrade: 'websocket' };
    for (const name of ['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol']) {
      const value = req.headers[name];
      if (typeof value === 'string') pass[name] = value;
    }
    return pass;
  }

  /** Sends the upgrade to the kubelet: its 101 (answer, socket, head) or a Status error. */
  private dialUpgrade(
    target: Target,
    headers: Record<string, string | string[]>,
    method: string,
  ): Promise<{ answer: IncomingMessage; kubelet: Duplex; head: Buffer }> {
    return new Promise((resolve, reject) => {
      const upstream = httpsRequest(this.options(target, headers, method));
      upstream.on('upgrade', (answer: IncomingMessage, kubelet: Duplex, head: Buffer) =>
        resolve({ answer, kubelet, head }),
      );
      upstream.on('response', (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => chunks.push(c));
        answer.on('end', () =>
          reject(kubeletError(answer.statusCode ?? 500, Buffer.concat(chunks).toString('utf8'))),
        );
      });
      upstream.on('error', (err) => reject(backendError(err)));
      upstream.end();
    });
  }

  /** Upgrades to the kubelet, answers the client's upgrade with the kubelet's 101, then relays bytes. */
  private async upgrade(req: IncomingMessage, target: Target, kind: Upgrade): Promise<void> {
    const client = req.socket as Duplex & { setTimeout?(ms: number): void };
    const { answer, kubelet, head } = await this.dialUpgrade(
      target,
      this.upgradeHeaders(req, kind),
      req.method === 'POST' ? 'POST' : 'GET',
    );
    const lines = [`HTTP/1.1 101 Switching Protocols`];
    for (let i = 0; i + 1 < answer.rawHeaders.length; i += 2) {
      lines.push(`${answer.rawHeaders[i]}: ${answer.rawHeaders[i + 1]}`);
    }
    client.setTimeout?.(0);
    client.write(lines.join('\r\n') + '\r\n\r\n');
    if (head.length) client.write(head);
    kubelet.pipe(client);
    client.pipe(kubelet);
    const close = (): void => {
      kubelet.destroy();
      client.destroy();
    };
    kubelet.on('error', close);
    client.on('error', close);
    kubelet.on('close', close);
    client.on('close', close);
  }

  /**
   * KEP-4006 tunnel: SPDY to the kubelet first; only once it has switched is the client's
   * WebSocket accepted, with the sub-protocol "SPDY/3.1+<what the kubelet chose>". Then each binary
   * message carries SPDY bytes to the kubelet, and the kubelet's bytes go back as binary messages.
   */
  private async tunnel(req: IncomingMessage, target: Target, protocols: string[]): Promise<void> {
    const { answer, kubelet, head } = await this.dialUpgrade(
      target,
      { Connection: 'Upgrade', Upgrade: 'SPDY/3.1', 'X-Stream-Protocol-Version': protocols },
      'POST',
    );
    const chosen = String(answer.headers['x-stream-protocol-version'] ?? '').trim();
    if (
      !String(answer.headers.upgrade ?? '')
        .toLowerCase()
        .includes('spdy/3.1')
    ) {
      kubelet.destroy();
      throw statusError(500, 'InternalError', 'unable to upgrade: missing upgrade headers in response');
    }
    const sockets = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: () => (chosen ? TUNNELING_PREFIX + chosen : false),
    });
    const client = req.socket as Duplex & { setTimeout?(ms: number): void };
    client.setTimeout?.(0);
    client.once('close', () => kubelet.destroy()); // also when the WebSocket handshake fails
    // `ws` checks offered sub-protocols against RFC 7230's token syntax, which "SPDY/3.1+..." is
    // not ('/' is a separator), and would refuse the handshake; Go's gorilla/websocket does not
    // check. The choice was made above, so hand `ws` a placeholder token to get past its parser.
    req.headers['sec-websocket-protocol'] = 'kconform-spdy-tunnel';
    sockets.handleUpgrade(req, client, Buffer.alloc(0), (ws) => relayTunnel(ws, kubelet, head, client));
  }
}

/** Bytes between a tunneling WebSocket and the kubelet's SPDY connection, both ways. */
function relayTunnel(ws: WebSocket, kubelet: Duplex, head: Buffer, client: Duplex): void {
  const HIGH_WATER = 1 << 20;
  if (head.length) ws.send(head, { binary: true });
  ws.on('message', (data: RawData) => {
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    if (!kubelet.write(bytes)) {
      client.pause(); // the client waits while the kubelet catches up
      kubelet.once('drain', () => client.resume());
    }
  });
  kubelet.on('data', (chunk: Buffer) => {
    ws.send(chunk, { binary: true });
    if ((ws as WebSocket & { bufferedAmount: number }).bufferedAmount > HIGH_WATER) {
      kubelet.pause();
      const wait = setInterval(() => {
        if (
          (ws as WebSocket & { bufferedAmount: number }).bufferedAmount <= HIGH_WATER ||
          ws.readyState !== 1
        ) {
          clearInterval(wait);
          kubelet.resume();
        }
      }, 10);
    }
  });
  const closeClient = (): void => {
    if (ws.readyState === 1) ws.close(1000);
  };
  kubelet.on('end', closeClient);
  kubelet.on('close', closeClient);
  kubelet.on('error', closeClient);
  ws.on('close', () => kubelet.destroy());
  ws.on('error', () => kubelet.destroy());
}

/** The query parameters the kubelet takes, in order. */
function forward(query: URLSearchParams, names: string[]): string {
  const out = new URLSearchParams();
  for (const name of names) for (const value of query.getAll(name)) out.append(name, value);
  const text = out.toString();
  return text ? `?${text}` : '';
}
