// A pod for a ReplicationController or ReplicaSet from its template, as
// controller.GetPodFromTemplate does: the template's labels, annotations, finalizers and spec,
// `generateName: <owner name>-`, and a controller ownerReference that blocks the owner's
// foreground deletion.
import type * as k8s from '@kubernetes/client-node';

/** The owner's identity in references; a ReplicationController unless told otherwise. */
export interface OwnerKind {
  apiVersion: string;
  kind: string;
}
const RC: OwnerKind = { apiVersion: 'v1', kind: 'ReplicationController' };

type Owner = { metadata?: k8s.V1ObjectMeta; spec?: { template?: k8s.V1PodTemplateSpec } };

export function controllerRefFor(rc: Owner, owner: OwnerKind = RC): k8s.V1OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: rc.metadata!.name!,
    uid: rc.metadata!.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** The pod to create for `rc` (a deep copy: never shares objects with the informer's cache). */
export function podFromTemplate(rc: Owner, owner: OwnerKind = RC): k8s.V1Pod {
  const template = structuredClone(rc.spec?.template ?? {});
  const meta = template.metadata ?? {};
  const prefix = `${rc.metadata!.name}-`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: prefix,
      namespace: rc.metadata!.namespace,
      ...(meta.labels ? { labels: meta.labels } : {}),
      ...(meta.annotations ? { annotations: meta.annotations } : {}),
      ...(meta.finalizers ? { finalizers: meta.finalizers } : {}),
      ownerReferences: [controllerRefFor(rc, owner)],
    },
    spec: template.spec as k8s.V1PodSpec,
  };
}

/**
 * slowStartBatch: calls `fn` `count` times in batches of 1, 2, 4, … run concurrently, and stops
 * after the first batch with a failure, so a systematic error (quota, an invalid template) costs
 * one call instead of `count`. Returns how many calls succeeded and the first error.
 */
export async function slowStartBatch(
  count: number,
  initialBatch: number,
  fn: () => Promise<void>,
): Promise<{ succeeded: number; error: unknown }> {
  let remaining = count;
  let succeeded = 0;
  for (let batch = Math.min(remaining, initialBatch); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => fn()));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    succeeded += batch - failed.length;
    if (failed.length > 0) return { succeeded, error: failed[0]!.reason };
    remaining -= batch;
  }
  return { succeeded, error: undefined };
}
