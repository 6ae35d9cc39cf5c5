// The endpoints controller (pkg/controller/endpoint): for every Service with a selector, an
// Endpoints object of the same name listing the matching pods' addresses (ready and not ready)
// and resolved ports, the service's labels (plus service.kubernetes.io/headless for a headless
// one) and the last-change-trigger-time annotation. A service without a selector is left alone
// (its Endpoints are the user's); a deleted service's Endpoints are deleted.
import type * as k8s from '@kubernetes/client-node';
import type { Controller, ControllerContext } from '../framework/controller.ts';
import type { Informer } from '../framework/informers.ts';
import { type ReconcileLoop, keyOf, splitKey } from '../framework/reconcile-loop.ts';
import { fromCache, isNotFound } from '../util/api-errors.ts';
import { selectorMatches } from '../util/pod-state.ts';
import { endpointsSubsets, subsetsEqual } from './endpoints-subsets.ts';
import { HEADLESS_LABEL, LAST_CHANGE_TRIGGER_TIME, hasSelector, isServiceIPSet } from './pod-endpoints.ts';
import type { ServiceIndex, TriggerTimes } from './service-index.ts';
import { ServiceWatch, rfc3339Nano, sameMap } from './service-index.ts';

export class EndpointsController implements Controller {
  readonly name = 'endpoint';
  private readonly services: Informer<k8s.V1Service>;
  private readonly pods: Informer<k8s.V1Pod>;
  private readonly endpoints: Informer<k8s.V1Endpoints>;
  private readonly index: ServiceIndex;
  private readonly triggers: TriggerTimes;
  private readonly loop: ReconcileLoop;

  constructor(private readonly ctx: ControllerContext) {
    // The service/pod wiring both endpoints controllers share.
    const watch = new ServiceWatch(ctx, this.name, (key) => this.sync(key));
    ({ services: this.services, pods: this.pods, index: this.index, triggers: this.triggers } = watch);
    this.loop = watch.loop;
    this.endpoints = ctx.informers.for('endpoints');
    // Endpoints changed or deleted by someone else are put back (checkLeftoverEndpoints too).
    const endpointsChanged = (ep: k8s.V1Endpoints) => {
      if (this.services.get(ep.metadata!.name!, ep.metadata?.namespace)) this.loop.add(keyOf(ep));
    };
    this.endpoints.onChange({ update: endpointsChanged, delete: endpointsChanged });
  }

  start(): void {
    this.loop.start();
    // Endpoints whose service is gone (deleted while we were not running) are removed.
    for (const ep of this.endpoints.list()) {
      if (!this.services.get(ep.metadata!.name!, ep.metadata?.namespace)) this.loop.add(keyOf(ep));
    }
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key) as { namespace: string; name: string };
    const service = this.services.get(name, namespace);
    if (!service) {
      this.index.record(key, []);
      this.triggers.take(key);
      if (!this.endpoints.get(name, namespace)) return;
      try {
        await this.ctx.api.core.deleteNamespacedEndpoints({ name, namespace });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      return;
    }
    if (!hasSelector(service)) {
      this.index.record(key, []);
      return; // a service without a selector: its Endpoints are managed by the user
    }
    const pods = this.pods
      .list(namespace)
      .filter((pod) => selectorMatches(service.spec?.selector, pod.metadata?.labels));
    this.index.record(key, pods.map(keyOf));
    const subsets = endpointsSubsets(service, pods);

    const current = this.endpoints.get(name, namespace);
    const serviceLabels = service.metadata?.labels ?? {};
    const currentLabels = { ...(current?.metadata?.labels ?? {}) };
    delete currentLabels[HEADLESS_LABEL];
    if (current && subsetsEqual(current.subsets, subsets) && sameMap(currentLabels, serviceLabels)) {
      this.triggers.take(key);
      return;
    }
    const labels: Record<string, string> = { ...serviceLabels };
    if (!isServiceIPSet(service)) labels[HEADLESS_LABEL] = '';
    const annotations = { ...(current?.metadata?.annotations ?? {}) };
    const trigger = this.triggers.peek(key);
    if (trigger) annotations[LAST_CHANGE_TRIGGER_TIME] = rfc3339Nano(trigger);
    else delete annotations[LAST_CHANGE_TRIGGER_TIME];
    const body: k8s.V1Endpoints = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        ...(current ? fromCache(current, 'V1Endpoints').metadata : {}),
        name,
        namespace,
        labels,
        annotations,
      },
      subsets,
    };
    if (current) {
      await this.ctx.api.core.replaceNamespacedEndpoints({ name, namespace, body });
    } else {
      await this.ctx.api.core.createNamespacedEndpoints({ namespace, body });
    }
    this.triggers.take(key);
  }
}

export const endpointsController = (ctx: ControllerContext): Controller => new EndpointsController(ctx);
