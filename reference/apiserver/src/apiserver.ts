// One apiserver instance: the request handler served over HTTPS (or plain HTTP for in-process
// tests) on a loopback address. The store, rules and authenticator are handed in, so the same
// server runs over the embedded store or etcd.
import {
  createServer as createHttpServer,
  ServerResponse,
  type IncomingMessage,
  type Server,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import type { Logger } from '../../../common/src/log.ts';
import type { Authenticator } from './http/authn.ts';
import { createHandler } from './http/handler.ts';
import { OpenApiDocuments } from './openapi/openapi.ts';
import { PodProxy } from './http/pod-proxy.ts';
import { AuditLog } from './http/audit.ts';
import type { Patcher, ResourceHandlerContext } from './http/resource-handler.ts';
import { Registry } from './registry/registry.ts';
import { bootstrap } from './registry/bootstrap.ts';
import { ServiceAllocator, type ServiceNetwork } from './registry/service-allocator.ts';
import type { ObjectRules } from './registry/strategy.ts';
import type { Store } from './store/store.ts';

export interface ApiServerConfig {
  store: Store;
  rules: ObjectRules;
  patcher: Patcher;
  log: Logger;
  /** Loopback by default; the reference never listens on an outside address unless told. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Serving certificate and key (PEM file paths); absent: plain HTTP. */
  tls?: { certFile: string; keyFile: string; clientCaFile?: string };
  authenticate?: Authenticator;
  podProxy?: ResourceHandlerContext['podProxy'];
  /**
   * How to reach the kubelet API (CA of its serving certificates, bearer token): pods/log and
   * pods/exec are proxied there. Ignored when `podProxy` is given.
   */
  kubeletClient?: { ca: string | Buffer; token: string };
  /**
   * How often history is compacted, as upstream's apiserver does (--etcd-compaction-interval,
   * 5 minutes): each pass compacts up to the revision seen on the previous pass. 0 turns it off.
   */
  compactionIntervalMs?: number;
  /** Service range and node port range; upstream's defaults when absent. */
  serviceNetwork?: ServiceNetwork;
  /** Append one audit.k8s.io/v1 Event per request (level Metadata) to this file. */
  auditLogPath?: string;
}

export class ApiServer {
  readonly registry: Registry;
  private readonly server: Server;
  private readonly config: ApiServerConfig;
  private readonly audit: AuditLog | undefined;
  private readonly services: ServiceAllocator;
  private readonly openapi: OpenApiDocuments;
  private compactionTimer: NodeJS.Timeout | undefined;

  constructor(config: ApiServerConfig) {
    if (
      config.port !== undefined &&
      (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535)
    ) {
      throw new Error(`apiserver port ${config.port} is not a port number (0-65535)`);
    }
    this.config = config;
    this.services = new ServiceAllocator(config.store, config.serviceNetwork);
    this.registry = new Registry({ store: config.store, rules: config.rules, services: this.services });
    this.openapi = new OpenApiDocuments();
    this.audit = config.auditLogPath ? new AuditLog(config.auditLogPath) : undefined;
    const podProxy =
      config.podProxy ??
      (config.kubeletClient
        ? new PodProxy({
            registry: this.registry,
            kubeletCa: config.kubeletClient.ca,
            kubeletToken: config.kubeletClient.token,
            log: config.log,
          }).handle
        : undefined);
    const handler = createHandler({
      ...(this.audit ? { audit: this.audit } : {}),
      schemas: this.openapi.index,
      openapi: (path, query, req) => this.openapi.serve(path, query, req.headers, req.method),
      registry: this.registry,
      patcher: config.patcher,
      log: config.log,
      ...(config.authenticate ? { authenticate: config.authenticate } : {}),
      ...(podProxy ? { podProxy } : {}),
      ready: async () => {
        try {
          await config.store.currentRevision();
          return true;
        } catch {
          return false;
        }
      },
    });
    this.server = config.tls
      ? createHttpsServer(
          {
            cert: readFileSync(config.tls.certFile),
            key: readFileSync(config.tls.keyFile),
            ...(config.tls.clientCaFile
              ? { ca: readFileSync(config.tls.clientCaFile), requestCert: true, rejectUnauthorized: false }
              : {}),
          },
          handler,
        )
      : createHttpServer(handler);
    // Upgrade requests (pods/exec over WebSocket) go through the same handler, with a response
    // on the raw socket: errors leave as Status objects; the pod proxy takes the socket over.
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      if (head.length) socket.unshift(head);
      const res = new ServerResponse(req);
      res.assignSocket(socket);
      res.on('finish', () => socket.end());
      handler(req, res);
    });
    // Watches are long-lived: no request timeout, but keep idle sockets from piling up.
    this.server.requestTimeout = 0;
    this.server.keepAliveTimeout = 65_000;
  }

  /** Creates the system namespaces and the `kubernetes` Service, listens, and resolves with the base URL. */
  async start(): Promise<string> {
    await this.bootstrap();
    this.startCompaction();
    const host = this.config.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.config.port ?? 0, host, () => resolve());
    });
    const { port } = this.server.address() as AddressInfo;
    const url = `${this.config.tls ? 'https' : 'http'}://${host}:${port}`;
    this.config.log.info('apiserver listening', { url });
    return url;
  }

  private startCompaction(): void {
    const interval = this.config.compactionIntervalMs ?? 5 * 60_000;
    if (interval <= 0) return;
    let seen = 0;
    this.compactionTimer = setInterval(() => {
      void (async () => {
        const store = this.config.store;
        try {
          if (seen > (await store.compactedRevision())) await store.compact(seen);
          seen = await store.currentRevision();
        } catch (err) {
          // Another apiserver on the same etcd may have compacted further: harmless, next pass.
          this.config.log.debug('compaction skipped', { err });
        }
      })();
    }, interval);
    this.compactionTimer.unref();
  }

  /** Creates the system namespaces and the `kubernetes` Service when missing (start does it too). */
  async bootstrap(): Promise<void> {
    await bootstrap(this.registry, this.services.apiServiceIp);
  }

  /** Stops accepting, ends open watches and connections. Does not close the store (its owner does). */
  async stop(): Promise<void> {
    if (this.compactionTimer) clearInterval(this.compactionTimer);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
    await this.audit?.close();
  }

  get listener(): Server {
    return this.server;
  }
}
