// The schema table of every served kind, assembled from the per-area files (listed explicitly)
// with GVKs and list types derived from the resource table, as upstream's generator does.
import { apiVersionOf, RESOURCES, type ResourceInfo } from '../resources.ts';
import { APPS_SCHEMAS } from './schemas-apps.ts';
import { CONTAINER_SCHEMAS } from './schemas-container.ts';
import { CORE_SCHEMAS } from './schemas-core.ts';
import { DISCOVERY_SCHEMAS } from './schemas-discovery.ts';
import { GROUP_SCHEMAS } from './schemas-groups.ts';
import { META_SCHEMAS } from './schemas-meta.ts';
import { NODE_STORAGE_SCHEMAS } from './schemas-node-storage.ts';
import { POD_SCHEMAS } from './schemas-pod.ts';
import { VOLUME_SCHEMAS } from './schemas-volume.ts';
import { listDef, SchemaIndex, type Gvk, type TypeDef } from './schema-model.ts';

export type { Gvk, Prop, PropExt, TypeDef, TypeRef } from './schema-model.ts';
export { SchemaIndex } from './schema-model.ts';

/** Go package of each served group, the prefix of its definition names. */
const GROUP_PACKAGES: Record<string, string> = {
  '': 'io.k8s.api.core.v1',
  apps: 'io.k8s.api.apps.v1',
  'discovery.k8s.io': 'io.k8s.api.discovery.v1',
  'coordination.k8s.io': 'io.k8s.api.coordination.v1',
  'storage.k8s.io': 'io.k8s.api.storage.v1',
  'events.k8s.io': 'io.k8s.api.events.v1',
};

/** Definition name of a served resource's kind, e.g. pods → io.k8s.api.core.v1.Pod. */
export function kindSchemaName(info: Pick<ResourceInfo, 'group' | 'version' | 'kind'>): string {
  const pkg = GROUP_PACKAGES[info.group];
  if (!pkg) throw new Error(`no schema package for group ${JSON.stringify(info.group)}`);
  return `${pkg.replace(/\.v1$/, `.${info.version}`)}.${info.kind}`;
}

/** The definitions, with GVKs and list kinds added for every resource in `resources`. */
export function buildSchemaDefinitions(resources: readonly ResourceInfo[] = RESOURCES): TypeDef[] {
  const defs = new Map<string, TypeDef>();
  for (const def of [
    ...META_SCHEMAS,
    ...DISCOVERY_SCHEMAS,
    ...CONTAINER_SCHEMAS,
    ...VOLUME_SCHEMAS,
    ...POD_SCHEMAS,
    ...CORE_SCHEMAS,
    ...NODE_STORAGE_SCHEMAS,
    ...GROUP_SCHEMAS,
    ...APPS_SCHEMAS,
  ])
    defs.set(def.name, def);
  for (const info of resources) {
    const name = kindSchemaName(info);
    const def = defs.get(name);
    if (!def) throw new Error(`resource ${info.resource} (${apiVersionOf(info)}): no schema ${name}`);
    const gvk: Gvk = { group: info.group, version: info.version, kind: info.kind };
    defs.set(name, { ...def, gvk: [gvk] });
    const list = listDef(def, gvk);
    defs.set(list.name, list);
  }
  return [...defs.values()];
}

/** Builds the index for a resource table; throws on unresolved or ambiguous type names. */
export function buildSchemaIndex(resources: readonly ResourceInfo[] = RESOURCES): SchemaIndex {
  return new SchemaIndex(buildSchemaDefinitions(resources));
}
