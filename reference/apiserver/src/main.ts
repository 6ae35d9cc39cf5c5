// The reference apiserver as a process: `node --import tsx reference/apiserver/src/main.ts
// --data-dir DIR [--store embedded|etcd] [--etcd-servers URL,...] [--secure-port N]
// [--bind-address 127.0.0.1] [--tls-cert-file F --tls-private-key-file F] [--token-auth-file F]
// [--audit-log-path F] [--service-cluster-ip-range CIDR] [--default-not-ready-toleration-seconds N]
// [--default-unreachable-toleration-seconds N]`. Flags are named as kube-apiserver's.
// Prints `listening on URL` on stdout once it serves; SIGTERM/SIGINT stop it cleanly.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { createLogger, levelFromEnv } from '../../../common/src/log.ts';
import { ApiServer } from './apiserver.ts';
import { tokenFileAuthenticator } from './http/authn.ts';
import { applyPatch } from './http/patcher.ts';
import { upstreamRules } from './registry/rules.ts';
import { DEFAULT_SERVICE_NETWORK } from './registry/service-allocator.ts';
import { openEmbeddedStore } from './store/embedded-store.ts';
import { createEtcdStore } from './store/etcd-store.ts';
import type { Store } from './store/store.ts';

const FLAGS = {
  'data-dir': { type: 'string' },
  store: { type: 'string', default: 'embedded' },
  'etcd-servers': { type: 'string' },
  'etcd-prefix': { type: 'string', default: '/registry-kconform' },
  'bind-address': { type: 'string', default: '127.0.0.1' },
  'secure-port': { type: 'string', default: '0' },
  'tls-cert-file': { type: 'string' },
  'tls-private-key-file': { type: 'string' },
  'token-auth-file': { type: 'string' },
  'audit-log-path': { type: 'string' },
  'service-cluster-ip-range': { type: 'string', default: DEFAULT_SERVICE_NETWORK.serviceCidr },
  'kubelet-certificate-authority': { type: 'string' },
  'kubelet-token-file': { type: 'string' },
  'default-not-ready-toleration-seconds': { type: 'string', default: '300' },
  'default-unreachable-toleration-seconds': { type: 'string', default: '300' },
} as const;

function fail(message: string): never {
  process.stderr.write(`kconform-apiserver: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    fail((err as Error).message);
  }
  const tolerationSeconds = (
    flag: 'default-not-ready-toleration-seconds' | 'default-unreachable-toleration-seconds',
  ) => {
    const text = values[flag];
    if (!/^\d+$/.test(text)) fail(`--${flag}: "${text}" is not a whole number of seconds`);
    return Number(text);
  };
  const admission = {
    defaultNotReadyTolerationSeconds: tolerationSeconds('default-not-ready-toleration-seconds'),
    defaultUnreachableTolerationSeconds: tolerationSeconds('default-unreachable-toleration-seconds'),
  };
  const log = createLogger({ level: levelFromEnv(process.env, 'info'), fields: { component: 'apiserver' } });
  let store: Store;
  if (values.store === 'embedded') {
    if (!values['data-dir']) fail('--data-dir is required with --store embedded');
    store = await openEmbeddedStore({ dataDir: join(values['data-dir'], 'store'), logger: log });
  } else if (values.store === 'etcd') {
    if (!values['etcd-servers']) fail('--etcd-servers is required with --store etcd');
    store = createEtcdStore({
      endpoints: values['etcd-servers'].split(','),
      keyPrefix: values['etcd-prefix'],
      logger: log,
    });
  } else {
    fail(`--store ${values.store}: must be one of embedded, etcd`);
  }
  const tls =
    values['tls-cert-file'] && values['tls-private-key-file']
      ? { certFile: values['tls-cert-file'], keyFile: values['tls-private-key-file'] }
      : undefined;
  if (!tls && (values['tls-cert-file'] || values['tls-private-key-file'])) {
    fail('--tls-cert-file and --tls-private-key-file go together');
  }
  const kubeletCa = values['kubelet-certificate-authority'];
  const kubeletTokenFile = values['kubelet-token-file'];
  if (Boolean(kubeletCa) !== Boolean(kubeletTokenFile)) {
    fail('--kubelet-certificate-authority and --kubelet-token-file go together');
  }
  const port = Number(values['secure-port']);
  const server = new ApiServer({
    store,
    rules: upstreamRules(admission),
    patcher: applyPatch,
    log,
    host: values['bind-address'],
    port,
    serviceNetwork: { ...DEFAULT_SERVICE_NETWORK, serviceCidr: values['service-cluster-ip-range'] },
    ...(tls ? { tls } : {}),
    ...(values['token-auth-file'] ? { authenticate: tokenFileAuthenticator(values['token-auth-file']) } : {}),
    ...(values['audit-log-path'] ? { auditLogPath: values['audit-log-path'] } : {}),
    ...(kubeletCa && kubeletTokenFile
      ? {
          kubeletClient: {
            ca: readFileSync(kubeletCa),
            token: readFileSync(kubeletTokenFile, 'utf8').trim(),
          },
        }
      : {}),
  });
  const url = await server.start();
  process.stdout.write(`listening on ${url}\n`);
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    await store.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err: unknown) => fail((err as Error).stack ?? String(err)));
