// Starts a reference apiserver over a fresh embedded store in a temp dir, for tests: in-process
// (the handler for supertest) and, on request, listening on loopback; or the full secure set-up
// (HTTPS with the cluster CA, a bearer token, a kubeconfig) for kubectl and client-node.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { silentLogger } from '../../../../common/src/log.ts';
import { ApiServer } from '../../src/apiserver.ts';
import { tokenFileAuthenticator } from '../../src/http/authn.ts';
import { applyPatch } from '../../src/http/patcher.ts';
import { upstreamRules } from '../../src/registry/rules.ts';
import { openEmbeddedStore, type EmbeddedStore } from '../../src/store/embedded-store.ts';
import { openPki } from '../../../cluster/src/pki.ts';
import { writeKubeconfig } from '../../../cluster/src/kubeconfig.ts';

export interface TestApi {
  handler: RequestListener;
  store: EmbeddedStore;
  server: ApiServer;
  /** Listens on 127.0.0.1 (plain HTTP) and resolves with the base URL. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

export interface SecureTestApi extends TestApi {
  url: string;
  caFile: string;
  token: string;
  kubeconfigPath: string;
}

export interface TestApiOptions {
  progressIntervalMs?: number;
  compactionIntervalMs?: number;
}

async function build(options: TestApiOptions, secure: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'kconform-api-'));
  const store = await openEmbeddedStore({
    dataDir: join(dir, 'store'),
    ...(options.progressIntervalMs ? { progressIntervalMs: options.progressIntervalMs } : {}),
  });
  let tls: { certFile: string; keyFile: string } | undefined;
  let token = '';
  let caFile = '';
  let authenticate;
  if (secure) {
    const pki = await openPki(join(dir, 'pki'));
    const serving = await pki.serving('apiserver', ['127.0.0.1'], ['localhost', 'kubernetes.default.svc']);
    tls = { certFile: serving.cert, keyFile: serving.key };
    caFile = pki.ca.cert;
    token = randomBytes(16).toString('hex');
    const tokenFile = join(dir, 'tokens.csv');
    writeFileSync(tokenFile, `${token},kconform-admin,admin-uid,"system:masters"\n`);
    authenticate = tokenFileAuthenticator(tokenFile);
  }
  const server = new ApiServer({
    store,
    rules: upstreamRules(),
    patcher: applyPatch,
    log: silentLogger,
    ...(options.compactionIntervalMs !== undefined
      ? { compactionIntervalMs: options.compactionIntervalMs }
      : {}),
    ...(tls ? { tls } : {}),
    ...(authenticate ? { authenticate } : {}),
  });
  let listening = false;
  const api: TestApi = {
    handler: server.listener.listeners('request')[0] as RequestListener,
    store,
    server,
    async listen() {
      listening = true;
      return server.start();
    },
    async close() {
      if (listening) await server.stop();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return { api, dir, token, caFile };
}

export async function startTestApi(options: TestApiOptions = {}): Promise<TestApi> {
  const { api } = await build(options, false);
  await api.server.bootstrap();
  return api;
}

export async function startSecureTestApi(options: TestApiOptions = {}): Promise<SecureTestApi> {
  const { api, dir, token, caFile } = await build(options, true);
  const url = await api.listen();
  const kubeconfigPath = join(dir, 'kubeconfig');
  const { readFileSync } = await import('node:fs');
  writeKubeconfig(kubeconfigPath, { server: url, caPem: readFileSync(caFile, 'utf8'), token });
  return { ...api, url, caFile, token, kubeconfigPath };
}
