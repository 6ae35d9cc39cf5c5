// The controller-manager: one process running every control loop over one set of shared
// informers, like kube-controller-manager. `--controllers` picks them with upstream's syntax
// (`*` for all, `name` to add, `-name` to leave one out).
import * as k8s from '@kubernetes/client-node';
import { EventRecorder } from '../../../common/src/event-recorder.ts';
import { keepAliveConfiguration } from '../../../common/src/k8s-client.ts';
import type { Logger } from '../../../common/src/log.ts';
import { CONTROLLERS } from './controllers.ts';
import {
  DEFAULT_SETTINGS,
  type Controller,
  type ControllerContext,
  type ControllerSettings,
} from './framework/controller.ts';
import { SharedInformers, type ApiClients } from './framework/informers.ts';

export interface ControllerManagerOptions {
  kubeconfig: k8s.KubeConfig;
  log: Logger;
  /** Upstream's `--controllers` list; default `['*']`. */
  controllers?: string[];
  settings?: Partial<ControllerSettings>;
  now?: () => Date;
}

/** Resolves upstream's `--controllers` syntax against the known controller names. */
export function selectControllers(wanted: string[], known: string[]): string[] {
  const unknown = wanted.map((w) => w.replace(/^-/, '')).filter((w) => w !== '*' && !known.includes(w));
  if (unknown.length) {
    throw new Error(`unknown controller(s): ${unknown.join(', ')}; known: ${known.join(', ')}`);
  }
  const all = wanted.includes('*');
  return known.filter((name) => !wanted.includes(`-${name}`) && (all || wanted.includes(name)));
}

export class ControllerManager {
  private readonly informers: SharedInformers;
  private readonly running: Controller[] = [];
  readonly names: string[];

  constructor(o: ControllerManagerOptions) {
    const config = keepAliveConfiguration(o.kubeconfig, 32);
    const api: ApiClients = {
      core: new k8s.CoreV1Api(config),
      apps: new k8s.AppsV1Api(config),
      discovery: new k8s.DiscoveryV1Api(config),
      coordination: new k8s.CoordinationV1Api(config),
      storage: new k8s.StorageV1Api(config),
    };
    this.informers = new SharedInformers(o.kubeconfig, api, o.log);
    const now = o.now ?? (() => new Date());
    const context: ControllerContext = {
      kubeconfig: o.kubeconfig,
      api,
      informers: this.informers,
      recorder: (component) => new EventRecorder({ core: api.core, component, log: o.log, now }),
      settings: { ...DEFAULT_SETTINGS, ...o.settings },
      log: o.log,
      now,
    };
    this.names = selectControllers(o.controllers ?? ['*'], Object.keys(CONTROLLERS));
    for (const name of this.names) {
      this.running.push(CONTROLLERS[name]!({ ...context, log: o.log.child({ controller: name }) }));
    }
  }

  /** Lists every watched resource, then starts the controllers. */
  async start(): Promise<void> {
    await this.informers.start();
    for (const controller of this.running) controller.start();
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.running.map((c) => c.stop()));
    await this.informers.stop();
  }
}
