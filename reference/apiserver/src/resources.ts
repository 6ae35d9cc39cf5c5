// The resources this apiserver serves, as data. Discovery, routing, storage keys and the OpenAPI
// document are all derived from this one table, so adding a resource is one entry here plus,
// where it has special behaviour, a strategy.

export interface GroupVersion {
  /** '' for the legacy core group (served under /api). */
  group: string;
  version: string;
}

export interface ResourceInfo extends GroupVersion {
  /** Plural lower-case name used in paths: 'pods'. */
  resource: string;
  kind: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  /** Subresources served besides the main resource. */
  subresources: string[];
  categories: string[];
  /** Whether PUT may create an object that does not exist (upstream's AllowCreateOnUpdate). */
  createOnUpdate: boolean;
  /**
   * The resource whose storage this one shares, when upstream keeps its objects with another's
   * and converts them on every read and write (../registry/conversion.ts): events.k8s.io Events
   * are core Events in storage. Absent: stored under its own name.
   */
  storedAs?: { group: string; resource: string };
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function verbsOf(_info: ResourceInfo): string[] {
  return VERBS;
}

type Entry = Partial<ResourceInfo> & Pick<ResourceInfo, 'resource' | 'kind' | 'namespaced'>;

function gv(group: string, version: string, entries: Entry[]): ResourceInfo[] {
  return entries.map((e) => ({
    group,
    version,
    singular: e.kind.toLowerCase(),
    shortNames: [],
    subresources: [],
    categories: [],
    createOnUpdate: false,
    ...e,
  }));
}

export const RESOURCES: readonly ResourceInfo[] = [
  ...gv('', 'v1', [
    {
      resource: 'namespaces',
      kind: 'Namespace',
      namespaced: false,
      shortNames: ['ns'],
      subresources: ['status', 'finalize'],
    },
    {
      resource: 'pods',
      kind: 'Pod',
      namespaced: true,
      shortNames: ['po'],
      subresources: ['status', 'binding', 'eviction', 'log', 'exec', 'portforward'],
      categories: ['all'],
    },
    {
      resource: 'services',
      kind: 'Service',
      namespaced: true,
      shortNames: ['svc'],
      subresources: ['status'],
      categories: ['all'],
    },
    {
      resource: 'endpoints',
      kind: 'Endpoints',
      namespaced: true,
      shortNames: ['ep'],
      singular: 'endpoints',
      createOnUpdate: true,
    },
    { resource: 'nodes', kind: 'Node', namespaced: false, shortNames: ['no'], subresources: ['status'] },
    {
      resource: 'persistentvolumes',
      kind: 'PersistentVolume',
      namespaced: false,
      shortNames: ['pv'],
      subresources: ['status'],
    },
    {
      resource: 'persistentvolumeclaims',
      kind: 'PersistentVolumeClaim',
      namespaced: true,
      shortNames: ['pvc'],
      subresources: ['status'],
    },
    { resource: 'events', kind: 'Event', namespaced: true, shortNames: ['ev'] },
    {
      resource: 'replicationcontrollers',
      kind: 'ReplicationController',
      namespaced: true,
      shortNames: ['rc'],
      subresources: ['status', 'scale'],
      categories: ['all'],
    },
    { resource: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] },
    { resource: 'secrets', kind: 'Secret', namespaced: true },
    { resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true, shortNames: ['sa'] },
  ]),
  ...gv('apps', 'v1', [
    {
      resource: 'deployments',
      kind: 'Deployment',
      namespaced: true,
      shortNames: ['deploy'],
      subresources: ['status', 'scale'],
      categories: ['all'],
    },
    {
      resource: 'replicasets',
      kind: 'ReplicaSet',
      namespaced: true,
      shortNames: ['rs'],
      subresources: ['status', 'scale'],
      categories: ['all'],
    },
  ]),
  ...gv('discovery.k8s.io', 'v1', [{ resource: 'endpointslices', kind: 'EndpointSlice', namespaced: true }]),
  ...gv('coordination.k8s.io', 'v1', [{ resource: 'leases', kind: 'Lease', namespaced: true }]),
  ...gv('storage.k8s.io', 'v1', [
    { resource: 'storageclasses', kind: 'StorageClass', namespaced: false, shortNames: ['sc'] },
  ]),
  ...gv('events.k8s.io', 'v1', [
    {
      resource: 'events',
      kind: 'Event',
      namespaced: true,
      shortNames: ['ev'],
      storedAs: { group: '', resource: 'events' },
    },
  ]),
];

export const apiVersionOf = (gvr: GroupVersion): string =>
  gvr.group ? `${gvr.group}/${gvr.version}` : gvr.version;

/** Groups in the order discovery lists them (core first). */
export function groupVersions(resources: readonly ResourceInfo[] = RESOURCES): GroupVersion[] {
  const seen = new Map<string, GroupVersion>();
  for (const r of resources) seen.set(apiVersionOf(r), { group: r.group, version: r.version });
  return [...seen.values()];
}

export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.resource === resource);
}

/**
 * Storage key of an object, as upstream lays out etcd: `/registry/<resource>/<ns>/<name>` for
 * the core group, `/registry/<group>/<resource>/…` for the others; a resource stored as another
 * (`storedAs`) uses that one's keys, so both APIs read and write the same objects.
 */
export function storageKey(info: ResourceInfo, namespace: string | undefined, name: string): string {
  return storagePrefix(info, namespace) + name;
}

export function storagePrefix(info: ResourceInfo, namespace?: string): string {
  const { group, resource } = info.storedAs ?? info;
  const base = group === '' ? `/registry/${resource}/` : `/registry/${group}/${resource}/`;
  return info.namespaced && namespace ? `${base}${namespace}/` : base;
}
