// The cluster under test, known only through the kubeconfig named by KUBECONFIG. Typed clients from
// @kubernetes/client-node for ordinary calls; `request()` for what the typed clients hide: raw
// bodies (unknown fields, exact JSON), response headers (warnings) and patch content types.
import {
  CoordinationV1Api,
  CoreV1Api,
  EventsV1Api,
  KubeConfig,
  Watch,
  type Cluster as KubeconfigCluster,
} from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import { delimiter } from 'node:path';

export interface ApiRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Absolute API path, e.g. `/api/v1/namespaces/x/configmaps`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** A string is sent as is; anything else as JSON. */
  body?: unknown;
  /** Defaults to application/json when there is a body. */
  contentType?: string;
}

export interface ApiResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed JSON body; undefined when the body is empty or not JSON. */
  body: unknown;
}

export class Cluster {
  readonly kubeconfig: KubeConfig;
  readonly server: string;
  readonly core: CoreV1Api;
  readonly coordination: CoordinationV1Api;
  readonly events: EventsV1Api;
  readonly watcher: Watch;

  constructor(kubeconfig: KubeConfig, source: string) {
    const current: KubeconfigCluster | null = kubeconfig.getCurrentCluster();
    if (!current) {
      throw new Error(`${source}: the current context "${kubeconfig.getCurrentContext()}" names no cluster`);
    }
    this.kubeconfig = kubeconfig;
    this.server = current.server.replace(/\/+$/, '');
    this.core = kubeconfig.makeApiClient(CoreV1Api);
    this.coordination = kubeconfig.makeApiClient(CoordinationV1Api);
    this.events = kubeconfig.makeApiClient(EventsV1Api);
    this.watcher = new Watch(kubeconfig);
  }

  /** One HTTP request with the kubeconfig's credentials; never throws for an HTTP error status. */
  async request(req: ApiRequest): Promise<ApiResponse> {
    const url = new URL(this.server + req.path);
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const payload =
      req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    const options: https.RequestOptions = {
      method: req.method,
      headers: {
        Accept: 'application/json',
        ...(payload === undefined
          ? {}
          : {
              'Content-Type': req.contentType ?? 'application/json',
              'Content-Length': Buffer.byteLength(payload),
            }),
      },
    };
    await this.kubeconfig.applyToHTTPSOptions(options);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<ApiResponse>((resolve, reject) => {
      const call = transport.request(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown;
          try {
            body = text === '' ? undefined : JSON.parse(text);
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, body });
        });
      });
      call.on('error', (err) =>
        reject(
          new Error(`${req.method} ${url.pathname}${url.search} failed: ${err.message}`, { cause: err }),
        ),
      );
      if (payload !== undefined) call.write(payload);
      call.end();
    });
  }
}

/**
 * Loads the cluster under test from the kubeconfig file(s) named by KUBECONFIG. Fails with a message
 * saying what to do when the variable is unset or names a file that does not exist.
 */
export function loadCluster(env: NodeJS.ProcessEnv = process.env): Cluster {
  const setting = env.KUBECONFIG?.trim();
  if (!setting) {
    throw new Error(
      'KUBECONFIG is not set: the conformance suite reaches the cluster under test only through a ' +
        'kubeconfig; run it with KUBECONFIG=/path/to/kubeconfig',
    );
  }
  const files = setting.split(delimiter).filter((file) => file !== '');
  const missing = files.filter((file) => !existsSync(file));
  if (missing.length > 0) {
    throw new Error(`KUBECONFIG names ${missing.map((f) => `"${f}"`).join(', ')}, which does not exist`);
  }
  // Several files merge as kubectl merges them: the first file's current context wins.
  const kubeconfig = new KubeConfig();
  kubeconfig.loadFromFile(files[0]!);
  for (const file of files.slice(1)) {
    const more = new KubeConfig();
    more.loadFromFile(file);
    kubeconfig.mergeConfig(more, true);
  }
  return new Cluster(kubeconfig, `KUBECONFIG=${setting}`);
}
