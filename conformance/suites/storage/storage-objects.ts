// What the storage tests create and wait for: hostPath PersistentVolumes under /tmp pinned to one
// schedulable node (so any multi-node cluster can honour them), claims of a class of the test's
// own, pods that mount a claim, the cluster's default StorageClasses, and waits on claims, volumes
// and events. PersistentVolumes are cluster-scoped: the namespace's deletion does not remove them,
// so every one made here is remembered by a VolumeTracker and deleted at the end of the file.
import {
  StorageV1Api,
  type CoreV1Event,
  type V1PersistentVolume,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1StorageClass,
} from '@kubernetes/client-node';
import type { Cluster } from '../../lib/cluster.ts';
import { useTestNamespace, type TestNamespace } from '../../lib/namespace.ts';
import { schedulableNodes } from '../../lib/nodes.ts';
import { pollUntil, waitForObject } from '../../lib/wait.ts';
import { busybox, createServiceAccount, probePod } from '../probes/probe-pods.ts';

export const MOUNT = '/data';

const UNITS: Record<string, number> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A storage quantity (`16Mi`, `1G`, `1e9`) in bytes; NaN when it is not one. */
export function storageBytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(?:[eE](\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[kMGTPE]))?$/.exec(quantity);
  if (!m) return NaN;
  return Number(m[1]) * (m[2] ? 10 ** Number(m[2]) : UNITS[m[3] ?? '']!);
}

/** The kubernetes.io/hostname label of a schedulable node (see `schedulableNodes`) that has one. */
export async function schedulableNode(cluster: Cluster): Promise<string> {
  const nodes = await schedulableNodes(cluster);
  const hostname = nodes.map((n) => n.metadata?.labels?.['kubernetes.io/hostname']).find(Boolean);
  if (!hostname) {
    throw new Error(
      `no schedulable node with a kubernetes.io/hostname label among ${nodes.length} schedulable node(s)`,
    );
  }
  return hostname;
}

const DEFAULT_CLASS_ANNOTATION = 'storageclass.kubernetes.io/is-default-class';

/**
 * The cluster's StorageClasses, and those marked default in the order upstream's DefaultStorageClass
 * admission prefers them: newest first, then by name.
 */
export async function defaultStorageClasses(
  cluster: Cluster,
): Promise<{ classes: V1StorageClass[]; defaults: V1StorageClass[] }> {
  const classes = (await cluster.kubeconfig.makeApiClient(StorageV1Api).listStorageClass()).items;
  const created = (sc: V1StorageClass) => new Date(sc.metadata?.creationTimestamp ?? 0).getTime();
  const name = (sc: V1StorageClass) => sc.metadata?.name ?? '';
  const defaults = classes
    .filter((sc) => sc.metadata?.annotations?.[DEFAULT_CLASS_ANNOTATION] === 'true')
    .sort((a, b) => created(b) - created(a) || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  return { classes, defaults };
}

export interface VolumeOptions {
  className: string;
  size: string;
  policy: 'Retain' | 'Delete';
  /** Pin the volume to the node with this kubernetes.io/hostname (for volumes pods will use). */
  hostname?: string;
}

export function hostPathVolume(name: string, o: VolumeOptions): V1PersistentVolume {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels: { 'conformance.kconform.io/test': 'storage' } },
    spec: {
      capacity: { storage: o.size },
      accessModes: ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: o.policy,
      storageClassName: o.className,
      hostPath: { path: `/tmp/${name}`, type: 'DirectoryOrCreate' },
      ...(o.hostname
        ? {
            nodeAffinity: {
              required: {
                nodeSelectorTerms: [
                  {
                    matchExpressions: [
                      { key: 'kubernetes.io/hostname', operator: 'In', values: [o.hostname] },
                    ],
                  },
                ],
              },
            },
          }
        : {}),
    },
  };
}

export function claim(
  name: string,
  className: string,
  size: string,
  volumeName?: string,
): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: size } },
      storageClassName: className,
      ...(volumeName ? { volumeName } : {}),
    },
  };
}

/** A busybox pod running `script` with the claim mounted at /data. */
export function claimPod(name: string, claimName: string, script: string, restartPolicy = 'Never'): V1Pod {
  return probePod(name, [busybox('app', script, { volumeMounts: [{ name: 'data', mountPath: MOUNT }] })], {
    restartPolicy,
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
  });
}

/** Remembers every volume a file creates, so that it is deleted at the end whatever happened. */
export class VolumeTracker {
  readonly names = new Set<string>();
  async create(cluster: Cluster, pv: V1PersistentVolume): Promise<void> {
    this.names.add(pv.metadata!.name!);
    await cluster.core.createPersistentVolume({ body: pv });
  }
  /** Best effort: a volume may be gone already (reclaimed with Delete). */
  async deleteAll(cluster: Cluster): Promise<void> {
    for (const name of this.names) await cluster.core.deletePersistentVolume({ name }).catch(() => undefined);
  }
}

export interface StorageNamespace {
  ns: TestNamespace;
  /** The static volumes the file creates, deleted in its `after`. */
  volumes: VolumeTracker;
  /** A storageClassName of the test's own (`<namespace>-<test>`), so no one else's volume matches. */
  className: (test: string) => string;
  /** A volume name of the test's own (`<namespace>-<test>`). */
  pvName: (test: string) => string;
  createClaim: (body: V1PersistentVolumeClaim) => Promise<V1PersistentVolumeClaim>;
}

/**
 * The set-up of a storage test file: its namespace with the pods' service account, and its static
 * volumes deleted at the end whatever happened.
 */
export function useStorageNamespace(base: string): StorageNamespace {
  const ns = useTestNamespace(base);
  const volumes = new VolumeTracker();

  before(async function () {
    this.timeout(60_000);
    await createServiceAccount(ns.cluster, ns.name);
  });

  after(async function () {
    this.timeout(60_000);
    await volumes.deleteAll(ns.cluster);
  });

  return {
    ns,
    volumes,
    className: (test) => `${ns.name}-${test}`,
    pvName: (test) => `${ns.name}-${test}`,
    createClaim: (body) =>
      ns.cluster.core.createNamespacedPersistentVolumeClaim({ namespace: ns.name, body }),
  };
}

export function claimUntil(
  cluster: Cluster,
  namespace: string,
  name: string,
  what: string,
  until: (c: V1PersistentVolumeClaim | undefined) => boolean,
  timeoutMs: number,
): Promise<V1PersistentVolumeClaim | undefined> {
  return waitForObject<V1PersistentVolumeClaim>(cluster, {
    what: `claim ${namespace}/${name} ${what}`,
    collectionPath: `/api/v1/namespaces/${namespace}/persistentvolumeclaims`,
    name,
    timeoutMs,
    until,
    describe: (c) =>
      c ? `phase ${c.status?.phase ?? '?'}, volumeName "${c.spec?.volumeName ?? ''}"` : 'absent',
  });
}

export async function boundClaim(
  cluster: Cluster,
  namespace: string,
  name: string,
  timeoutMs: number,
): Promise<V1PersistentVolumeClaim> {
  return (await claimUntil(
    cluster,
    namespace,
    name,
    'Bound',
    (c) => c?.status?.phase === 'Bound',
    timeoutMs,
  ))!;
}

export function volumeUntil(
  cluster: Cluster,
  name: string,
  what: string,
  until: (v: V1PersistentVolume | undefined) => boolean,
  timeoutMs: number,
): Promise<V1PersistentVolume | undefined> {
  return waitForObject<V1PersistentVolume>(cluster, {
    what: `volume ${name} ${what}`,
    collectionPath: '/api/v1/persistentvolumes',
    name,
    timeoutMs,
    until,
    describe: (v) =>
      v ? `phase ${v.status?.phase ?? '?'}, claimRef ${v.spec?.claimRef?.name ?? 'none'}` : 'absent',
  });
}

/** The first Event about `name` (of `kind`) with `reason`, polled until it appears. */
export function eventWithReason(
  cluster: Cluster,
  namespace: string,
  kind: string,
  name: string,
  reason: string,
  timeoutMs: number,
): Promise<CoreV1Event> {
  const find = (events: CoreV1Event[]) =>
    events.find(
      (e) => e.involvedObject?.kind === kind && e.involvedObject.name === name && e.reason === reason,
    );
  return pollUntil(async () => (await cluster.core.listNamespacedEvent({ namespace })).items, {
    what: `an Event ${reason} about ${kind} ${namespace}/${name}`,
    timeoutMs,
    done: (events) => find(events) !== undefined,
    describe: (events) =>
      `events seen: ${
        (events ?? [])
          .filter((e) => e.involvedObject?.name === name)
          .map((e) => e.reason)
          .join(', ') || 'none'
      }`,
  }).then((events) => find(events)!);
}

/** Deletes a pod at once and waits until it is gone (so its volume is free for the next pod). */
export async function deletePodAndWait(cluster: Cluster, namespace: string, name: string, timeoutMs: number) {
  await cluster.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 });
  await waitForObject<V1Pod>(cluster, {
    what: `pod ${namespace}/${name} gone`,
    collectionPath: `/api/v1/namespaces/${namespace}/pods`,
    name,
    timeoutMs,
    until: (p) => p === undefined,
  });
}
