// @host: the reference kubelet end to end: a real apiserver process, the real Docker engine, CNI
// plugins and iptables. A pod bound to the node runs, reports its IP and status, restarts per
// policy with back-off, completes, and is removed on deletion; a restarted kubelet adopts what
// runs instead of restarting it; nothing is left on the host afterwards.
import { expect } from 'chai';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import Docker from 'dockerode';
import * as k8s from '@kubernetes/client-node';
import { silentLogger } from '../../../common/src/log.ts';
import { retryUntil } from '../../../common/src/wait.ts';
import { startControlPlane, type ControlPlane } from '../../cluster/src/control-plane.ts';
import { Kubelet } from '../src/kubelet.ts';
import {
  LABEL_CONTAINER_NAME,
  LABEL_NODE,
  LABEL_POD_UID,
  POD_INFRA_CONTAINER_NAME,
} from '../src/runtime/container-runtime.ts';
import { fixtureImages, RUN_ID, testGuard, podUntil as podUntilIn } from './support/host-node.ts';

const NODE = `kl-${RUN_ID}`;
const NODE_INDEX = 200 + (process.pid % 50); // clear of other test files' indices

describe('reference kubelet end to end @host', function () {
  this.timeout(120_000);
  const docker = new Docker();
  const images = fixtureImages();
  let dir: string;
  let cp: ControlPlane;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let kubelet: Kubelet;
  const guard = testGuard('K');

  const newKubelet = () =>
    new Kubelet({
      nodeName: NODE,
      nodeIndex: NODE_INDEX,
      kubeconfig: kc,
      docker,
      stateDir: join(dir, 'node'),
      pauseImage: images.pause,
      log: silentLogger,
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kconform-kubelet-'));
    cp = await startControlPlane({ stateDir: join(dir, 'cp') });
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await guard.install(); // before any pod starts
    kubelet = newKubelet();
    await kubelet.start();
    await core.createNamespace({ body: { metadata: { name: 'kl' } } });
  });

  after(async () => {
    await kubelet?.destroy().catch(() => undefined);
    await guard.remove().catch(() => undefined);
    await cp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const pod = (name: string, command: string, extra: Partial<k8s.V1PodSpec> = {}): k8s.V1Pod => ({
    metadata: { name, namespace: 'kl' },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 2,
      containers: [{ name: 'main', image: images.busybox, command: ['sh', '-c', command] }],
      ...extra,
    },
  });

  const podUntil = (name: string, what: string, done: (p: k8s.V1Pod) => boolean, timeoutMs = 60_000) =>
    podUntilIn(core, 'kl', name, what, done, timeoutMs);

  it('registers its node Ready with a pod CIDR from the pod range', async () => {
    const node = await core.readNode({ name: NODE });
    expect(node.spec?.podCIDR).to.equal(`10.244.${NODE_INDEX}.0/24`);
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('True');
  });

  it('runs a bound pod: Running and Ready, with an IP from the node range and the env it asked for', async () => {
    const spec = pod('web', 'echo "name=$POD_NAME ip=$POD_IP"; exec sleep 3600');
    spec.spec!.containers[0]!.env = [
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    ];
    await core.createNamespacedPod({ namespace: 'kl', body: spec });
    const running = await podUntil(
      'web',
      'Running and Ready',
      (p) =>
        p.status?.phase === 'Running' &&
        p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true,
    );
    expect(running.status?.podIP).to.match(new RegExp(`^10\\.244\\.${NODE_INDEX}\\.\\d+$`));
    const main = running.status?.containerStatuses?.[0];
    expect(main?.state?.running).to.not.equal(undefined);
    expect(main?.restartCount).to.equal(0);
    expect(main?.containerID).to.match(/^docker:\/\/[0-9a-f]{64}$/);
    // The pause container never shows in the pod's status.
    expect(running.status?.containerStatuses?.map((c) => c.name)).to.deep.equal(['main']);
    const id = main!.containerID!.slice('docker://'.length);
    const logs = await docker.getContainer(id).logs({ stdout: true, stderr: true });
    expect(logs.toString()).to.include(`name=web ip=${running.status?.podIP}`);
  });

  it('restarts a failing container (restartPolicy Always) with a growing restartCount, then backs off', async () => {
    await core.createNamespacedPod({ namespace: 'kl', body: pod('crash', 'exit 3') });
    const restarted = await podUntil(
      'crash',
      'a restart',
      (p) => (p.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1,
    );
    const main = restarted.status!.containerStatuses![0]!;
    expect(main.lastState?.terminated).to.deep.include({ exitCode: 3, reason: 'Error' });
    const backingOff = await podUntil(
      'crash',
      'CrashLoopBackOff',
      (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff',
    );
    expect(backingOff.status?.containerStatuses?.[0]?.state?.waiting?.message).to.match(
      /^back-off 10s restarting failed container=main pod=crash_kl\(/,
    );
    expect(backingOff.status?.phase).to.equal('Running');
  });

  /** What of a pod is left on the host: its pause container, its app containers, its dir, its IP. */
  const leftOnHost = async (p: k8s.V1Pod) => {
    const uid = p.metadata!.uid!;
    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL_POD_UID}=${uid}`] },
    });
    const ipamDir = join(dir, 'node', 'cni', kubelet.network.bridge, 'ipam');
    const allocated = readdirSync(ipamDir, { recursive: true }).map((f) => basename(String(f)));
    return {
      pause: containers.filter((c) => c.Labels[LABEL_CONTAINER_NAME] === POD_INFRA_CONTAINER_NAME).length,
      apps: containers.filter((c) => c.Labels[LABEL_CONTAINER_NAME] !== POD_INFRA_CONTAINER_NAME),
      podDir: existsSync(join(dir, 'node', 'pods', uid)),
      ipAllocated: allocated.includes(p.status!.podIP!),
    };
  };

  it('a pod that exits 0 with restartPolicy Never is Succeeded; one that fails is Failed', async () => {
    await core.createNamespacedPod({
      namespace: 'kl',
      body: pod('done', 'echo finished; sleep 1', {
        restartPolicy: 'Never',
        volumes: [{ name: 'scratch', emptyDir: {} }],
      }),
    });
    await core.createNamespacedPod({
      namespace: 'kl',
      body: pod('failed', 'exit 7', { restartPolicy: 'Never' }),
    });
    const done = await podUntil('done', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
    expect(done.status?.containerStatuses?.[0]?.state?.terminated).to.deep.include({
      exitCode: 0,
      reason: 'Completed',
    });
    const failed = await podUntil('failed', 'Failed', (p) => p.status?.phase === 'Failed');
    expect(failed.status?.containerStatuses?.[0]?.state?.terminated).to.deep.include({
      exitCode: 7,
      reason: 'Error',
    });
    expect(failed.status?.containerStatuses?.[0]?.restartCount).to.equal(0);
  });

  it('a finished pod releases its sandbox, IP and volumes, keeps its container for logs and its IP in status', async () => {
    // upstream's SyncTerminatingPod/SyncTerminatedPod: nothing of a finished pod runs or holds
    // resources on the node, yet `kubectl logs` and the pod's recorded IP still work.
    const done = await podUntil(
      'done',
      'sandbox released',
      (p) =>
        p.status?.conditions?.some((c) => c.type === 'PodReadyToStartContainers' && c.status === 'False') ??
        false,
    );
    expect(done.status?.phase).to.equal('Succeeded');
    expect(done.status?.podIP, 'the IP it ran with stays in its status').to.match(/^10\.244\./);
    expect(done.status?.conditions?.find((c) => c.type === 'Ready')).to.deep.include({
      status: 'False',
      reason: 'PodCompleted',
    });
    const left = await leftOnHost(done);
    expect(left).to.deep.include({ pause: 0, podDir: false, ipAllocated: false });
    expect(left.apps.map((c) => c.State)).to.deep.equal(['exited']);
    const logs = await docker.getContainer(left.apps[0]!.Id).logs({ stdout: true, stderr: true });
    expect(logs.toString()).to.contain('finished');
    // A change to the pod makes the kubelet sync it again (its watch enqueues it); after that sync
    // the pod is still finished: nothing was set up again. Checking an absence, so a fixed pause.
    await core.patchNamespacedPod(
      { name: 'done', namespace: 'kl', body: { metadata: { labels: { resynced: 'yes' } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await new Promise((r) => setTimeout(r, 1500));
    expect(await leftOnHost(done)).to.deep.include({ pause: 0, podDir: false, ipAllocated: false });
    const later = await core.readNamespacedPod({ name: 'done', namespace: 'kl' });
    expect(later.status?.phase).to.equal('Succeeded');
    expect(later.status?.podIP).to.equal(done.status?.podIP);
  });

  it('a pod past its activeDeadlineSeconds fails with DeadlineExceeded and its containers are killed', async () => {
    await core.createNamespacedPod({ namespace: 'kl', body: pod('late', 'sleep 600') });
    const running = await podUntil('late', 'Running', (p) => p.status?.phase === 'Running');
    // Added to a running pod (the only update the apiserver allows), as upstream's conformance test does.
    await core.patchNamespacedPod(
      { name: 'late', namespace: 'kl', body: { spec: { activeDeadlineSeconds: 1 } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    const failed = await podUntil(
      'late',
      'Failed, container terminated',
      (p) => p.status?.phase === 'Failed' && !!p.status.containerStatuses?.[0]?.state?.terminated,
      30_000,
    );
    expect(failed.status).to.deep.include({
      reason: 'DeadlineExceeded',
      message: 'Pod was active on the node longer than the specified deadline',
    });
    expect(failed.status?.podIP).to.equal(running.status?.podIP);
    expect(failed.status?.containerStatuses?.[0]?.restartCount, 'not restarted').to.equal(0);
    const events = await core.listNamespacedEvent({
      namespace: 'kl',
      fieldSelector: `involvedObject.uid=${running.metadata!.uid}`,
    });
    expect(events.items.map((e) => e.reason)).to.include('DeadlineExceeded');
    const released = await retryUntil(() => leftOnHost(running), {
      what: 'kl/late: sandbox released',
      timeoutMs: 30_000,
      intervalMs: 200,
      done: (left) => left.pause === 0,
    });
    expect(released).to.deep.include({ podDir: false, ipAllocated: false });
  });

  it('a restarted kubelet adopts the running pod instead of restarting it', async () => {
    const before = await podUntil('web', 'Running', (p) => p.status?.phase === 'Running');
    await kubelet.stop();
    kubelet = newKubelet();
    await kubelet.start();
    // Give the new kubelet a full sync, then check the same container still runs.
    await new Promise((r) => setTimeout(r, 3000));
    const after = await core.readNamespacedPod({ name: 'web', namespace: 'kl' });
    expect(after.status?.containerStatuses?.[0]?.containerID).to.equal(
      before.status?.containerStatuses?.[0]?.containerID,
    );
    expect(after.status?.containerStatuses?.[0]?.restartCount).to.equal(0);
    expect(after.status?.podIP).to.equal(before.status?.podIP);
  });

  it('deleting a pod stops it within its grace period and removes it from the apiserver and the engine', async () => {
    const running = await podUntil('web', 'Running', (p) => p.status?.phase === 'Running');
    const id = running.status!.containerStatuses![0]!.containerID!.slice('docker://'.length);
    await core.deleteNamespacedPod({ name: 'web', namespace: 'kl' });
    const deadline = Date.now() + 30_000;
    for (;;) {
      const gone = await core.readNamespacedPod({ name: 'web', namespace: 'kl' }).then(
        () => false,
        (err: unknown) => (err as { code?: number }).code === 404,
      );
      if (gone) break;
      if (Date.now() > deadline) throw new Error('pod kl/web still there 30 s after deletion');
      await new Promise((r) => setTimeout(r, 200));
    }
    const left = await docker.listContainers({ all: true, filters: { id: [id] } });
    expect(left).to.deep.equal([]);
  });

  it('leaves nothing of its node behind when destroyed', async () => {
    for (const name of ['crash', 'done', 'failed', 'late']) {
      await core.deleteNamespacedPod({ name, namespace: 'kl', gracePeriodSeconds: 0 }).catch(() => undefined);
    }
    await kubelet.destroy();
    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL_NODE}=${NODE}`] },
    });
    expect(containers).to.deep.equal([]);
    expect(await kubelet.network.bridgeExists()).to.equal(false);
  });
});
