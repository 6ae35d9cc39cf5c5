// Strategic merge patch metadata: upstream's `patchStrategy` / `patchMergeKey` struct tags, written
// out as data for each built-in kind the reference apiserver serves. Sources: k8s.io/api core/v1,
// apps/v1, discovery/v1, coordination/v1 and storage/v1 types.go, and metav1.ObjectMeta in
// k8s.io/apimachinery. Fields without tags are absent: their lists are replaced whole (e.g.
// spec.tolerations, spec.readinessGates, container args/command/envFrom, node spec.taints) and their
// maps merged key by key. discovery/v1, coordination/v1 and the storage kinds other than CSINode
// carry no tags, but being Go types they do accept strategic merge patch.
//
// A path names a field from the object's root, dot-separated; `[]` steps into the items of a list:
// "spec.template.spec.containers[].ports".

/** The tag's value; only "merge" changes how the server applies a patch ("retainKeys" guides clients). */
export type PatchStrategy = 'merge' | 'retainKeys' | 'merge,retainKeys' | 'replace';

export interface PatchMeta {
  readonly strategy: PatchStrategy;
  /** Items of a list of objects are matched on this field; absent for lists of scalars. */
  readonly mergeKey?: string;
}

export type PatchMetaTable = Readonly<Record<string, PatchMeta>>;

type Entries = Record<string, PatchMeta>;

const byKey = (mergeKey: string): PatchMeta => ({ strategy: 'merge', mergeKey });
const RETAIN_KEYS_BY_NAME: PatchMeta = { strategy: 'merge,retainKeys', mergeKey: 'name' };
const MERGE_SCALARS: PatchMeta = { strategy: 'merge' };

/** metav1.ObjectMeta. */
const objectMeta = (at: string): Entries => ({
  [`${at}.finalizers`]: MERGE_SCALARS,
  [`${at}.ownerReferences`]: byKey('uid'),
});

/** core/v1 Container; EphemeralContainerCommon has the same tags. */
const container = (at: string): Entries => ({
  [`${at}.ports`]: byKey('containerPort'),
  [`${at}.env`]: byKey('name'),
  [`${at}.volumeMounts`]: byKey('mountPath'),
  [`${at}.volumeDevices`]: byKey('devicePath'),
});

/** core/v1 PodSpec. */
const podSpec = (at: string): Entries => ({
  [`${at}.volumes`]: RETAIN_KEYS_BY_NAME,
  [`${at}.initContainers`]: byKey('name'),
  ...container(`${at}.initContainers[]`),
  [`${at}.containers`]: byKey('name'),
  ...container(`${at}.containers[]`),
  [`${at}.ephemeralContainers`]: byKey('name'),
  ...container(`${at}.ephemeralContainers[]`),
  [`${at}.imagePullSecrets`]: byKey('name'),
  [`${at}.hostAliases`]: byKey('ip'),
  [`${at}.topologySpreadConstraints`]: byKey('topologyKey'),
  [`${at}.schedulingGates`]: byKey('name'),
  [`${at}.resourceClaims`]: RETAIN_KEYS_BY_NAME,
});

/** core/v1 PodTemplateSpec. */
const podTemplateSpec = (at: string): Entries => ({
  ...objectMeta(`${at}.metadata`),
  ...podSpec(`${at}.spec`),
});

/** The status conditions of most kinds: merged by type. */
const statusConditions: Entries = { 'status.conditions': byKey('type') };

/** One kind's table: ObjectMeta at "metadata" plus its own fields. */
const kind = (...parts: Entries[]): PatchMetaTable =>
  Object.freeze(Object.assign(objectMeta('metadata'), ...parts));

export const STRATEGIC_MERGE_KEYS: Readonly<Record<string, PatchMetaTable>> = Object.freeze({
  // core/v1
  Pod: kind(podSpec('spec'), statusConditions, {
    'status.podIPs': byKey('ip'),
    'status.hostIPs': byKey('ip'),
    'status.resourceClaimStatuses': RETAIN_KEYS_BY_NAME,
  }),
  PodTemplate: kind(podTemplateSpec('template')),
  ReplicationController: kind(podTemplateSpec('spec.template'), statusConditions),
  Service: kind({ 'spec.ports': byKey('port') }, statusConditions),
  Endpoints: kind(),
  Node: kind({ 'spec.podCIDRs': MERGE_SCALARS, 'status.addresses': byKey('type') }, statusConditions),
  Namespace: kind(statusConditions),
  ConfigMap: kind(),
  Secret: kind(),
  ServiceAccount: kind({ secrets: byKey('name') }),
  PersistentVolume: kind(),
  PersistentVolumeClaim: kind(statusConditions),
  Event: kind(),
  LimitRange: kind(),
  ResourceQuota: kind(),
  ComponentStatus: kind({ conditions: byKey('type') }),
  // apps/v1
  Deployment: kind(
    podTemplateSpec('spec.template'),
    { 'spec.strategy': { strategy: 'retainKeys' } },
    statusConditions,
  ),
  ReplicaSet: kind(podTemplateSpec('spec.template'), statusConditions),
  StatefulSet: kind(podTemplateSpec('spec.template'), statusConditions),
  DaemonSet: kind(podTemplateSpec('spec.template'), statusConditions),
  ControllerRevision: kind(),
  // discovery/v1
  EndpointSlice: kind(),
  // coordination/v1
  Lease: kind(),
  // storage/v1
  StorageClass: kind(),
  VolumeAttachment: kind(),
  CSIDriver: kind(),
  CSINode: kind({ 'spec.drivers': byKey('name') }),
  CSIStorageCapacity: kind(),
});

/** Whether upstream accepts application/strategic-merge-patch+json for the kind (Go types do, CRDs don't). */
export function supportsStrategicMergePatch(kind: string): boolean {
  return Object.prototype.hasOwnProperty.call(STRATEGIC_MERGE_KEYS, kind);
}

export const PATCH_CONTENT_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

/**
 * The patch content types upstream accepts for a kind, in its order (endpoints/installer.go for
 * built-in kinds, the apiextensions crdHandler for the rest); the 415's message lists them.
 */
export function acceptedPatchContentTypes(kind: string): string[] {
  const { json, merge, strategic, apply } = PATCH_CONTENT_TYPES;
  return supportsStrategicMergePatch(kind) ? [json, merge, strategic, apply] : [json, merge, apply];
}
