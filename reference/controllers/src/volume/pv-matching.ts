// Which PersistentVolume a claim gets: upstream's FindMatchingVolume and the controller's access-mode
// index (pkg/controller/volume/persistentvolume/{util,index}.go). Pure: the controller and the
// scheduler's VolumeBinding filter both call it over their caches.
import type * as k8s from '@kubernetes/client-node';
import { compareQuantities } from './quantity.ts';

export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
export const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
export const ANN_DEFAULT_CLASS = 'storageclass.kubernetes.io/is-default-class';
export const ANN_BETA_DEFAULT_CLASS = 'storageclass.beta.kubernetes.io/is-default-class';

/** The claimRef a volume bound to `claim` carries (upstream's GetReference of the claim). */
export const claimRefTo = (claim: k8s.V1PersistentVolumeClaim): k8s.V1ObjectReference => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  namespace: claim.metadata!.namespace!,
  name: claim.metadata!.name!,
  uid: claim.metadata!.uid!,
  resourceVersion: claim.metadata!.resourceVersion!,
});

/** The claim's class; a nil and an empty storageClassName both mean "no class" here. */
export const claimClass = (claim: k8s.V1PersistentVolumeClaim): string => claim.spec?.storageClassName ?? '';
export const volumeClass = (pv: k8s.V1PersistentVolume): string => pv.spec?.storageClassName ?? '';
export const claimRequest = (claim: k8s.V1PersistentVolumeClaim): string | undefined =>
  claim.spec?.resources?.requests?.storage as string | undefined;
export const volumeCapacity = (pv: k8s.V1PersistentVolume): string | undefined =>
  pv.spec?.capacity?.storage as string | undefined;

/** The claim's volumeMode against the volume's, both defaulting to Filesystem. */
export const volumeModeMismatch = (claim: k8s.V1PersistentVolumeClaim, pv: k8s.V1PersistentVolume): boolean =>
  (claim.spec?.volumeMode ?? 'Filesystem') !== (pv.spec?.volumeMode ?? 'Filesystem');

/** Every access mode the claim asks for is one the volume offers (upstream's CheckAccessModes). */
export const accessModesFit = (claim: k8s.V1PersistentVolumeClaim, pv: k8s.V1PersistentVolume): boolean =>
  (claim.spec?.accessModes ?? []).every((m) => (pv.spec?.accessModes ?? []).includes(m));

/** The volume's claimRef names this claim (and its uid, once the binding has one). */
export function isVolumeBoundToClaim(
  pv: k8s.V1PersistentVolume,
  claim: k8s.V1PersistentVolumeClaim,
): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== claim.metadata?.name || ref.namespace !== claim.metadata?.namespace) return false;
  return !ref.uid || ref.uid === claim.metadata?.uid;
}

/** upstream's labelSelector semantics: matchLabels ANDed with matchExpressions. */
export function selectorMatches(selector: k8s.V1LabelSelector, labels: Record<string, string> = {}): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const req of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, req.key);
    const values = req.values ?? [];
    const ok =
      req.operator === 'In'
        ? has && values.includes(labels[req.key]!)
        : req.operator === 'NotIn'
          ? !has || !values.includes(labels[req.key]!)
          : req.operator === 'Exists'
            ? has
            : req.operator === 'DoesNotExist'
              ? !has
              : false;
    if (!ok) return false;
  }
  return true;
}

/** A volume's required node affinity against a node's labels (terms ORed, expressions ANDed). */
export function volumeNodeAffinityFits(pv: k8s.V1PersistentVolume, node: k8s.V1Node): boolean {
  const terms = pv.spec?.nodeAffinity?.required?.nodeSelectorTerms;
  if (!terms) return true;
  const labels = node.metadata?.labels ?? {};
  return terms.some((term) => {
    const exprs = term.matchExpressions ?? [];
    const fields = term.matchFields ?? [];
    if (exprs.length === 0 && fields.length === 0) return false;
    const byLabel = exprs.every((e) => nodeRequirementFits(e, labels[e.key], Object.hasOwn(labels, e.key)));
    const byField = fields.every(
      (f) => f.key === 'metadata.name' && nodeRequirementFits(f, node.metadata?.name, true),
    );
    return byLabel && byField;
  });
}

function nodeRequirementFits(req: k8s.V1NodeSelectorRequirement, value: string | undefined, has: boolean) {
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && values.includes(value!);
    case 'NotIn':
      return !has || !values.includes(value!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      if (!has || values.length !== 1 || !/^-?\d+$/.test(value!) || !/^-?\d+$/.test(values[0]!)) return false;
      return req.operator === 'Gt' ? Number(value) > Number(values[0]) : Number(value) < Number(values[0]);
    }
    default:
      return false;
  }
}

export interface MatchOptions {
  /** The claim's class binds late (WaitForFirstConsumer): the controller leaves unbound volumes to the scheduler. */
  delayBinding?: boolean;
  /** The scheduler's path: the volume must be reachable from this node. */
  node?: k8s.V1Node;
  /** Volumes already promised to other claims in this pass. */
  excluded?: ReadonlySet<string>;
}

/**
 * upstream's FindMatchingVolume over `volumes`: a volume pre-bound to the claim wins; otherwise the
 * smallest Available volume that is big enough, of the claim's class and volumeMode, matching its
 * selector (and, on the scheduler's path, the node and the access modes). Undefined when none fits.
 */
export function findMatchingVolume(
  claim: k8s.V1PersistentVolumeClaim,
  volumes: readonly k8s.V1PersistentVolume[],
  options: MatchOptions = {},
): k8s.V1PersistentVolume | undefined {
  const requested = claimRequest(claim);
  const selector = claim.spec?.selector;
  let smallest: k8s.V1PersistentVolume | undefined;
  for (const pv of volumes) {
    if (options.excluded?.has(pv.metadata?.name ?? '')) continue;
    if (pv.spec?.claimRef && !isVolumeBoundToClaim(pv, claim)) continue;
    if (compareQuantities(volumeCapacity(pv), requested) < 0) continue;
    if (volumeModeMismatch(claim, pv)) continue;
    if (pv.metadata?.deletionTimestamp) continue;
    const nodeFits = !options.node || volumeNodeAffinityFits(pv, options.node);
    if (isVolumeBoundToClaim(pv, claim)) return nodeFits ? pv : undefined;
    if (!options.node && options.delayBinding) continue;
    if (pv.status?.phase !== 'Available') continue;
    if (selector && !selectorMatches(selector, pv.metadata?.labels)) continue;
    if (volumeClass(pv) !== claimClass(claim)) continue;
    if (!nodeFits) continue;
    if (options.node && !accessModesFit(claim, pv)) continue;
    if (!smallest || compareQuantities(volumeCapacity(smallest), volumeCapacity(pv)) > 0) smallest = pv;
  }
  return smallest;
}

/**
 * The controller's findBestMatchForClaim: volumes are grouped by their access modes, and the
 * groups that offer every mode the claim asks for are searched from the fewest modes up, so a
 * ReadWriteOnce claim takes a ReadWriteOnce volume before a ReadWriteOnce+ReadWriteMany one.
 */
export function findBestMatchForClaim(
  claim: k8s.V1PersistentVolumeClaim,
  volumes: readonly k8s.V1PersistentVolume[],
  options: MatchOptions = {},
): k8s.V1PersistentVolume | undefined {
  const groups = new Map<string, k8s.V1PersistentVolume[]>();
  for (const pv of volumes) {
    const modes = [...new Set(pv.spec?.accessModes ?? [])].sort();
    const key = modes.join(',');
    groups.set(key, [...(groups.get(key) ?? []), pv]);
  }
  const wanted = claim.spec?.accessModes ?? [];
  const candidates = [...groups.entries()]
    .map(([key, pvs]) => ({ modes: key ? key.split(',') : [], pvs }))
    .filter((g) => wanted.every((m) => g.modes.includes(m)))
    .sort((a, b) => a.modes.length - b.modes.length || a.modes.join().localeCompare(b.modes.join()));
  for (const group of candidates) {
    const found = findMatchingVolume(claim, group.pvs, options);
    if (found) return found;
  }
  return undefined;
}

/** Why a volume the claim names in spec.volumeName cannot be bound to it (upstream's checkVolumeSatisfyClaim). */
export function volumeUnfitReason(
  pv: k8s.V1PersistentVolume,
  claim: k8s.V1PersistentVolumeClaim,
): string | undefined {
  if (compareQuantities(volumeCapacity(pv), claimRequest(claim)) < 0) return 'requested PV is too small';
  if (volumeClass(pv) !== claimClass(claim)) return 'storageClassName does not match';
  if (volumeModeMismatch(claim, pv)) return 'incompatible volumeMode';
  if (!accessModesFit(claim, pv)) return 'incompatible accessMode';
  return undefined;
}

/** The class's binding mode is WaitForFirstConsumer. */
export const isDelayBindingClass = (sc: k8s.V1StorageClass | undefined): boolean =>
  sc?.volumeBindingMode === 'WaitForFirstConsumer';

/** The default StorageClass, as upstream picks it: the newest of those annotated default (GA or beta). */
export function defaultStorageClass(classes: readonly k8s.V1StorageClass[]): k8s.V1StorageClass | undefined {
  const defaults = classes.filter(
    (sc) =>
      sc.metadata?.annotations?.[ANN_DEFAULT_CLASS] === 'true' ||
      sc.metadata?.annotations?.[ANN_BETA_DEFAULT_CLASS] === 'true',
  );
  defaults.sort(
    (a, b) =>
      new Date(b.metadata?.creationTimestamp ?? 0).getTime() -
        new Date(a.metadata?.creationTimestamp ?? 0).getTime() ||
      (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
  );
  return defaults[0];
}
