// The apiserver's request handler: authentication, the non-resource paths (health, version,
// metrics, OpenAPI, discovery), then the resource verbs. Every failure leaves as a metav1.Status
// with its code. It is a plain node:http listener, so tests drive it in-process with supertest.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { ApiError, internalError, notFoundPath, unauthorized } from '../api-error.ts';
import type { Logger } from '../../../../common/src/log.ts';
import type { Registry } from '../registry/registry.ts';
import type { Authenticator, User } from './authn.ts';
import { kubernetesVerb, type AuditLog } from './audit.ts';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.ts';
import { RequestMetrics } from './metrics.ts';
import type { SchemaIndex } from '../openapi/schema-model.ts';
import { parseRequestPath } from './request-info.ts';
import { handleResource, type Patcher, type ResourceHandlerContext } from './resource-handler.ts';

export interface OpenApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface HandlerOptions {
  registry: Registry;
  patcher: Patcher;
  schemas?: SchemaIndex;
  log: Logger;
  /** No authenticator: every request is anonymous and allowed (in-process tests only). */
  authenticate?: Authenticator;
  podProxy?: ResourceHandlerContext['podProxy'];
  /** Reported by /readyz: false while the store is not reachable. */
  ready?: () => Promise<boolean>;
  metrics?: RequestMetrics;
  audit?: AuditLog;
  /** Serves /openapi/v2 and /openapi/v3[...]; undefined when the path is not one of its own. */
  openapi?: (path: string, query: URLSearchParams, req: IncomingMessage) => OpenApiResponse | undefined;
}

// Paths upstream lets anyone read (system:public-info-viewer).
const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

export function createHandler(options: HandlerOptions): RequestListener {
  const { log } = options;
  const metrics = options.metrics ?? new RequestMetrics();
  const ctx: ResourceHandlerContext = {
    registry: options.registry,
    patcher: options.patcher,
    ...(options.schemas ? { schemas: options.schemas } : {}),
    ...(options.podProxy ? { podProxy: options.podProxy } : {}),
  };

  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://apiserver');
    const started = performance.now();
    const received = new Date();
    let user: User | undefined;

    const reply = (code: number, body: unknown): void => {
      if (res.headersSent) return;
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(code, {
        'Content-Type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
        'Content-Length': Buffer.byteLength(text),
        'Cache-Control': 'no-cache, private',
      });
      res.end(text);
    };
    const fail = (err: unknown): void => {
      const apiError = err instanceof ApiError ? err : internalError(err);
      if (!(err instanceof ApiError))
        log.error('request failed', { method: req.method, path: url.pathname, err });
      if (res.headersSent) {
        res.end();
        return;
      }
      reply(apiError.status.code, apiError.status);
    };

    const serve = async (): Promise<void> => {
      user = options.authenticate?.(req);
      if (options.authenticate && !user && !PUBLIC_PATHS.has(url.pathname)) throw unauthorized();
      const path = url.pathname.replace(/\/+$/, '') || '/';
      if (path.startsWith('/openapi/') && options.openapi) {
        const doc = options.openapi(path, url.searchParams, req);
        if (doc) {
          res.writeHead(doc.status, { ...doc.headers, 'Content-Length': Buffer.byteLength(doc.body) });
          res.end(doc.body);
          return;
        }
      }
      switch (path) {
        case '/healthz':
        case '/livez':
          return reply(200, 'ok');
        case '/readyz':
          return (await (options.ready?.() ?? Promise.resolve(true)))
            ? reply(200, 'ok')
            : reply(500, '[-]store failed: not reachable\nreadyz check failed');
        case '/version':
          return reply(200, versionInfo());
        case '/metrics':
          res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
          res.end(metrics.render());
          return;
        case '/api':
          return reply(200, apiVersions(`${req.socket.localAddress ?? ''}:${req.socket.localPort ?? ''}`));
        case '/apis':
          return reply(200, apiGroupList());
      }
      const request = parseRequestPath(path);
      if (!request.isResourceRequest) {
        const doc = request.version
          ? apiResourceList(request.group, request.version)
          : path.startsWith('/apis/')
            ? apiGroup(path.split('/')[2] ?? '')
            : undefined;
        if (doc && req.method === 'GET') return reply(200, doc);
        throw notFoundPath();
      }
      await handleResource(ctx, req, res, request, url.searchParams, reply);
    };

    // Recorded when the response is done (for a watch: when it ends).
    res.once('close', () => {
      const info = parseRequestPath(url.pathname);
      const verb = kubernetesVerb(req.method ?? 'GET', info, url.searchParams);
      const seconds = (performance.now() - started) / 1000;
      metrics.record({
        verb: verb.toUpperCase(),
        group: info.group,
        version: info.version,
        resource: info.resource ?? '',
        subresource: info.subresource ?? '',
        code: res.statusCode,
        seconds,
      });
      options.audit?.write({
        info,
        verb,
        method: req.method ?? 'GET',
        requestURI: req.url ?? '/',
        user,
        sourceIP: req.socket.remoteAddress ?? '',
        code: res.statusCode,
        received,
        userAgent: req.headers['user-agent'],
      });
      log.debug('request', {
        method: req.method,
        path: url.pathname,
        code: res.statusCode,
        ms: Math.round(seconds * 1000),
      });
    });
    serve().catch(fail);
  };
}
