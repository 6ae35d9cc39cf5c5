// Pure helpers of the Deployment controller (pkg/controller/deployment/util/deployment_util.go and
// k8s.io/apimachinery/pkg/util/intstr): surge and unavailability from the rolling-update
// parameters, revisions, which ReplicaSet carries the current template, and replica sums.
import type * as k8s from '@kubernetes/client-node';
import { canonicalJson, POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.ts';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
/** Deployment annotations never copied to its ReplicaSets (skipCopyAnnotation). */
const NOT_COPIED = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

export type RS = k8s.V1ReplicaSet;

export const replicasOf = (rs: RS | undefined): number => rs?.spec?.replicas ?? 0;
export const desiredOf = (d: k8s.V1Deployment): number => d.spec?.replicas ?? 1;
export const isRollingUpdate = (d: k8s.V1Deployment): boolean => d.spec?.strategy?.type !== 'Recreate';

/**
 * intstr.GetScaledValueFromIntOrPercent: an int as is, a percentage of `total` rounded up or
 * down. Throws for a string that is not a percentage (validation refuses those).
 */
export function scaledValue(value: number | string | undefined, total: number, roundUp: boolean): number {
  if (value === undefined) return 0;
  if (typeof value === 'number') return value;
  const match = /^(\d+)%$/.exec(value);
  if (!match) throw new Error(`invalid value for IntOrString: invalid value ${JSON.stringify(value)}`);
  const scaled = (Number(match[1]) * total) / 100;
  return roundUp ? Math.ceil(scaled) : Math.floor(scaled);
}

/** ResolveFenceposts: maxSurge rounded up, maxUnavailable down; never both 0 (then 1 unavailable). */
export function resolveFenceposts(
  maxSurge: number | string | undefined,
  maxUnavailable: number | string | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge, desired, true);
  let unavailable = scaledValue(maxUnavailable, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** MaxSurge: how many pods above the desired count a rolling update may run; 0 for Recreate. */
export function maxSurge(d: k8s.V1Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desiredOf(d)).surge;
}

/** MaxUnavailable: how many pods below the desired count a rolling update may go; at most desired. */
export function maxUnavailable(d: k8s.V1Deployment): number {
  if (!isRollingUpdate(d) || desiredOf(d) === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate;
  const { unavailable } = resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, desiredOf(d));
  return Math.min(unavailable, desiredOf(d));
}

/** The ReplicaSet's revision annotation as a number; 0 when absent or unparsable. */
export function revisionOf(obj: { metadata?: k8s.V1ObjectMeta } | undefined): number {
  const text = obj?.metadata?.annotations?.[REVISION_ANNOTATION];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : 0;
}

export const maxRevision = (rss: RS[]): number => Math.max(0, ...rss.map(revisionOf));

/** A template without the pod-template-hash label, with empty maps and lists dropped. */
function comparable(template: k8s.V1PodTemplateSpec | undefined): string {
  const copy = structuredClone(template ?? {}) as k8s.V1PodTemplateSpec;
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  const prune = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.length === 0 ? undefined : v.map(prune);
    if (v && typeof v === 'object' && !(v instanceof Date)) {
      const out: Record<string, unknown> = {};
      for (const [k, inner] of Object.entries(v)) {
        const pruned = prune(inner);
        if (pruned !== undefined) out[k] = pruned;
      }
      return Object.keys(out).length === 0 ? undefined : out;
    }
    return v ?? undefined;
  };
  return canonicalJson(prune(copy) ?? {});
}

/** EqualIgnoreHash: the templates are semantically equal once the hash label is ignored. */
export const equalIgnoreHash = (a: k8s.V1PodTemplateSpec | undefined, b: k8s.V1PodTemplateSpec | undefined) =>
  comparable(a) === comparable(b);

const created = (rs: RS): number =>
  rs.metadata?.creationTimestamp ? new Date(rs.metadata.creationTimestamp).getTime() : 0;

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: RS, b: RS): number {
  return created(a) - created(b) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's. */
export function findNewReplicaSet(d: k8s.V1Deployment, rss: RS[]): RS | undefined {
  return [...rss].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

export const activeReplicaSets = (rss: Array<RS | undefined>): RS[] =>
  rss.filter((rs): rs is RS => rs !== undefined && replicasOf(rs) > 0);

export const specReplicas = (rss: Array<RS | undefined>): number =>
  rss.reduce((n, rs) => n + replicasOf(rs), 0);
export const actualReplicas = (rss: Array<RS | undefined>): number =>
  rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
export const readyReplicas = (rss: Array<RS | undefined>): number =>
  rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
export const availableReplicas = (rss: Array<RS | undefined>): number =>
  rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);

/**
 * The annotations a ReplicaSet of `d` carries (SetNewReplicaSetAnnotations and
 * SetReplicasAnnotations): the Deployment's own (except the ones never copied), its revision
 * (raised to `revision`, never lowered), and desired/max replicas when `withReplicas`.
 * Returns the new map, or undefined when nothing changes.
 */
export function replicaSetAnnotations(
  d: k8s.V1Deployment,
  current: Record<string, string> | undefined,
  revision: number,
  withReplicas: boolean,
): Record<string, string> | undefined {
  const next: Record<string, string> = { ...(current ?? {}) };
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) if (!NOT_COPIED.has(k)) next[k] = v;
  const old = next[REVISION_ANNOTATION];
  const oldNumber = old !== undefined && /^\d+$/.test(old) ? Number(old) : 0;
  if (old === undefined || oldNumber < revision) next[REVISION_ANNOTATION] = String(revision);
  if (withReplicas) {
    next[DESIRED_REPLICAS_ANNOTATION] = String(desiredOf(d));
    next[MAX_REPLICAS_ANNOTATION] = String(desiredOf(d) + maxSurge(d));
  }
  return JSON.stringify(next) === JSON.stringify(current ?? {}) ? undefined : next;
}

/** The Deployment's annotations a scale of one of its ReplicaSets sets (ReplicasAnnotationsNeedUpdate). */
export function replicasAnnotationsNeedUpdate(rs: RS, d: k8s.V1Deployment): boolean {
  const a = rs.metadata?.annotations ?? {};
  return (
    a[DESIRED_REPLICAS_ANNOTATION] !== String(desiredOf(d)) ||
    a[MAX_REPLICAS_ANNOTATION] !== String(desiredOf(d) + maxSurge(d))
  );
}

export function desiredAnnotation(rs: RS): number | undefined {
  const text = rs.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

function maxReplicasAnnotation(rs: RS): number | undefined {
  const text = rs.metadata?.annotations?.[MAX_REPLICAS_ANNOTATION];
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * getReplicaSetFraction: how many replicas `rs` gains or loses when the Deployment is resized,
 * in proportion to its share of the size it was last annotated for.
 */
export function replicaSetFraction(rs: RS, d: k8s.V1Deployment): number {
  if (desiredOf(d) === 0) return -replicasOf(rs);
  const deploymentReplicas = desiredOf(d) + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? d.status?.replicas ?? 0;
  if (annotated === 0) return 0;
  return Math.round((replicasOf(rs) * deploymentReplicas) / annotated) - replicasOf(rs);
}

/** GetProportion: rs's share of `toAdd`, bounded by what is left to add. */
export function proportion(rs: RS, d: k8s.V1Deployment, toAdd: number, added: number): number {
  if (replicasOf(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}
