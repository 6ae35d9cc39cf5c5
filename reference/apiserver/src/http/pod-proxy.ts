// pods/log and pods/exec: proxied to the kubelet API of the pod's node, as upstream's apiserver
// does (pkg/registry/core/pod/strategy.go LogLocation/ExecLocation, the streamer and the
// upgrade-aware proxy). The node's InternalIP and status.daemonEndpoints.kubeletEndpoint.Port say
// where; the connection is HTTPS checked against the cluster CA, with the kubelet token. Logs are
// streamed through; exec is a WebSocket upgrade, after which bytes flow both ways untouched.
// pods/portforward is not served.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { Duplex } from 'node:stream';
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
    if (info.subresource === 'portforward') {
      throw statusError(503, 'ServiceUnavailable', 'portforward is not supported by this apiserver');
    }
    const query = new URL(req.url ?? '/', 'https://apiserver').searchParams;
    const pod = await this.config.registry.get(pods, info.namespace, info.name!);
    const container = podContainer(pod, query.get('container'));
    const nodeName = (pod as PodShape).spec?.nodeName;
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
    // exec
    if (!nodeName) throw badRequest(`pod ${info.name!} does not have a host assigned`);
    if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      throw badRequest('Upgrade request required: pods/exec is served over WebSocket (v5.channel.k8s.io)');
    }
    const target = await this.kubelet(nodeName);
    await this.upgrade(req, { ...target, path: path('exec') + forward(query, EXEC_PARAMS) });
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
    target: { host: string; port: number; path: string },
    headers: Record<string, string>,
  ): RequestOptions {
    return {
      host: target.host,
      port: target.port,
      path: target.path,
      method: 'GET',
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

  /** Upgrades to the kubelet, answers the client's upgrade with the kubelet's 101, then relays bytes. */
  private upgrade(req: IncomingMessage, target: { host: string; port: number; path: string }): Promise<void> {
    const client = req.socket as Duplex & { setTimeout?(ms: number): void };
    const pass: Record<string, string> = { Connection: 'Upgrade', Upgrade: 'websocket' };
    for (const name of ['sec-websocket-key', 'sec-websocket-version', 'sec-websocket-protocol']) {
      const value = req.headers[name];
      if (typeof value === 'string') pass[name] = value;
    }
    return new Promise((resolve, reject) => {
      const upstream = httpsRequest(this.options(target, pass));
      upstream.on('upgrade', (answer: IncomingMessage, kubelet: Duplex, head: Buffer) => {
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
        resolve();
      });
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
}

/** The query parameters the kubelet takes, in order. */
function forward(query: URLSearchParams, names: string[]): string {
  const out = new URLSearchParams();
  for (const name of names) for (const value of query.getAll(name)) out.append(name, value);
  const text = out.toString();
  return text ? `?${text}` : '';
}
