// upstream's DefaultTolerationSeconds admission plugin
// (plugin/pkg/admission/defaulttolerationseconds), run on pod create and update: a pod that does
// not already tolerate the node.kubernetes.io/not-ready or node.kubernetes.io/unreachable
// NoExecute taint gets a toleration for it with the apiserver's
// --default-not-ready-toleration-seconds / --default-unreachable-toleration-seconds (300 each), so
// its pods are evicted from a lost node after five minutes rather than at once. Pure.
import { isObj, type Obj } from './access.ts';

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const DEFAULT_TOLERATION_SECONDS = 300;

/** upstream: a toleration with an empty key (all taints) or empty effect (all effects) counts. */
function tolerates(tolerations: readonly unknown[], key: string): boolean {
  return tolerations.some(
    (t) =>
      isObj(t) &&
      (t.key === key || t.key === undefined || t.key === '') &&
      (t.effect === 'NoExecute' || t.effect === undefined || t.effect === ''),
  );
}

/** Returns the pod with the default tolerations added where missing; never mutates its argument. */
export function addDefaultTolerations(
  pod: unknown,
  seconds: { notReady: number; unreachable: number },
): unknown {
  if (!isObj(pod) || !isObj(pod.spec)) return pod;
  const existing = Array.isArray(pod.spec.tolerations) ? (pod.spec.tolerations as unknown[]) : [];
  const added: Obj[] = [];
  if (!tolerates(existing, TAINT_NOT_READY)) {
    added.push({
      key: TAINT_NOT_READY,
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: seconds.notReady,
    });
  }
  if (!tolerates(existing, TAINT_UNREACHABLE)) {
    added.push({
      key: TAINT_UNREACHABLE,
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: seconds.unreachable,
    });
  }
  if (added.length === 0) return pod;
  return { ...pod, spec: { ...pod.spec, tolerations: [...existing, ...added] } };
}
