// The kubelet API: HTTPS on the node's address, a bearer token the apiserver presents, and the
// endpoints upstream's kubelet serves for `kubectl logs` and `kubectl exec` (pkg/kubelet/server):
// GET /healthz, GET /pods, GET /containerLogs/{ns}/{pod}/{container}, and /exec/{ns}/{pod}/{container}
// over WebSocket (channel.k8s.io v5, v4). Port-forward is not served.
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { V1Pod } from '@kubernetes/client-node';
import { WebSocketServer } from 'ws';
import type { Logger } from '../../../../common/src/log.ts';
import type { ContainerRuntime, ExecSession } from '../runtime/container-runtime.ts';
import { KubeletApiError, containerInstances, logContainerId, parseLogQuery } from './container-logs.ts';
import { EXEC_PROTOCOLS, failureStatus, finish, pumpExec } from './exec-channel.ts';

export interface KubeletServerConfig {
  /** Serving certificate and key (PEM file paths). */
  tls: { certFile: string; keyFile: string };
  /** The bearer token every request must present (the apiserver's). */
  token: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The pods bound to this node, as the kubelet last saw them. */
  pods: () => readonly V1Pod[];
  runtime: ContainerRuntime;
  log: Logger;
}

export class KubeletServer {
  private readonly server: Server;
  private readonly sockets = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => EXEC_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  private readonly log: Logger;
  private readonly token: Buffer;

  constructor(private readonly config: KubeletServerConfig) {
    if (!config.token) throw new Error('kubelet API: token must not be empty');
    if (
      config.port !== undefined &&
      (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535)
    ) {
      throw new Error(`kubelet API: port ${config.port} is not a port number (0-65535)`);
    }
    this.log = config.log.child({ component: 'kubelet-api' });
    this.token = Buffer.from(config.token);
    this.server = createServer(
      { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) },
      (req, res) => void this.serve(req, res),
    );
    this.server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
    this.server.requestTimeout = 0; // logs -f and exec run as long as they run
  }

  /** Listens; resolves with the port. */
  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.port ?? 0, this.config.host ?? '127.0.0.1', () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    this.log.info('kubelet API serving', { port });
    return port;
  }

  async stop(): Promise<void> {
    this.sockets.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private authorized(req: IncomingMessage): boolean {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!match) return false;
    const given = Buffer.from(match[1]!);
    return given.length === this.token.length && timingSafeEqual(given, this.token);
  }

  private findPod(namespace: string, name: string): V1Pod {
    const pod = this.config
      .pods()
      .find((p) => p.metadata?.namespace === namespace && p.metadata?.name === name);
    if (!pod) throw new KubeletApiError(404, `pod "${name}" does not exist`);
    return pod;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    try {
      if (!this.authorized(req)) throw new KubeletApiError(401, 'Unauthorized');
      if (req.method !== 'GET') throw new KubeletApiError(405, `${req.method} is not allowed`);
      if (url.pathname === '/healthz') return text(res, 200, 'ok');
      if (url.pathname === '/pods') {
        const body = JSON.stringify({
          kind: 'PodList',
          apiVersion: 'v1',
          metadata: {},
          items: this.config.pods(),
        });
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
        return;
      }
      if (parts[0] === 'containerLogs' && parts.length === 4) {
        return await this.containerLogs(req, res, parts[1]!, parts[2]!, parts[3]!, url.searchParams);
      }
      if (parts[0] === 'exec') throw new KubeletApiError(400, 'Upgrade request required');
      throw new KubeletApiError(404, '404 page not found');
    } catch (err) {
      if (!(err instanceof KubeletApiError))
        this.log.warn('kubelet API request failed', { path: url.pathname, err });
      if (res.headersSent) res.destroy();
      else text(res, err instanceof KubeletApiError ? err.code : 500, (err as Error).message);
    }
  }

  private async containerLogs(
    req: IncomingMessage,
    res: ServerResponse,
    namespace: string,
    podName: string,
    container: string,
    query: URLSearchParams,
  ): Promise<void> {
    const pod = this.findPod(namespace, podName);
    const options = parseLogQuery(query);
    const id = await logContainerId(this.config.runtime, pod, container, options.previous);
    const stream = await this.config.runtime.logStream(id, options);
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache' });
    let left = options.limitBytes ?? Infinity;
    const stop = (): void => (stream as NodeJS.ReadableStream & { destroy(): void }).destroy();
    stream.on('data', (chunk: Buffer) => {
      if (left <= 0) return;
      const part = chunk.length > left ? chunk.subarray(0, left) : chunk;
      left -= part.length;
      res.write(part);
      if (left <= 0) {
        res.end();
        stop();
      }
    });
    stream.on('end', () => res.end());
    stream.on('error', () => res.destroy());
    req.on('close', stop);
    res.on('close', stop);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    const refuse = (code: number, message: string): void => {
      socket.end(
        `HTTP/1.1 ${code} ${code === 401 ? 'Unauthorized' : code === 404 ? 'Not Found' : 'Bad Request'}\r\n` +
          `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message)}\r\n` +
          `Connection: close\r\n\r\n${message}`,
      );
    };
    if (!this.authorized(req)) return refuse(401, 'Unauthorized');
    if (parts[0] !== 'exec' || parts.length !== 4) return refuse(404, '404 page not found');
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!EXEC_PROTOCOLS.some((p) => offered.includes(p))) {
      return refuse(
        400,
        `none of the offered subprotocols is supported: want one of ${EXEC_PROTOCOLS.join(', ')}`,
      );
    }
    const [, namespace, podName, container] = parts as [string, string, string, string];
    let pod: V1Pod;
    try {
      pod = this.findPod(namespace, podName);
    } catch (err) {
      return refuse((err as KubeletApiError).code, (err as Error).message);
    }
    const query = url.searchParams;
    const command = query.getAll('command');
    if (command.length === 0) return refuse(400, 'you must specify at least 1 command');
    this.sockets.handleUpgrade(req, socket, head, (ws) => {
      const start = async (): Promise<ExecSession> => {
        const current = (await containerInstances(this.config.runtime, pod, container))[0];
        if (!current || current.state !== 'running') throw new Error(`container not found ("${container}")`);
        return this.config.runtime.execSession(current.id, command, {
          stdin: query.get('stdin') === 'true' || query.get('input') === '1',
          tty: query.get('tty') === 'true' || query.get('tty') === '1',
        });
      };
      pumpExec(ws, start, command, this.log).catch((err: unknown) => {
        this.log.warn('exec failed', { namespace, pod: podName, container, err });
        finish(ws, failureStatus((err as Error).message));
      });
    });
  }
}

function text(res: ServerResponse, code: number, body: string): void {
  res.writeHead(code, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
  });
  res.end(body);
}
