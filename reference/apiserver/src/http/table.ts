// Server-side printing: the meta.k8s.io/v1 Table that `kubectl get` asks for (Accept:
// application/json;as=Table;v=v1;g=meta.k8s.io), with the columns upstream's printers give each
// resource (pkg/printers/internalversion/printers.go). Columns of priority 1 show with -o wide.
import type { IncomingMessage } from 'node:http';
import { toStorage } from '../registry/conversion.ts';
import type { ApiObject } from '../registry/objects.ts';
import type { ResourceInfo } from '../resources.ts';
import { scaleSelector } from './scale.ts';

type Obj = Record<string, unknown>;
type Cell = string | number | boolean;

interface Column {
  name: string;
  type: 'string' | 'integer' | 'date' | 'number' | 'boolean';
  format?: string;
  description: string;
  priority?: number;
  cell: (obj: Obj, now: Date) => Cell;
}

/** True when the client asked for a Table (kubectl get does; client libraries do not). */
export function wantsTable(req: IncomingMessage): boolean {
  const accept = req.headers.accept ?? '';
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim());
    return params.includes('as=Table') && params.includes('g=meta.k8s.io') && params.includes('v=v1');
  });
}

/** Upstream's duration.HumanDuration, as every AGE column prints it. */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${hours / 24}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 365 * 8)
    return days % 365 === 0 ? `${days / 365}y` : `${Math.floor(days / 365)}y${days % 365}d`;
  return `${Math.floor(days / 365)}y`;
}

const get = (obj: Obj, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((cur, key) => (cur && typeof cur === 'object' ? (cur as Obj)[key] : undefined), obj);
const str = (v: unknown, empty = '<none>'): string =>
  v === undefined || v === null || v === '' ? empty : String(v);
const age = (obj: Obj, now: Date): string => {
  const created = get(obj, 'metadata.creationTimestamp');
  return typeof created === 'string' ? humanDuration(now.getTime() - Date.parse(created)) : '<unknown>';
};
const count = (v: unknown): number => (v && typeof v === 'object' ? Object.keys(v).length : 0);

const NAME: Column = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace.',
  cell: (o) => str(get(o, 'metadata.name')),
};
const AGE: Column = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
  cell: age,
};

function podStatus(pod: Obj): string {
  let reason = str(get(pod, 'status.reason'), '') || str(get(pod, 'status.phase'), '');
  const statuses = (get(pod, 'status.containerStatuses') as Obj[] | undefined) ?? [];
  for (const s of [...statuses].reverse()) {
    const waiting = get(s, 'state.waiting.reason');
    const terminated = get(s, 'state.terminated') as Obj | undefined;
    if (typeof waiting === 'string' && waiting) reason = waiting;
    else if (terminated) {
      reason =
        str(terminated.reason, '') ||
        (terminated.signal
          ? `Signal:${String(terminated.signal)}`
          : `ExitCode:${String(terminated.exitCode ?? 0)}`);
    }
  }
  if (get(pod, 'metadata.deletionTimestamp') !== undefined && reason !== 'Succeeded' && reason !== 'Failed') {
    reason = 'Terminating';
  }
  return reason || 'Unknown';
}

function podReady(pod: Obj): string {
  const statuses = (get(pod, 'status.containerStatuses') as Obj[] | undefined) ?? [];
  const total = ((get(pod, 'spec.containers') as unknown[] | undefined) ?? []).length;
  return `${statuses.filter((s) => s.ready === true).length}/${total}`;
}

function podRestarts(pod: Obj, now: Date): string {
  const statuses = (get(pod, 'status.containerStatuses') as Obj[] | undefined) ?? [];
  const restarts = statuses.reduce((n, s) => n + Number(s.restartCount ?? 0), 0);
  const last = statuses
    .map((s) => get(s, 'lastState.terminated.finishedAt'))
    .filter((t): t is string => typeof t === 'string')
    .sort()
    .at(-1);
  return last && restarts > 0
    ? `${restarts} (${humanDuration(now.getTime() - Date.parse(last))} ago)`
    : String(restarts);
}

function servicePorts(svc: Obj): string {
  const ports = (get(svc, 'spec.ports') as Obj[] | undefined) ?? [];
  if (ports.length === 0) return '<none>';
  return ports
    .map((p) => `${String(p.port)}${p.nodePort ? `:${String(p.nodePort)}` : ''}/${str(p.protocol, 'TCP')}`)
    .join(',');
}

function selectorText(sel: unknown): string {
  if (!sel || typeof sel !== 'object' || count(sel) === 0) return '<none>';
  return Object.entries(sel as Record<string, string>)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function nodeStatus(node: Obj): string {
  const ready = ((get(node, 'status.conditions') as Obj[] | undefined) ?? []).find((c) => c.type === 'Ready');
  const status = ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown';
  return get(node, 'spec.unschedulable') === true ? `${status},SchedulingDisabled` : status;
}

function endpointsText(ep: Obj): string {
  const out: string[] = [];
  for (const subset of (get(ep, 'subsets') as Obj[] | undefined) ?? []) {
    for (const address of (subset.addresses as Obj[] | undefined) ?? []) {
      for (const port of (subset.ports as Obj[] | undefined) ?? [{}]) {
        out.push(port.port !== undefined ? `${String(address.ip)}:${String(port.port)}` : String(address.ip));
      }
    }
  }
  if (out.length === 0) return '<none>';
  return out.length > 3 ? `${out.slice(0, 3).join(',')} + ${out.length - 3} more...` : out.join(',');
}

const col = (name: string, cell: Column['cell'], priority = 0, type: Column['type'] = 'string'): Column => ({
  name,
  type,
  description: name,
  priority,
  cell,
});

const COLUMNS: Record<string, Column[]> = {
  Pod: [
    NAME,
    col('Ready', podReady),
    col('Status', podStatus),
    col('Restarts', podRestarts),
    AGE,
    col('IP', (o) => str(get(o, 'status.podIP')), 1),
    col('Node', (o) => str(get(o, 'spec.nodeName')), 1),
    col('Nominated Node', (o) => str(get(o, 'status.nominatedNodeName')), 1),
    col('Readiness Gates', () => '<none>', 1),
  ],
  Namespace: [NAME, col('Status', (o) => str(get(o, 'status.phase'), '')), AGE],
  Service: [
    NAME,
    col('Type', (o) => str(get(o, 'spec.type'), 'ClusterIP')),
    col('Cluster-IP', (o) => str(get(o, 'spec.clusterIP'))),
    col('External-IP', (o) => str(get(o, 'spec.externalIPs'))),
    col('Port(s)', servicePorts),
    AGE,
    col('Selector', (o) => selectorText(get(o, 'spec.selector')), 1),
  ],
  Node: [
    NAME,
    col('Status', nodeStatus),
    col('Roles', () => '<none>'),
    AGE,
    col('Version', (o) => str(get(o, 'status.nodeInfo.kubeletVersion'), '')),
    col(
      'Internal-IP',
      (o) => {
        const addresses = (get(o, 'status.addresses') as Obj[] | undefined) ?? [];
        return str(addresses.find((a) => a.type === 'InternalIP')?.address);
      },
      1,
    ),
  ],
  ConfigMap: [NAME, col('Data', (o) => count(o.data) + count(o.binaryData), 0, 'integer'), AGE],
  Secret: [NAME, col('Type', (o) => str(o.type, '')), col('Data', (o) => count(o.data), 0, 'integer'), AGE],
  Endpoints: [NAME, col('Endpoints', endpointsText), AGE],
  ServiceAccount: [
    NAME,
    col('Secrets', (o) => ((o.secrets as unknown[] | undefined) ?? []).length, 0, 'integer'),
    AGE,
  ],
  ReplicationController: [
    NAME,
    col('Desired', (o) => Number(get(o, 'spec.replicas') ?? 0), 0, 'integer'),
    col('Current', (o) => Number(get(o, 'status.replicas') ?? 0), 0, 'integer'),
    col('Ready', (o) => Number(get(o, 'status.readyReplicas') ?? 0), 0, 'integer'),
    AGE,
  ],
  ReplicaSet: [
    NAME,
    col('Desired', (o) => Number(get(o, 'spec.replicas') ?? 0), 0, 'integer'),
    col('Current', (o) => Number(get(o, 'status.replicas') ?? 0), 0, 'integer'),
    col('Ready', (o) => Number(get(o, 'status.readyReplicas') ?? 0), 0, 'integer'),
    AGE,
    ...templateColumns(),
  ],
  Deployment: [
    NAME,
    col(
      'Ready',
      (o) => `${Number(get(o, 'status.readyReplicas') ?? 0)}/${Number(get(o, 'spec.replicas') ?? 0)}`,
    ),
    col('Up-to-date', (o) => Number(get(o, 'status.updatedReplicas') ?? 0), 0, 'integer'),
    col('Available', (o) => Number(get(o, 'status.availableReplicas') ?? 0), 0, 'integer'),
    AGE,
    ...templateColumns(),
  ],
  PersistentVolume: [
    NAME,
    col('Capacity', (o) => str(get(o, 'spec.capacity.storage'), '')),
    col('Access Modes', (o) => accessModes(get(o, 'spec.accessModes'))),
    col('Reclaim Policy', (o) => str(get(o, 'spec.persistentVolumeReclaimPolicy'), '')),
    col('Status', (o) => str(get(o, 'status.phase'), '')),
    col('Claim', (o) => {
      const ref = get(o, 'spec.claimRef') as Obj | undefined;
      return ref ? `${String(ref.namespace)}/${String(ref.name)}` : '';
    }),
    col('StorageClass', (o) => str(get(o, 'spec.storageClassName'), '')),
    col('VolumeAttributesClass', () => '<unset>'),
    col('Reason', (o) => str(get(o, 'status.reason'), '')),
    AGE,
  ],
  PersistentVolumeClaim: [
    NAME,
    col('Status', (o) => str(get(o, 'status.phase'), '')),
    col('Volume', (o) => str(get(o, 'spec.volumeName'), '')),
    col('Capacity', (o) => str(get(o, 'status.capacity.storage'), '')),
    col('Access Modes', (o) => accessModes(get(o, 'status.accessModes'))),
    col('StorageClass', (o) => str(get(o, 'spec.storageClassName'), '')),
    col('VolumeAttributesClass', () => '<unset>'),
    AGE,
  ],
  Lease: [NAME, col('Holder', (o) => str(get(o, 'spec.holderIdentity'), '')), AGE],
  Event: [
    col('Last Seen', (o, now) => {
      const t = get(o, 'lastTimestamp') ?? get(o, 'eventTime') ?? get(o, 'metadata.creationTimestamp');
      return typeof t === 'string' ? humanDuration(now.getTime() - Date.parse(t)) : '<unknown>';
    }),
    col('Type', (o) => str(o.type, '')),
    col('Reason', (o) => str(o.reason, '')),
    col(
      'Object',
      (o) =>
        `${String(get(o, 'involvedObject.kind') ?? '').toLowerCase()}/${String(get(o, 'involvedObject.name') ?? '')}`,
    ),
    col('Message', (o) => str(o.message, '').trim()),
  ],
};

/** The wide columns of the apps kinds: the template's containers and images, the selector. */
function templateColumns(): Column[] {
  const containers = (o: Obj) => (get(o, 'spec.template.spec.containers') as Obj[] | undefined) ?? [];
  return [
    col(
      'Containers',
      (o) =>
        containers(o)
          .map((c) => String(c.name ?? ''))
          .join(','),
      1,
    ),
    col(
      'Images',
      (o) =>
        containers(o)
          .map((c) => String(c.image ?? ''))
          .join(','),
      1,
    ),
    col('Selector', (o) => scaleSelector(get(o, 'spec.selector')) || '<none>', 1),
  ];
}

function accessModes(modes: unknown): string {
  const short: Record<string, string> = {
    ReadWriteOnce: 'RWO',
    ReadOnlyMany: 'ROX',
    ReadWriteMany: 'RWX',
    ReadWriteOncePod: 'RWOP',
  };
  return Array.isArray(modes) ? modes.map((m) => short[String(m)] ?? String(m)).join(',') : '';
}

// Upstream's default table for resources without a printer: name and creation time.
const DEFAULT_COLUMNS: Column[] = [
  NAME,
  { ...AGE, name: 'Created At', type: 'date', cell: (o) => str(get(o, 'metadata.creationTimestamp'), '') },
];

/** A Table of `objects` (one row each) in the form kubectl prints. */
export function toTable(info: ResourceInfo, objects: ApiObject[], listMeta: Obj = {}, now = new Date()): Obj {
  const columns = COLUMNS[info.kind] ?? DEFAULT_COLUMNS;
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: columns.map((c) => ({
      name: c.name,
      type: c.type,
      format: c.format ?? '',
      description: c.description,
      priority: c.priority ?? 0,
    })),
    rows: objects.map((o) => {
      // Upstream prints the internal object: a resource stored as another prints in that form.
      const printed = toStorage(info, o);
      return {
        cells: columns.map((c) => c.cell(printed, now)),
        object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
      };
    }),
  };
}
