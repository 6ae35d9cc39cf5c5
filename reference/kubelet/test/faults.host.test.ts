// @host: the reference kubelet under faults, against a real apiserver process, the real Docker
// engine and CNI plugins: a restarted kubelet adopts what runs; a container killed behind its back
// is restarted per restart policy in the same sandbox; a restarted dockerd (started again the way
// `kconform doctor --fix` starts it) brings the pods back; a stopped kubelet stops renewing its
// Lease. Nothing is left on the host afterwards.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import * as k8s from '@kubernetes/client-node';
import { runCommand } from '../../../common/src/exec.ts';
import { createLogger, levelFromEnv, silentLogger } from '../../../common/src/log.ts';
import { retryUntil } from '../../../common/src/wait.ts';
import { dockerVersion, startDockerd } from '../../../harness/src/host/dockerd.ts';
import { startControlPlane, type ControlPlane } from '../../cluster/src/control-plane.ts';
import { Kubelet } from '../src/kubelet.ts';
import { LEASE_NAMESPACE } from '../src/node/lease.ts';
import { LABEL_CONTAINER_NAME, LABEL_NODE, LABEL_POD_UID } from '../src/runtime/container-runtime.ts';
import { fixtureImages, RUN_ID, testGuard, podUntil as podUntilIn } from './support/host-node.ts';

const NODE = `kf-${RUN_ID}`;
const NODE_INDEX = 100 + (process.pid % 40); // clear of other test files' indices
const NS = 'faults';
const LEASE_RENEW_MS = 1000;

describe('reference kubelet under faults @host', function () {
  this.timeout(180_000);
  const docker = new Docker();
  const images = fixtureImages();
  let dir: string;
  let cp: ControlPlane;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  let coordination: k8s.CoordinationV1Api;
  let kubelet: Kubelet | undefined;
  const guard = testGuard('F');

  const newKubelet = () =>
    new Kubelet({
      nodeName: NODE,
      nodeIndex: NODE_INDEX,
      kubeconfig: kc,
      docker,
      stateDir: join(dir, 'node'),
      pauseImage: images.pause,
      leaseRenewIntervalMs: LEASE_RENEW_MS,
      // Quiet unless KCONFORM_LOG asks, for a post-mortem of a failure.
      log: createLogger({ level: levelFromEnv(process.env, 'silent') }),
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kconform-faults-'));
    cp = await startControlPlane({ stateDir: join(dir, 'cp') });
    kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
    coordination = kc.makeApiClient(k8s.CoordinationV1Api);
    await guard.install(); // before any pod starts
    kubelet = newKubelet();
    await kubelet.start();
    await core.createNamespace({ body: { metadata: { name: NS } } });
  });

  after(async () => {
    if (!(await dockerVersion(docker))) await startDockerd(docker, silentLogger).catch(() => undefined);
    // A kubelet stopped by a test is brought back only to clean its node up.
    if (!kubelet) kubelet = newKubelet();
    await kubelet.destroy().catch(() => undefined);
    await guard.remove().catch(() => undefined);
    await cp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const sleeper = (name: string, containers: string[], restartPolicy = 'Always'): k8s.V1Pod => ({
    metadata: { name, namespace: NS },
    spec: {
      nodeName: NODE,
      restartPolicy,
      terminationGracePeriodSeconds: 1,
      containers: containers.map((c) => ({
        name: c,
        image: images.busybox,
        command: ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1; done'],
      })),
    },
  });

  const podUntil = (name: string, what: string, done: (p: k8s.V1Pod) => boolean, timeoutMs = 60_000) =>
    podUntilIn(core, NS, name, what, done, timeoutMs);

  const running = (p: k8s.V1Pod): boolean =>
    p.status?.phase === 'Running' &&
    (p.status.containerStatuses ?? []).length === (p.spec?.containers ?? []).length &&
    (p.status.containerStatuses ?? []).every((c) => c.state?.running && c.ready);
  const status = (p: k8s.V1Pod, name: string): k8s.V1ContainerStatus =>
    p.status!.containerStatuses!.find((c) => c.name === name)!;
  const engineId = (s: k8s.V1ContainerStatus): string => s.containerID!.replace(/^docker:\/\//, '');

  /** Every engine container (pause included) of a pod on our node, by id. */
  async function engineContainers(
    pod: k8s.V1Pod,
  ): Promise<Array<{ id: string; name: string; state: string }>> {
    const list = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL_NODE}=${NODE}`, `${LABEL_POD_UID}=${pod.metadata!.uid}`] },
    });
    return list
      .map((c) => ({ id: c.Id, name: c.Labels[LABEL_CONTAINER_NAME] ?? '', state: c.State }))
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  it('a restarted kubelet adopts running pods: same containers, no restart, same IP', async () => {
    await core.createNamespacedPod({ namespace: NS, body: sleeper('adopt', ['a', 'b']) });
    await core.createNamespacedPod({ namespace: NS, body: sleeper('witness', ['main']) });
    const before = await podUntil('adopt', 'Running', running);
    const witness = await podUntil('witness', 'Running', running);
    const engineBefore = await engineContainers(before);

    await kubelet!.stop();
    kubelet = undefined;
    // While no kubelet runs, the witness's container dies: the new kubelet's restart of it is the
    // evidence that it has synced this node's pods, so `adopt` staying as it was means something.
    await docker.getContainer(engineId(status(witness, 'main'))).kill();
    kubelet = newKubelet();
    await kubelet.start();
    await podUntil(
      'witness',
      'restarted by the new kubelet',
      (p) => running(p) && status(p, 'main').restartCount === 1,
    );

    const after = await core.readNamespacedPod({ name: 'adopt', namespace: NS });
    expect(await engineContainers(after), 'engine containers of the adopted pod').to.deep.equal(engineBefore);
    for (const name of ['a', 'b']) {
      expect(status(after, name).containerID, `containerID of ${name}`).to.equal(
        status(before, name).containerID,
      );
      expect(status(after, name).restartCount, `restartCount of ${name}`).to.equal(0);
      expect(status(after, name).state?.running?.startedAt).to.deep.equal(
        status(before, name).state?.running?.startedAt,
      );
    }
    expect(after.status?.podIP).to.equal(before.status?.podIP);
  });

  it('a container killed behind the kubelet’s back is restarted per policy in the same sandbox', async () => {
    await core.createNamespacedPod({ namespace: NS, body: sleeper('killed', ['victim', 'sibling']) });
    await core.createNamespacedPod({ namespace: NS, body: sleeper('never', ['main'], 'Never') });
    const before = await podUntil('killed', 'Running', running);
    const never = await podUntil('never', 'Running', running);

    await docker.getContainer(engineId(status(before, 'victim'))).kill();
    const after = await podUntil(
      'killed',
      'with victim restarted',
      (p) => running(p) && status(p, 'victim').restartCount === 1,
    );
    expect(status(after, 'victim').containerID).to.not.equal(status(before, 'victim').containerID);
    expect(status(after, 'victim').lastState?.terminated).to.deep.include({ exitCode: 137, reason: 'Error' });
    expect(status(after, 'sibling').containerID).to.equal(status(before, 'sibling').containerID);
    expect(status(after, 'sibling').restartCount).to.equal(0);
    expect(after.status?.podIP).to.equal(before.status?.podIP);
    // The new container shares the sandbox's network namespace: the same pod IP from inside.
    const exec = await docker.getContainer(engineId(status(after, 'victim'))).exec({
      Cmd: ['ip', '-4', '-o', 'addr', 'show', 'eth0'],
      AttachStdout: true,
    });
    const out = await new Promise<string>((resolve, reject) => {
      void exec.start({ hijack: true, stdin: false }).then((stream) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
        stream.on('error', reject);
      }, reject);
    });
    expect(out).to.include(`inet ${after.status?.podIP}/`);

    // restartPolicy Never: killed (exit 137) means Failed, not restarted.
    await docker.getContainer(engineId(status(never, 'main'))).kill();
    const failed = await podUntil('never', 'Failed', (p) => p.status?.phase === 'Failed');
    expect(status(failed, 'main').restartCount).to.equal(0);
    expect(status(failed, 'main').state?.terminated).to.deep.include({ exitCode: 137, reason: 'Error' });
  });

  it('after dockerd restarts, the pods come back running', async () => {
    await core.createNamespacedPod({ namespace: NS, body: sleeper('survivor', ['main', 'side']) });
    const before = await podUntil('survivor', 'Running', running);
    const pid = Number(readFileSync('/var/run/docker.pid', 'utf8').trim());
    expect(pid, 'dockerd pid').to.be.greaterThan(1);
    process.kill(pid, 'SIGTERM');
    await retryUntil(async () => runCommand('kill', ['-0', String(pid)], { allowFailure: true }), {
      what: `dockerd (pid ${pid}) gone after SIGTERM`,
      timeoutMs: 60_000,
      intervalMs: 250,
      done: (r) => r.code !== 0,
    });
    await startDockerd(docker, silentLogger);

    // dockerd answers for a moment after SIGTERM: a sync in that window can start containers the
    // shutdown then stops, and report them Running. So the status that counts names containers
    // the restarted engine runs.
    const { pod: after } = await retryUntil(
      async () => {
        const pod = await core.readNamespacedPod({ name: 'survivor', namespace: NS });
        return { pod, engine: await engineContainers(pod) };
      },
      {
        what: `pod ${NS}/survivor Running again with new containers the engine runs`,
        timeoutMs: 120_000,
        intervalMs: 200,
        done: ({ pod, engine }) =>
          running(pod) &&
          ['main', 'side'].every(
            (c) =>
              status(pod, c).containerID !== status(before, c).containerID &&
              engine.some((e) => e.id === engineId(status(pod, c)) && e.state === 'running'),
          ),
        describe: (r) =>
          `last status ${JSON.stringify(r?.pod.status?.containerStatuses)} engine ${JSON.stringify(r?.engine)}`,
      },
    );
    for (const c of ['main', 'side'])
      expect(status(after, c).restartCount, `restartCount of ${c}`).to.be.greaterThan(0);
    expect(after.status?.podIP, 'a pod IP from the node range').to.match(
      new RegExp(`^10\\.244\\.${NODE_INDEX}\\.\\d+$`),
    );
    const engine = await engineContainers(after);
    expect(
      engine
        .filter((c) => c.state === 'running')
        .map((c) => c.name)
        .sort(),
      'running engine containers',
    ).to.deep.equal(['POD', 'main', 'side']);
  });

  it('a stopped kubelet no longer renews its Lease', async () => {
    const renewTime = async (): Promise<string> => {
      const lease = await coordination.readNamespacedLease({ name: NODE, namespace: LEASE_NAMESPACE });
      return new Date(lease.spec!.renewTime as unknown as string).toISOString();
    };
    const first = await renewTime();
    await retryUntil(renewTime, {
      what: `Lease ${NODE} renewed while the kubelet runs`,
      timeoutMs: 10 * LEASE_RENEW_MS,
      intervalMs: 200,
      done: (t) => t !== first,
    });
    await kubelet!.stop();
    kubelet = undefined;
    // A renewal already on the wire when stop() returned may still land: take the baseline after it.
    await new Promise((r) => setTimeout(r, LEASE_RENEW_MS));
    const stoppedAt = await renewTime();
    await new Promise((r) => setTimeout(r, 4 * LEASE_RENEW_MS));
    expect(await renewTime(), 'renewTime 4 renew intervals after the kubelet stopped').to.equal(stoppedAt);
  });
});
