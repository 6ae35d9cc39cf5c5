// The VolumeBinding filter alone (pure, over fake caches) and with the scheduler and the
// PersistentVolume controller against the reference apiserver: a missing claim and an unbound
// Immediate claim keep a pod Pending with upstream's reasons; a WaitForFirstConsumer claim is
// provisioned for the node the scheduler picks (selected-node) or bound to a local volume that
// only one node can reach, before the pod is bound.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { silentLogger } from '../../../common/src/log.ts';
import { startControlPlane, type ControlPlane } from '../../cluster/src/control-plane.ts';
import { ControllerManager } from '../../controllers/src/controller-manager.ts';
import {
  ERR_REASON_BIND_CONFLICT,
  ERR_REASON_NODE_CONFLICT,
  ERR_UNBOUND_IMMEDIATE,
  planVolumes,
  type VolumeListers,
} from '../src/plugins/volume-binding.ts';
import { Scheduler } from '../src/scheduler.ts';
import { createReadyNode, waitFor } from './support-host.ts';

const NS = 'volumes';
const hostname = (name: string) =>
  ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } } }) as k8s.V1Node;
const onlyOn = (node: string): k8s.V1VolumeNodeAffinity => ({
  required: {
    nodeSelectorTerms: [
      { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] },
    ],
  },
});

describe('scheduler: VolumeBinding filter', () => {
  const claim = (name: string, sc: string, volumeName?: string): k8s.V1PersistentVolumeClaim => ({
    metadata: { name, namespace: NS, uid: `uid-${name}` },
    spec: {
      accessModes: ['ReadWriteOnce'],
      resources: { requests: { storage: '1Gi' } },
      storageClassName: sc,
      ...(volumeName ? { volumeName } : {}),
    },
  });
  const pv = (name: string, sc: string, node?: string): k8s.V1PersistentVolume => ({
    metadata: { name },
    spec: {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      storageClassName: sc,
      local: { path: '/x' },
      ...(node ? { nodeAffinity: onlyOn(node) } : {}),
    },
    status: { phase: 'Available' },
  });
  const listers = (claims: k8s.V1PersistentVolumeClaim[], pvs: k8s.V1PersistentVolume[]): VolumeListers => ({
    claim: (_ns, name) => claims.find((c) => c.metadata?.name === name),
    volume: (name) => pvs.find((v) => v.metadata?.name === name),
    volumes: () => pvs,
    storageClass: (name) =>
      ({
        immediate: { metadata: { name }, provisioner: 'x', volumeBindingMode: 'Immediate' },
        late: {
          metadata: { name },
          provisioner: 'kubernetes.io/no-provisioner',
          volumeBindingMode: 'WaitForFirstConsumer',
        },
        dynamic: {
          metadata: { name },
          provisioner: 'kconform.io/local-path',
          volumeBindingMode: 'WaitForFirstConsumer',
        },
      })[name] as k8s.V1StorageClass | undefined,
  });
  const pod = (...claims: string[]): k8s.V1Pod => ({
    metadata: { name: 'p', namespace: NS },
    spec: {
      containers: [],
      volumes: claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })),
    },
  });

  it('answers upstream reasons for missing, unbound Immediate, and unreachable bound claims', () => {
    const l = listers([claim('imm', 'immediate'), claim('bound', 'late', 'pv-b')], [pv('pv-b', 'late', 'b')]);
    expect(planVolumes(pod('nope'), hostname('a'), l)).to.deep.equal({
      reason: 'persistentvolumeclaim "nope" not found',
      resolvable: false,
    });
    expect(planVolumes(pod('imm'), hostname('a'), l)).to.deep.equal({
      reason: ERR_UNBOUND_IMMEDIATE,
      resolvable: false,
    });
    expect(planVolumes(pod('bound'), hostname('a'), l)).to.deep.equal({
      reason: ERR_REASON_NODE_CONFLICT,
      resolvable: false,
    });
    expect(planVolumes(pod('bound'), hostname('b'), l)).to.deep.equal({ plans: [] });
  });

  it('plans a reachable volume or provisioning for a late-binding claim, each volume for one claim only', () => {
    const l = listers(
      [claim('one', 'late'), claim('two', 'late'), claim('dyn', 'dynamic')],
      [pv('pv-b', 'late', 'b')],
    );
    expect(planVolumes(pod('one'), hostname('a'), l)).to.deep.equal({
      reason: ERR_REASON_BIND_CONFLICT,
      resolvable: true,
    });
    const onB = planVolumes(pod('one'), hostname('b'), l);
    expect(
      'plans' in onB && onB.plans.map((p) => ('volume' in p ? p.volume.metadata?.name : 'provision')),
    ).to.deep.equal(['pv-b']);
    expect(planVolumes(pod('one', 'two'), hostname('b'), l)).to.deep.equal({
      reason: ERR_REASON_BIND_CONFLICT,
      resolvable: true,
    });
    const dyn = planVolumes(pod('dyn'), hostname('a'), l);
    expect('plans' in dyn && dyn.plans.map((p) => 'provision' in p)).to.deep.equal([true]);
  });
});

describe('scheduler: volume binding with the PersistentVolume controller against the apiserver', function () {
  this.timeout(120_000);
  let dir: string;
  let cp: ControlPlane;
  let core: k8s.CoreV1Api;
  let storage: k8s.StorageV1Api;
  let scheduler: Scheduler;
  let manager: ControllerManager;

  const pod = (name: string, claimName: string): k8s.V1Pod => ({
    metadata: { name, namespace: NS },
    spec: {
      containers: [{ name: 'c', image: 'busybox' }],
      volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }],
    },
  });
  const claim = (name: string, storageClassName: string) => ({
    metadata: { name, namespace: NS },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '16Mi' } }, storageClassName },
  });
  const boundNode = (name: string) =>
    waitFor(`pod ${name} bound`, 30_000, async () => {
      const p = await core.readNamespacedPod({ name, namespace: NS });
      return p.spec?.nodeName || undefined;
    });
  const unschedulableMessage = (name: string) =>
    waitFor(`pod ${name} Unschedulable`, 30_000, async () => {
      const p = await core.readNamespacedPod({ name, namespace: NS });
      const cond = p.status?.conditions?.find(
        (c) => c.type === 'PodScheduled' && c.reason === 'Unschedulable',
      );
      return cond?.message;
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kconform-volume-binding-'));
    cp = await startControlPlane({ stateDir: join(dir, 'cp') });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
    storage = kc.makeApiClient(k8s.StorageV1Api);
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await createReadyNode(core, 'node-a');
    await createReadyNode(core, 'node-b');
    manager = new ControllerManager({
      kubeconfig: kc,
      log: silentLogger,
      controllers: ['persistentvolume-binder'],
      settings: { volumeRoot: join(dir, 'volumes'), resyncIntervalMs: 2_000 },
    });
    await manager.start();
    scheduler = new Scheduler({
      kubeconfig: kc,
      log: silentLogger,
      podInitialBackoffMs: 200,
      podMaxBackoffMs: 1_000,
    });
    await scheduler.start();
  });

  after(async () => {
    await scheduler?.stop();
    await manager?.stop();
    await cp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a pod whose claim is missing or unbound and Immediate Pending, with upstream reasons', async () => {
    await core.createNamespacedPod({ namespace: NS, body: pod('no-claim', 'absent') });
    expect(await unschedulableMessage('no-claim')).to.match(
      /^0\/2 nodes are available: 2 persistentvolumeclaim "absent" not found\./,
    );
    await storage.createStorageClass({
      body: {
        metadata: { name: 'manual-now' },
        provisioner: 'kubernetes.io/no-provisioner',
        volumeBindingMode: 'Immediate',
      },
    });
    await core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('unbound', 'manual-now') });
    await core.createNamespacedPod({ namespace: NS, body: pod('waits', 'unbound') });
    expect(await unschedulableMessage('waits')).to.match(
      /^0\/2 nodes are available: 2 pod has unbound immediate PersistentVolumeClaims\./,
    );
  });

  it('provisions a WaitForFirstConsumer claim for the node it picks, then binds the pod there', async () => {
    await waitFor(
      'default class',
      10_000,
      async () => (await storage.readStorageClass({ name: 'kconform-local' })).metadata,
    );
    await core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: claim('late', 'kconform-local'),
    });
    await core.createNamespacedPod({ namespace: NS, body: pod('consumer', 'late') });
    const node = await boundNode('consumer');
    const bound = await core.readNamespacedPersistentVolumeClaim({ name: 'late', namespace: NS });
    expect(bound.status?.phase, 'the claim is bound before the pod is').to.equal('Bound');
    expect(bound.metadata?.annotations?.['volume.kubernetes.io/selected-node']).to.equal(node);
  });

  it('binds a late claim to the local volume only one node reaches, and the pod to that node', async () => {
    await storage.createStorageClass({
      body: {
        metadata: { name: 'local' },
        provisioner: 'kubernetes.io/no-provisioner',
        volumeBindingMode: 'WaitForFirstConsumer',
      },
    });
    await core.createPersistentVolume({
      body: {
        metadata: { name: 'local-b' },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          storageClassName: 'local',
          local: { path: join(dir, 'local-b') },
          nodeAffinity: onlyOn('node-b'),
        },
      },
    });
    await waitFor('local-b Available', 10_000, async () =>
      (await core.readPersistentVolume({ name: 'local-b' })).status?.phase === 'Available' ? true : undefined,
    );
    await core.createNamespacedPersistentVolumeClaim({ namespace: NS, body: claim('local-claim', 'local') });
    await core.createNamespacedPod({ namespace: NS, body: pod('pinned', 'local-claim') });
    expect(await boundNode('pinned')).to.equal('node-b');
    const bound = await core.readNamespacedPersistentVolumeClaim({ name: 'local-claim', namespace: NS });
    expect(bound.spec?.volumeName).to.equal('local-b');
  });
});
