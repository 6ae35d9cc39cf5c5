// The EndpointSlice controller (pkg/controller/endpointslice): for every Service with a selector,
// discovery.k8s.io/v1 EndpointSlices (generateName `<service>-`, addressType IPv4) labelled
// kubernetes.io/service-name and endpointslice.kubernetes.io/managed-by, owned by the service
// (controller ownerReference), carrying every matching pod that should be in endpoints with its
// ready/serving/terminating conditions. Slices whose content is already right are not written.
// Slices of a deleted service go with it through the garbage collector, as upstream.
import type * as k8s from '@kubernetes/client-node';
import type { Controller, ControllerContext } from '../framework/controller.ts';
import type { Informer } from '../framework/informers.ts';
import { type ReconcileLoop, keyOf, splitKey } from '../framework/reconcile-loop.ts';
import { fromCache, isNotFound } from '../util/api-errors.ts';
import { selectorMatches } from '../util/pod-state.ts';
import { HEADLESS_LABEL, LAST_CHANGE_TRIGGER_TIME, hasSelector, isServiceIPSet } from './pod-endpoints.ts';
import type { ServiceIndex, TriggerTimes } from './service-index.ts';
import { ServiceWatch, rfc3339Nano, sameMap } from './service-index.ts';
import {
  CONTROLLER_NAME,
  MANAGED_BY_LABEL,
  SERVICE_NAME_LABEL,
  desiredSlices,
  endpointsFingerprint,
  portsKeyOf,
  type DesiredSlice,
} from './slice-endpoints.ts';

/** The labels a slice of `service` carries (the service's own, then the controller's). */
export function sliceLabels(service: k8s.V1Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(service.metadata?.labels ?? {})) {
    if (key !== SERVICE_NAME_LABEL && key !== MANAGED_BY_LABEL && key !== HEADLESS_LABEL) labels[key] = value;
  }
  labels[SERVICE_NAME_LABEL] = service.metadata!.name!;
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  if (!isServiceIPSet(service)) labels[HEADLESS_LABEL] = '';
  return labels;
}

const STALE_RETRY_MS = 100;
const STALE_LIMIT_MS = 10_000;

/** resourceVersions are opaque; the reference's are store revisions, so later ones compare larger. */
function atLeast(seen: string | undefined, wanted: string): boolean {
  if (seen === wanted) return true;
  return /^\d+$/.test(seen ?? '') && /^\d+$/.test(wanted) && BigInt(seen!) >= BigInt(wanted);
}

export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice';
  private readonly services: Informer<k8s.V1Service>;
  private readonly pods: Informer<k8s.V1Pod>;
  private readonly nodes: Informer<k8s.V1Node>;
  private readonly slices: Informer<k8s.V1EndpointSlice>;
  private readonly index: ServiceIndex;
  private readonly triggers: TriggerTimes;
  private readonly loop: ReconcileLoop;
  /**
   * What this controller last wrote per service and the informer may not show yet (upstream's
   * endpointSliceTracker): slice name → resourceVersion written, or null for deleted. A sync
   * waits until the cache has caught up, so a lagging watch never makes it create a slice twice.
   */
  private readonly written = new Map<string, { at: number; versions: Map<string, string | null> }>();

  constructor(private readonly ctx: ControllerContext) {
    // The service/pod wiring both endpoints controllers share.
    const watch = new ServiceWatch(ctx, this.name, (key) => this.sync(key));
    ({ services: this.services, pods: this.pods, index: this.index, triggers: this.triggers } = watch);
    this.loop = watch.loop;
    this.nodes = ctx.informers.for('nodes');
    this.slices = ctx.informers.for('endpointslices');
    const sliceChanged = (slice: k8s.V1EndpointSlice) => {
      const labels = slice.metadata?.labels ?? {};
      if (labels[MANAGED_BY_LABEL] !== CONTROLLER_NAME || !labels[SERVICE_NAME_LABEL]) return;
      this.loop.add(`${slice.metadata?.namespace}/${labels[SERVICE_NAME_LABEL]}`);
    };
    this.slices.onChange({ update: sliceChanged, delete: sliceChanged });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private slicesOf(namespace: string, name: string): k8s.V1EndpointSlice[] {
    return this.slices.list(namespace).filter((slice) => {
      const labels = slice.metadata?.labels ?? {};
      return labels[SERVICE_NAME_LABEL] === name && labels[MANAGED_BY_LABEL] === CONTROLLER_NAME;
    });
  }

  private async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key) as { namespace: string; name: string };
    const service = this.services.get(name, namespace);
    if (!service || !hasSelector(service)) {
      this.index.record(key, []);
      this.triggers.take(key);
      return;
    }
    const pods = this.pods
      .list(namespace)
      .filter((pod) => selectorMatches(service.spec?.selector, pod.metadata?.labels));
    this.index.record(key, pods.map(keyOf));
    if (this.cacheIsStale(key, namespace)) {
      this.loop.addAfter(key, STALE_RETRY_MS);
      return;
    }
    const desired = desiredSlices(service, pods, (node) => this.nodes.get(node));
    const labels = sliceLabels(service);
    const trigger = this.triggers.peek(key);

    const existing = this.slicesOf(namespace, name);
    const unused = new Set(existing);
    const toWrite: Array<{ want: DesiredSlice; current?: k8s.V1EndpointSlice }> = [];
    for (const want of desired) {
      const sameKey = [...unused].filter((s) => portsKeyOf(s.ports) === want.portsKey);
      const match =
        sameKey.find((s) => endpointsFingerprint(s.endpoints) === endpointsFingerprint(want.endpoints)) ??
        sameKey[0];
      if (match) unused.delete(match);
      const upToDate =
        match &&
        endpointsFingerprint(match.endpoints) === endpointsFingerprint(want.endpoints) &&
        sameMap(match.metadata?.labels, labels) &&
        match.metadata?.ownerReferences?.some((ref) => ref.uid === service.metadata?.uid);
      if (!upToDate) toWrite.push({ want, current: match });
    }
    const written = new Map<string, string | null>();
    this.written.set(key, { at: Date.now(), versions: written });
    for (const { want, current } of toWrite) {
      const body = this.sliceBody(service, want, labels, trigger, current);
      const stored = current
        ? await this.ctx.api.discovery.replaceNamespacedEndpointSlice({
            name: current.metadata!.name!,
            namespace,
            body,
          })
        : await this.ctx.api.discovery.createNamespacedEndpointSlice({ namespace, body });
      written.set(stored.metadata!.name!, stored.metadata!.resourceVersion ?? '');
    }
    for (const slice of unused) {
      try {
        await this.ctx.api.discovery.deleteNamespacedEndpointSlice({
          name: slice.metadata!.name!,
          namespace,
        });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      written.set(slice.metadata!.name!, null);
    }
    this.triggers.take(key);
  }

  /** Whether the informer still misses something this controller wrote for `key`. */
  private cacheIsStale(key: string, namespace: string): boolean {
    const written = this.written.get(key);
    if (!written) return false;
    // Someone else may have changed or removed a slice since: never wait for it for long.
    if (Date.now() - written.at > STALE_LIMIT_MS) {
      this.written.delete(key);
      return false;
    }
    for (const [name, version] of written.versions) {
      const cached = this.slices.get(name, namespace);
      if (
        version === null
          ? cached !== undefined
          : !cached || !atLeast(cached.metadata?.resourceVersion, version)
      )
        return true;
    }
    this.written.delete(key);
    return false;
  }

  private sliceBody(
    service: k8s.V1Service,
    want: DesiredSlice,
    labels: Record<string, string>,
    trigger: Date | undefined,
    current: k8s.V1EndpointSlice | undefined,
  ): k8s.V1EndpointSlice {
    const annotations = { ...(current?.metadata?.annotations ?? {}) };
    if (trigger) annotations[LAST_CHANGE_TRIGGER_TIME] = rfc3339Nano(trigger);
    else delete annotations[LAST_CHANGE_TRIGGER_TIME];
    const name = service.metadata!.name!;
    return {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        ...(current
          ? fromCache(current, 'V1EndpointSlice').metadata
          : { generateName: `${name.length > 57 ? name.slice(0, 57) : name}-` }),
        namespace: service.metadata?.namespace,
        labels,
        annotations,
        ownerReferences: [
          {
            apiVersion: 'v1',
            kind: 'Service',
            name,
            uid: service.metadata!.uid!,
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
      },
      addressType: 'IPv4',
      endpoints: want.endpoints,
      ports: want.ports,
    };
  }
}

export const endpointSliceController = (ctx: ControllerContext): Controller =>
  new EndpointSliceController(ctx);
