// The namespace controller (pkg/controller/namespace): a namespace being deleted (Terminating,
// with `kubernetes` in spec.finalizers) is emptied of every namespaced resource the apiserver
// serves, found through discovery (each group's preferred version), with background propagation;
// its status conditions say what was discovered, deleted and what remains; once nothing remains
// the `kubernetes` finalizer is removed through namespaces/{name}/finalize and the apiserver
// deletes the namespace.
import * as k8s from '@kubernetes/client-node';
import { keepAliveConfiguration } from '../../../../common/src/k8s-client.ts';
import type { Controller, ControllerContext } from '../framework/controller.ts';
import type { Informer } from '../framework/informers.ts';
import { controllerLoop, type ReconcileLoop } from '../framework/reconcile-loop.ts';
import { apiErrorMessage, isConflict, isNotFound } from '../util/api-errors.ts';
import { failureConditions, mergeConditions, type DeletionOutcome } from './namespace-conditions.ts';

export const KUBERNETES_FINALIZER = 'kubernetes';
/** How soon a namespace whose content is still going (pods terminating) is looked at again. */
const REMAINING_RECHECK_MS = 1000;

interface NamespacedResource {
  apiVersion: string;
  group: string;
  kind: string;
  resource: string;
}

export class NamespaceController implements Controller {
  readonly name = 'namespace';
  private readonly namespaces: Informer<k8s.V1Namespace>;
  private readonly objects: k8s.KubernetesObjectApi;
  private readonly coreGroup: k8s.CoreApi;
  private readonly apis: k8s.ApisApi;
  private readonly custom: k8s.CustomObjectsApi;
  private readonly loop: ReconcileLoop;

  constructor(private readonly ctx: ControllerContext) {
    const config = keepAliveConfiguration(ctx.kubeconfig, 8);
    this.objects = new k8s.KubernetesObjectApi(config);
    this.coreGroup = new k8s.CoreApi(config);
    this.apis = new k8s.ApisApi(config);
    this.custom = new k8s.CustomObjectsApi(config);
    this.namespaces = ctx.informers.for('namespaces');
    this.loop = controllerLoop(
      ctx,
      this.name,
      (key) => this.sync(key),
      () =>
        this.namespaces
          .list()
          .filter((ns) => ns.metadata?.deletionTimestamp)
          .map((ns) => ns.metadata!.name!),
    );
    const changed = (ns: k8s.V1Namespace) => {
      if (ns.metadata?.deletionTimestamp) this.loop.add(ns.metadata.name!);
    };
    this.namespaces.onChange({ add: changed, update: changed });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async sync(name: string): Promise<{ requeueAfterMs?: number } | void> {
    const ns = this.namespaces.get(name);
    if (!ns?.metadata?.deletionTimestamp) return;
    if (!(ns.spec?.finalizers ?? []).includes(KUBERNETES_FINALIZER)) return; // finalized already

    const outcome: DeletionOutcome = { deleteErrors: [], remaining: new Map(), finalizers: new Map() };
    let resources: NamespacedResource[] = [];
    try {
      resources = await this.discover();
    } catch (err) {
      outcome.discoveryError = apiErrorMessage(err);
    }
    for (const resource of resources) await this.deleteAll(name, resource, outcome);
    await this.writeConditions(name, outcome);

    const left = [...outcome.remaining.values()].reduce((a, b) => a + b, 0);
    if (outcome.discoveryError || outcome.deleteErrors.length)
      throw new Error(`namespace ${name}: content not deleted yet`);
    if (left > 0) return { requeueAfterMs: REMAINING_RECHECK_MS };
    await this.finalize(name);
  }

  /** Every namespaced resource that can be listed and deleted, at its group's preferred version. */
  private async discover(): Promise<NamespacedResource[]> {
    const found: NamespacedResource[] = [];
    const add = (apiVersion: string, group: string, list: k8s.V1APIResourceList) => {
      for (const r of list.resources) {
        if (!r.namespaced || r.name.includes('/')) continue;
        if (!r.verbs.includes('list') || !r.verbs.includes('delete')) continue;
        found.push({ apiVersion, group, kind: r.kind, resource: r.name });
      }
    };
    const core = await this.coreGroup.getAPIVersions();
    for (const version of core.versions) {
      if (version === 'v1') add('v1', '', await this.ctx.api.core.getAPIResources());
    }
    const groups = await this.apis.getAPIVersions();
    for (const group of groups.groups) {
      const preferred = group.preferredVersion ?? group.versions[0];
      if (!preferred) continue;
      const [g, v] = preferred.groupVersion.split('/') as [string, string];
      add(preferred.groupVersion, g, await this.custom.getAPIResources({ group: g, version: v }));
    }
    return found;
  }

  /** Deletes every object of `resource` in `namespace`; counts what is still there afterwards. */
  private async deleteAll(namespace: string, r: NamespacedResource, outcome: DeletionOutcome): Promise<void> {
    const label = `${r.resource}.${r.group}`;
    let items: k8s.KubernetesObject[];
    try {
      items = (await this.objects.list(r.apiVersion, r.kind, namespace)).items;
    } catch (err) {
      if (isNotFound(err)) return;
      outcome.deleteErrors.push(`${label}: ${apiErrorMessage(err)}`);
      return;
    }
    let failed: string | undefined;
    let remaining = 0;
    for (const item of items) {
      for (const finalizer of item.metadata?.finalizers ?? [])
        outcome.finalizers.set(finalizer, (outcome.finalizers.get(finalizer) ?? 0) + 1);
      remaining++;
      if (item.metadata?.deletionTimestamp) continue; // going already (graceful or finalizers)
      try {
        await this.objects.delete(
          { apiVersion: r.apiVersion, kind: r.kind, metadata: { name: item.metadata!.name!, namespace } },
          undefined,
          undefined,
          undefined,
          undefined,
          'Background',
        );
      } catch (err) {
        if (isNotFound(err)) {
          remaining--;
          continue;
        }
        failed ??= apiErrorMessage(err);
      }
    }
    if (failed) outcome.deleteErrors.push(`${label}: ${failed}`);
    if (remaining > 0) {
      // Deletions answered 200 removed the object; count only what a new list still shows.
      const after = await this.objects.list(r.apiVersion, r.kind, namespace).catch(() => ({ items }));
      if (after.items.length > 0) outcome.remaining.set(label, after.items.length);
    }
  }

  private async writeConditions(name: string, outcome: DeletionOutcome): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const ns = await this.ctx.api.core.readNamespace({ name }).catch((err: unknown) => {
        if (isNotFound(err)) return undefined;
        throw err;
      });
      if (!ns) return;
      const now = this.ctx.now();
      const { conditions, changed } = mergeConditions(
        ns.status?.conditions,
        failureConditions(outcome, now),
        now,
      );
      if (!changed) return;
      try {
        await this.ctx.api.core.replaceNamespaceStatus({
          name,
          body: { ...ns, status: { ...ns.status, conditions } },
        });
        return;
      } catch (err) {
        if (!isConflict(err)) throw err;
      }
    }
  }

  /** Removes the `kubernetes` finalizer through the finalize subresource. */
  private async finalize(name: string): Promise<void> {
    const ns = await this.ctx.api.core.readNamespace({ name });
    const finalizers = (ns.spec?.finalizers ?? []).filter((f) => f !== KUBERNETES_FINALIZER);
    try {
      await this.ctx.api.core.replaceNamespaceFinalize({
        name,
        body: { ...ns, spec: { ...ns.spec, finalizers } },
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

export const namespaceController = (ctx: ControllerContext): Controller => new NamespaceController(ctx);
