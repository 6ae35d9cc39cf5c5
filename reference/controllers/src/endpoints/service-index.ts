// pods → services for the endpoints controllers: a pod change must re-sync every service whose
// selector matches the pod now, and every service that listed it at its last sync (its labels may
// have changed so that it no longer matches: the informer gives handlers the new object only).
import type * as k8s from '@kubernetes/client-node';
import type { Informer } from '../framework/informers.ts';
import type { ControllerContext } from '../framework/controller.ts';
import { controllerLoop, keyOf, type ReconcileLoop } from '../framework/reconcile-loop.ts';
import { selectorMatches } from '../util/pod-state.ts';
import { podTriggerTime } from './pod-endpoints.ts';

export class ServiceIndex {
  private readonly servicesOfPod = new Map<string, Set<string>>();
  private readonly podsOfService = new Map<string, Set<string>>();

  constructor(private readonly services: Informer<k8s.V1Service>) {}

  /** The keys of the services to sync after `pod` changed. */
  servicesFor(pod: k8s.V1Pod): string[] {
    const keys = new Set(this.servicesOfPod.get(keyOf(pod)) ?? []);
    for (const service of this.services.list(pod.metadata?.namespace)) {
      if (selectorMatches(service.spec?.selector, pod.metadata?.labels)) keys.add(keyOf(service));
    }
    return [...keys];
  }

  /** Records which pods `serviceKey` selected at this sync (none once the service is gone). */
  record(serviceKey: string, podKeys: string[]): void {
    for (const pod of this.podsOfService.get(serviceKey) ?? []) {
      const services = this.servicesOfPod.get(pod);
      services?.delete(serviceKey);
      if (services?.size === 0) this.servicesOfPod.delete(pod);
    }
    if (podKeys.length === 0) {
      this.podsOfService.delete(serviceKey);
      return;
    }
    this.podsOfService.set(serviceKey, new Set(podKeys));
    for (const pod of podKeys) {
      let services = this.servicesOfPod.get(pod);
      if (!services) this.servicesOfPod.set(pod, (services = new Set()));
      services.add(serviceKey);
    }
  }
}

/**
 * The earliest change not yet published per service (TriggerTimeTracker, simplified): what the
 * next write puts in endpoints.kubernetes.io/last-change-trigger-time.
 */
export class TriggerTimes {
  private readonly pending = new Map<string, Date>();

  note(serviceKey: string, at: Date | undefined): void {
    if (!at) return;
    const current = this.pending.get(serviceKey);
    if (!current || at < current) this.pending.set(serviceKey, at);
  }

  /** The time to publish for `serviceKey`, if any; forgets it (call after a successful write). */
  take(serviceKey: string): Date | undefined {
    const at = this.pending.get(serviceKey);
    this.pending.delete(serviceKey);
    return at;
  }

  peek(serviceKey: string): Date | undefined {
    return this.pending.get(serviceKey);
  }
}

/** RFC 3339 with nanoseconds as Go's time.RFC3339Nano writes it (trailing zeros dropped). */
export function rfc3339Nano(at: Date): string {
  return at.toISOString().replace(/\.?0+Z$/, 'Z');
}

/**
 * What both endpoints controllers watch the same way: services and pods through the shared
 * informers, a service's key queued whenever it or one of its pods changes (with the change's
 * time noted for the trigger-time annotation), and a periodic resync of every service.
 */
export class ServiceWatch {
  readonly services: Informer<k8s.V1Service>;
  readonly pods: Informer<k8s.V1Pod>;
  readonly index: ServiceIndex;
  readonly triggers = new TriggerTimes();
  readonly loop: ReconcileLoop;

  constructor(ctx: ControllerContext, name: string, reconcile: (serviceKey: string) => Promise<void>) {
    this.services = ctx.informers.for('services');
    this.pods = ctx.informers.for('pods');
    this.index = new ServiceIndex(this.services);
    this.loop = controllerLoop(ctx, name, reconcile, () => this.services.list().map(keyOf));
    const serviceChanged = (service: k8s.V1Service): void => {
      this.triggers.note(keyOf(service), ctx.now());
      this.loop.add(keyOf(service));
    };
    this.services.onChange({ add: serviceChanged, update: serviceChanged, delete: serviceChanged });
    const podChanged = (pod: k8s.V1Pod): void => {
      for (const key of this.index.servicesFor(pod)) {
        this.triggers.note(key, podTriggerTime(pod));
        this.loop.add(key);
      }
    };
    this.pods.onChange({ add: podChanged, update: podChanged, delete: podChanged });
  }
}

/** Two label (or annotation) maps hold the same pairs, whatever their order. */
export const sameMap = (
  a: Record<string, string> | undefined,
  b: Record<string, string> | undefined,
): boolean =>
  JSON.stringify(Object.entries(a ?? {}).sort()) === JSON.stringify(Object.entries(b ?? {}).sort());
