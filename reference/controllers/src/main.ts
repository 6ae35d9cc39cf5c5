// The reference controller-manager as a process: `node --import tsx
// reference/controllers/src/main.ts --kubeconfig FILE [--controllers '*,-name']
// [--node-monitor-grace-period 40s] [--node-monitor-period 5s] [--volume-root DIR]`.
// Prints `controller-manager ready` once its informers have listed; SIGTERM or SIGINT stops it.
import { parseArgs } from 'node:util';
import * as k8s from '@kubernetes/client-node';
import { createLogger, levelFromEnv } from '../../../common/src/log.ts';
import { ControllerManager } from './controller-manager.ts';
import type { ControllerSettings } from './framework/controller.ts';

const FLAGS = {
  kubeconfig: { type: 'string' },
  controllers: { type: 'string', default: '*' },
  'node-monitor-grace-period': { type: 'string' },
  'node-monitor-period': { type: 'string' },
  'volume-root': { type: 'string' },
} as const;

function fail(message: string): never {
  process.stderr.write(`kconform-controller-manager: ${message}\n`);
  process.exit(2);
}

/** A Go-style duration (`40s`, `500ms`, `5m`) in milliseconds. */
export function durationMs(flag: string, text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(text);
  if (!match) fail(`--${flag}: "${text}" is not a duration such as 40s, 500ms or 5m`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[match[2] as 'ms' | 's' | 'm' | 'h'];
  return Number(match[1]) * unit;
}

async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({ options: FLAGS, strict: true, allowPositionals: false }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (!values.kubeconfig) fail('--kubeconfig is required');
  const settings: Partial<ControllerSettings> = {};
  if (values['node-monitor-grace-period'])
    settings.nodeMonitorGracePeriodMs = durationMs(
      'node-monitor-grace-period',
      values['node-monitor-grace-period'],
    );
  if (values['node-monitor-period'])
    settings.nodeMonitorPeriodMs = durationMs('node-monitor-period', values['node-monitor-period']);
  if (values['volume-root']) settings.volumeRoot = values['volume-root'];

  const log = createLogger({
    level: levelFromEnv(process.env, 'info'),
    fields: { component: 'controller-manager' },
  });
  const kubeconfig = new k8s.KubeConfig();
  kubeconfig.loadFromFile(values.kubeconfig);
  let manager: ControllerManager;
  try {
    manager = new ControllerManager({
      kubeconfig,
      log,
      controllers: values.controllers.split(','),
      settings,
    });
  } catch (err) {
    fail((err as Error).message);
  }
  await manager.start();
  log.info('controllers started', { controllers: manager.names });
  process.stdout.write('controller-manager ready\n');
  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    try {
      await manager.stop();
      process.exit(0);
    } catch (err) {
      log.error('controller-manager did not stop cleanly', { err });
      process.exit(1);
    }
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((err: unknown) => fail((err as Error).stack ?? String(err)));
