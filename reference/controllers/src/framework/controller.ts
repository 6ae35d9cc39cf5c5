// What a controller is to the controller-manager: built from a shared context (API clients,
// shared informers, an event recorder per component, settings), it asks for its informers when
// built, and is started once they have all listed. It talks to the cluster only through the API.
import type * as k8s from '@kubernetes/client-node';
import type { EventRecorder } from '../../../../common/src/event-recorder.ts';
import type { Logger } from '../../../../common/src/log.ts';
import type { ApiClients, SharedInformers } from './informers.ts';

/** Settings of the controllers, with upstream's kube-controller-manager defaults. */
export interface ControllerSettings {
  /** `--node-monitor-grace-period`: a node whose Lease is older than this is unreachable. */
  nodeMonitorGracePeriodMs: number;
  /** `--node-monitor-period`: how often node health is checked. */
  nodeMonitorPeriodMs: number;
  /** Where the reference's local-volume provisioner makes a directory per dynamic volume. */
  volumeRoot: string;
  /** Workers per controller (`--concurrent-*-syncs`). */
  workers: number;
  /** How often every object is reconciled again even when nothing changed. */
  resyncIntervalMs: number;
}

export const DEFAULT_SETTINGS: ControllerSettings = {
  nodeMonitorGracePeriodMs: 40_000,
  nodeMonitorPeriodMs: 5_000,
  volumeRoot: '/var/lib/kconform/volumes',
  workers: 5,
  resyncIntervalMs: 30_000,
};

export interface ControllerContext {
  kubeconfig: k8s.KubeConfig;
  api: ApiClients;
  informers: SharedInformers;
  /** An event recorder whose events name `component` as their source. */
  recorder(component: string): EventRecorder;
  settings: ControllerSettings;
  log: Logger;
  now: () => Date;
}

export interface Controller {
  readonly name: string;
  /** Called once every informer has listed. */
  start(): void;
  /** Stops taking work; resolves when work in flight is done. */
  stop(): Promise<void>;
}

export type ControllerFactory = (context: ControllerContext) => Controller;
