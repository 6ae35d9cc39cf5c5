// The fields each resource can be selected by, and their values for one object (upstream's
// per-resource GetAttrs / field label conversion funcs).
import type { ResourceInfo } from './resources.ts';

type Obj = Record<string, unknown>;

const at = (obj: Obj, path: string): string => {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Obj)[part];
  }
  if (cur === undefined || cur === null) return '';
  return typeof cur === 'object' ? JSON.stringify(cur) : String(cur);
};

const EXTRA_FIELDS: Record<string, readonly string[]> = {
  pods: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  nodes: ['spec.unschedulable'],
  namespaces: ['status.phase'],
  secrets: ['type'],
  replicationcontrollers: ['status.replicas'],
  persistentvolumeclaims: [],
  events: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
};

export function supportedFields(info: ResourceInfo): string[] {
  const extra = info.group === '' ? (EXTRA_FIELDS[info.resource] ?? []) : [];
  return ['metadata.name', 'metadata.namespace', ...extra];
}

export function fieldValues(info: ResourceInfo, obj: Obj): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of supportedFields(info)) {
    values[field] = field === 'source' ? at(obj, 'source.component') : at(obj, field);
  }
  // An unset bool reads as "false", as the Go struct's zero value would.
  if (info.resource === 'pods' && values['spec.hostNetwork'] === '') values['spec.hostNetwork'] = 'false';
  if (info.resource === 'nodes' && values['spec.unschedulable'] === '')
    values['spec.unschedulable'] = 'false';
  return values;
}
