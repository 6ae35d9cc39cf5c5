// The reference scheduler as a process: `node --import tsx reference/scheduler/src/main.ts
// --kubeconfig FILE [--scheduler-name NAME]`. Prints `scheduler ready` once its informers have
// listed; SIGTERM or SIGINT stops it.
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { createLogger, levelFromEnv } from '../../../common/src/log.ts';
import { DEFAULT_SCHEDULER_NAME, Scheduler } from './scheduler.ts';

const FLAGS = {
  kubeconfig: { type: 'string' },
  'scheduler-name': { type: 'string', default: DEFAULT_SCHEDULER_NAME },
} as const;

function fail(message: string): never {
  process.stderr.write(`kconform-scheduler: ${message}\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (!values.kubeconfig) fail('--kubeconfig is required');
  const log = createLogger({ level: levelFromEnv(process.env, 'info'), fields: { component: 'scheduler' } });
  const kubeconfig = new k8s.KubeConfig();
  kubeconfig.loadFromFile(values.kubeconfig);
  const scheduler = new Scheduler({ kubeconfig, log, schedulerName: values['scheduler-name'] });
  await scheduler.start();
  process.stdout.write('scheduler ready\n');
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    try {
      await scheduler.stop();
      process.exit(0);
    } catch (err) {
      log.error('scheduler did not stop cleanly', { err });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err: unknown) => fail((err as Error).stack ?? String(err)));
