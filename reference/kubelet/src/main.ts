// The reference kubelet as a process: `node --import tsx reference/kubelet/src/main.ts
// --kubeconfig FILE --node-name NAME --node-index I --root-dir DIR --pod-infra-container-image IMG`.
// Prints `kubelet ready` once its node is registered; SIGTERM stops it and, with
// --cleanup-on-exit, removes everything of its node from the host (`kconform down`).
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
