// The kubelet API: HTTPS on the node's address, a bearer token the apiserver presents, and the
// endpoints upstream's kubelet serves for `kubectl logs`, `exec` and `port-forward`
// (pkg/kubelet/server): GET /healthz, GET /pods, GET /metrics and /metrics/probes (Prometheus text), GET /containerLogs/{ns}/{pod}/{container},
// /exec/{ns}/{pod}/{container} over WebSocket (channel.k8s.io v5, v4) or SPDY/3.1
// (v4.channel.k8s.io), and /portForward/{ns}/{pod}[/{uid}] over SPDY/3.1 (portforward.k8s.io) or
// WebSocket (v4.channel.k8s.io, v4.base64.channel.k8s.io).
import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { V1Pod } from '@kubernetes/client-node';
import { WebSocketServer } from 'ws';
import type { Logger } from '../../../../common/src/log.ts';
import { METRICS_CONTENT_TYPE } from '../../../../common/src/metrics.ts';
import { SpdySession } from '../../../../common/src/spdy/session.ts';
import type { ContainerRuntime, ExecSession } from '../runtime/container-runtime.ts';
import { KubeletApiError, containerInstances, logContainerId, parseLogQuery } from './container-logs.ts';
import { EXEC_PROTOCOLS, failureStatus, finish, pumpExec } from './exec-channel.ts';
import { checkExecStream, serveExecSpdy, SPDY_EXEC_PROTOCOLS } from './exec-spdy.ts';
import { NetnsDialer } from './netns-dialer.ts';
import { PodPortForwarder, type PodSandboxRef } from './port-forward.ts';
import {
  checkPortForwardStream,
  PORT_FORWARD_PROTOCOL_V1,
  servePortForwardSpdy,
} from './port-forward-spdy.ts';
import {
  parsePorts,
  servePortForwardWebSocket,
  WS_PORT_FORWARD_PROTOCOLS,
} from './port-forward-websocket.ts';
import { acceptSpdy, isSpdyUpgrade, isWebSocketUpgrade, negotiate, refuseUpgrade } from './spdy-upgrade.ts';

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
  /** What /metrics and /metrics/probes serve; absent: 404, as a kubelet without them. */
  metrics?: { render(): string; renderProbes(): string };
  /** Connects into pods' network namespaces for port-forward; made (and stopped) here when absent. */
  dialer?: NetnsDialer;
}

export class KubeletServer {
  private readonly server: Server;
  private readonly sockets = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => EXEC_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  /** Port-forward WebSockets: upstream's wsstream answers "" (no sub-protocol) as binary v4. */
  private readonly portForwardSockets = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    handleProtocols: (offered) => WS_PORT_FORWARD_PROTOCOLS.find((p) => offered.has(p)) ?? false,
  });
  private readonly log: Logger;
  private readonly token: Buffer;
  private readonly dialer: NetnsDialer;
  private readonly ownDialer: boolean;
  private readonly portForwarder: PodPortForwarder;

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
    this.ownDialer = !config.dialer;
    this.dialer = config.dialer ?? new NetnsDialer({ log: this.log });
    this.portForwarder = new PodPortForwarder(config.runtime, this.dialer, this.log);
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
    this.portForwardSockets.close();
    if (this.ownDialer) this.dialer.stop();
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
      if (this.config.metrics && (url.pathname === '/metrics' || url.pathname === '/metrics/probes')) {
        const body =
          url.pathname === '/metrics' ? this.config.metrics.render() : this.config.metrics.renderProbes();
        res.writeHead(200, {
          'Content-Type': METRICS_CONTENT_TYPE,
          'Content-Length': Buffer.byteLength(body),
        });
        res.end(body);
        return;
      }
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
      if (parts[0] === 'exec' || parts[0] === 'portForward') {
        throw new KubeletApiError(400, 'Upgrade request required');
      }
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
    const refuse = (code: number, message: string, headers?: Record<string, string[]>): void =>
      refuseUpgrade(socket, code, message, headers);
    if (!this.authorized(req)) return refuse(401, 'Unauthorized');
    const exec = parts[0] === 'exec' && parts.length === 4;
    const portForward = parts[0] === 'portForward' && (parts.length === 3 || parts.length === 4);
    if (!exec && !portForward) return refuse(404, '404 page not found');
    let pod: V1Pod;
    try {
      pod = this.findPod(parts[1]!, parts[2]!);
      // /portForward/{ns}/{pod}/{uid}: a pod of that name but another uid is not the one meant
      if (portForward && parts[3] && pod.metadata?.uid !== parts[3]) {
        throw new KubeletApiError(404, 'pod not found');
      }
    } catch (err) {
      return refuse((err as KubeletApiError).code ?? 500, (err as Error).message);
    }
    if (head.length) socket.unshift(head);
    if (portForward) {
      void this.portForward(req, socket, pod, url.searchParams);
      return;
    }
    if (isSpdyUpgrade(req)) return this.execSpdy(req, socket, pod, parts[3]!, url.searchParams);
    this.execWebSocket(req, socket, pod, parts[3]!, url.searchParams);
  }

  private execStarter(pod: V1Pod, container: string, command: string[], query: URLSearchParams) {
    return async (): Promise<ExecSession> => {
      const current = (await containerInstances(this.config.runtime, pod, container))[0];
      if (!current || current.state !== 'running') throw new Error(`container not found ("${container}")`);
      return this.config.runtime.execSession(current.id, command, {
        stdin: query.get('stdin') === 'true' || query.get('input') === '1',
        tty: query.get('tty') === 'true' || query.get('tty') === '1',
      });
    };
  }

  private execWebSocket(
    req: IncomingMessage,
    socket: Duplex,
    pod: V1Pod,
    container: string,
    query: URLSearchParams,
  ): void {
    const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
    if (!EXEC_PROTOCOLS.some((p) => offered.includes(p))) {
      return refuseUpgrade(
        socket,
        400,
        `none of the offered subprotocols is supported: want one of ${EXEC_PROTOCOLS.join(', ')}`,
      );
    }
    const command = query.getAll('command');
    if (command.length === 0) return refuseUpgrade(socket, 400, 'you must specify at least 1 command');
    const start = this.execStarter(pod, container, command, query);
    this.sockets.handleUpgrade(req, socket, Buffer.alloc(0), (ws) => {
      pumpExec(ws, start, command, this.log).catch((err: unknown) => {
        this.log.warn('exec failed', { pod: pod.metadata?.name, container, err });
        finish(ws, failureStatus((err as Error).message));
      });
    });
  }

  private execSpdy(
    req: IncomingMessage,
    socket: Duplex,
    pod: V1Pod,
    container: string,
    query: URLSearchParams,
  ): void {
    const command = query.getAll('command');
    if (command.length === 0) return refuseUpgrade(socket, 400, 'you must specify at least 1 command');
    const handshake = negotiate(req, SPDY_EXEC_PROTOCOLS);
    if (!handshake.ok) return refuseUpgrade(socket, handshake.code, handshake.message, handshake.headers);
    const flag = (name: string, legacy: string): boolean =>
      query.get(name) === 'true' || query.get(legacy) === '1';
    const wanted = {
      stdin: flag('stdin', 'input'),
      stdout: flag('stdout', 'output'),
      stderr: flag('stderr', 'error'),
      tty: flag('tty', 'tty'),
    };
    if (!wanted.stdin && !wanted.stdout && !wanted.stderr) {
      return refuseUpgrade(socket, 400, 'you must specify at least 1 of stdin, stdout, stderr');
    }
    acceptSpdy(socket, handshake.protocol);
    const session = new SpdySession(socket, { server: true, accept: checkExecStream, log: this.log });
    serveExecSpdy(session, {
      wanted,
      command,
      start: this.execStarter(pod, container, command, query),
      log: this.log,
    });
  }

  /** Port-forward: SPDY (kubectl, and the apiserver's WebSocket tunnel) or WebSocket. */
  private async portForward(
    req: IncomingMessage,
    socket: Duplex,
    pod: V1Pod,
    query: URLSearchParams,
  ): Promise<void> {
    const spdy = isSpdyUpgrade(req);
    let ports: number[] = [];
    if (!spdy) {
      if (!isWebSocketUpgrade(req)) return refuseUpgrade(socket, 400, 'Upgrade request required');
      const parsed = parsePorts(query);
      if (typeof parsed === 'string') return refuseUpgrade(socket, 400, parsed);
      ports = parsed;
    }
    const handshake = spdy ? negotiate(req, [PORT_FORWARD_PROTOCOL_V1]) : undefined;
    if (handshake && !handshake.ok) {
      return refuseUpgrade(socket, handshake.code, handshake.message, handshake.headers);
    }
    let sandbox: PodSandboxRef;
    try {
      sandbox = await this.portForwarder.sandbox(pod);
    } catch (err) {
      return refuseUpgrade(socket, (err as KubeletApiError).code ?? 500, (err as Error).message);
    }
    const forward = (port: number, data: Duplex): Promise<void> =>
      this.portForwarder.forward(sandbox, port, data);
    if (handshake?.ok) {
      acceptSpdy(socket, handshake.protocol);
      const session = new SpdySession(socket, {
        server: true,
        accept: checkPortForwardStream,
        log: this.log,
      });
      servePortForwardSpdy(session, { forward, log: this.log });
      return;
    }
    this.portForwardSockets.handleUpgrade(req, socket, Buffer.alloc(0), (ws) => {
      servePortForwardWebSocket(ws, { ports, forward, log: this.log }).catch((err: unknown) =>
        this.log.warn('port-forward over WebSocket failed', { pod: pod.metadata?.name, err }),
      );
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
