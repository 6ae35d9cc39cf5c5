// Whether a pod's tolerations tolerate a taint (upstream's v1helper.TolerationsTolerateTaint).
import type * as k8s from '@kubernetes/client-node';

export function toleratesTaint(toleration: k8s.V1Toleration, taint: k8s.V1Taint): boolean {
  if (toleration.effect && toleration.effect !== taint.effect) return false;
  if (toleration.key && toleration.key !== taint.key) return false;
  switch (toleration.operator ?? 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      // An empty key with Equal is rejected by validation; it matches nothing here.
      return !!toleration.key && (toleration.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export const tolerationsTolerate = (
  tolerations: readonly k8s.V1Toleration[] | undefined,
  taint: k8s.V1Taint,
) => (tolerations ?? []).some((t) => toleratesTaint(t, taint));
