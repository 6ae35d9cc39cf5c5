// The reference kubelet as a process: `node --import tsx reference/kubelet/src/main.ts
// --kubeconfig FILE --node-name NAME --node-index I --root-dir DIR --pod-infra-container-image IMG`.
// Prints `kubelet ready` once its node is registered; SIGTERM stops it and, with
// --cleanup-on-exit, removes everything of its node from the host (`kconform down`). With
// --tls-cert-file, --tls-private-key-file and --authentication-token-file (the token the
// apiserver presents) it serves the kubelet API on --port (0: a free one).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Docker from 'dockerode';
import * as k8s from '@kubernetes/client-node';
import { createLogger, levelFromEnv } from '../../../common/src/log.ts';
import { Kubelet } from './kubelet.ts';

const FLAGS = {
  kubeconfig: { type: 'string' },
  'node-name': { type: 'string' },
  'node-index': { type: 'string' },
  'root-dir': { type: 'string' },
  'pod-infra-container-image': { type: 'string' },
  'pod-range': { type: 'string' },
  'cleanup-on-exit': { type: 'boolean', default: false },
  'tls-cert-file': { type: 'string' },
  'tls-private-key-file': { type: 'string' },
  'authentication-token-file': { type: 'string' },
  port: { type: 'string', default: '0' },
  'cluster-dns': { type: 'string', default: '10.96.0.10' },
  'cluster-domain': { type: 'string', default: 'cluster.local' },
  'resolv-conf': { type: 'string', default: '/etc/resolv.conf' },
} as const;

function fail(message: string): never {
  process.stderr.write(`kconform-kubelet: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    fail((err as Error).message);
  }
  for (const required of [
    'kubeconfig',
    'node-name',
    'node-index',
    'root-dir',
    'pod-infra-container-image',
  ] as const) {
    if (!values[required]) fail(`--${required} is required`);
  }
  const apiFlags = [
    values['tls-cert-file'],
    values['tls-private-key-file'],
    values['authentication-token-file'],
  ];
  if (apiFlags.some(Boolean) && !apiFlags.every(Boolean)) {
    fail('--tls-cert-file, --tls-private-key-file and --authentication-token-file go together');
  }
  const log = createLogger({ level: levelFromEnv(process.env, 'info'), fields: { component: 'kubelet' } });
  const kubeconfig = new k8s.KubeConfig();
  kubeconfig.loadFromFile(values.kubeconfig!);
  const kubelet = new Kubelet({
    nodeName: values['node-name']!,
    nodeIndex: Number(values['node-index']),
    kubeconfig,
    docker: new Docker(),
    stateDir: values['root-dir']!,
    pauseImage: values['pod-infra-container-image']!,
    ...(values['pod-range'] ? { podRange: values['pod-range'] } : {}),
    // comma-separated, as upstream's --cluster-dns; empty: ClusterFirst pods fall back to Default
    clusterDns: values['cluster-dns']!.split(',').filter((ip) => ip !== ''),
    clusterDomain: values['cluster-domain']!,
    resolvConf: values['resolv-conf']!,
    ...(values['tls-cert-file']
      ? {
          api: {
            tls: { certFile: values['tls-cert-file'], keyFile: values['tls-private-key-file']! },
            token: readFileSync(values['authentication-token-file']!, 'utf8').trim(),
            port: Number(values.port),
          },
        }
      : {}),
    log,
  });
  await kubelet.start();
  process.stdout.write('kubelet ready\n');
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    try {
      if (values['cleanup-on-exit']) await kubelet.destroy();
      else await kubelet.stop();
      process.exit(0);
    } catch (err) {
      log.error('kubelet did not stop cleanly', { err });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err: unknown) => fail((err as Error).stack ?? String(err)));
