// @host: a real 2-node reference cluster (kconform up, with a short --node-monitor-grace-period)
// loses one node's kubelet (SIGSTOP: its containers keep running, its Lease stops); the node goes
// Ready=Unknown with the unreachable taints, the ReplicationController's pods there are evicted
// after their 5 s toleration and come back on the other node; when the kubelet resumes, the
// node is Ready again and untainted. Prints how long each step took.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { createLogger, levelFromEnv } from '../../../common/src/log.ts';
import { retryUntil } from '../../../common/src/wait.ts';
import { resolveImages } from '../../../fixtures/src/recipes.ts';
import { clusterDown, clusterUp } from '../../cluster/src/cluster.ts';
import { TAINT_UNREACHABLE } from '../src/node-lifecycle/taints.ts';

const NS = 'node-failure';
const GRACE = '10s';
const TOLERATION_SECONDS = 5;

describe('node lifecycle on a 2-node reference cluster @host', function () {
  this.timeout(600_000);
  const log = createLogger({ level: levelFromEnv(process.env, 'warn') });
  let dir: string;
  let stateDir: string;
  let core: k8s.CoreV1Api;
  let stoppedPid: number | undefined;

  const until = <T>(what: string, timeoutMs: number, probe: () => Promise<T>, done: (v: T) => boolean) =>
    retryUntil(probe, {
      what,
      timeoutMs,
      intervalMs: 250,
      done,
      describe: (v, err) => (err ? String(err) : (JSON.stringify(v)?.slice(0, 500) ?? 'nothing')),
    });
  const livePods = async () =>
    (await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=survivor' })).items.filter(
      (p) => !p.metadata?.deletionTimestamp,
    );
  const running = (p: k8s.V1Pod) =>
    p.status?.phase === 'Running' &&
    p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

  before(async function () {
    this.timeout(300_000);
    dir = mkdtempSync(join(tmpdir(), 'kconform-node-failure-'));
    stateDir = join(dir, 'state');
    const kubeconfig = await clusterUp({
      stateDir,
      nodes: 2,
      store: 'embedded',
      log,
      controllerManagerArgs: ['--node-monitor-grace-period', GRACE, '--node-monitor-period', '1s'],
    });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });

  after(async function () {
    this.timeout(300_000);
    if (stoppedPid) {
      try {
        process.kill(stoppedPid, 'SIGCONT');
      } catch {
        // already gone
      }
    }
    await clusterDown({ stateDir, log }).catch((err: unknown) => log.error('down failed', { err }));
    rmSync(dir, { recursive: true, force: true });
  });

  it("taints a node whose kubelet stops, moves the RC's pods to the other node, and untaints it when the kubelet is back", async () => {
    const busybox = resolveImages().find((i) => i.recipe.name === 'busybox')!.tag;
    await core.createNamespace({ body: { metadata: { name: NS } } });
    await core.createNamespacedServiceAccount({
      namespace: NS,
      body: { metadata: { name: 'survivor' }, automountServiceAccountToken: false },
    });
    const labels = { app: 'survivor' };
    const tolerations = ['node.kubernetes.io/unreachable', 'node.kubernetes.io/not-ready'].map((key) => ({
      key,
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: TOLERATION_SECONDS,
    }));
    await core.createNamespacedReplicationController({
      namespace: NS,
      body: {
        metadata: { name: 'survivor' },
        spec: {
          replicas: 2,
          selector: labels,
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: 'survivor',
              automountServiceAccountToken: false,
              terminationGracePeriodSeconds: 1,
              tolerations,
              containers: [{ name: 'app', image: busybox, command: ['sleep', '3600'] }],
            },
          },
        },
      },
    });
    const first = await until(
      '2 RC pods Running and Ready',
      120_000,
      livePods,
      (pods) => pods.filter(running).length === 2,
    );
    const victim = first[0]!.spec!.nodeName!;
    const onVictim = first.filter((p) => p.spec?.nodeName === victim).map((p) => p.metadata!.name!);
    const state = JSON.parse(readFileSync(join(stateDir, 'cluster.json'), 'utf8')) as {
      kubelets: Array<{ name: string; pid: number }>;
    };
    stoppedPid = state.kubelets.find((k) => k.name === victim)!.pid;
    process.kill(stoppedPid, 'SIGSTOP');
    const stoppedAt = Date.now();

    const lost = await until(
      `node ${victim} Ready=Unknown with the unreachable NoExecute taint`,
      120_000,
      () => core.readNode({ name: victim }),
      (n) =>
        n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown' &&
        (n.spec?.taints ?? []).some((t) => t.key === TAINT_UNREACHABLE && t.effect === 'NoExecute'),
    );
    const unknownAfterMs = Date.now() - stoppedAt;
    expect(lost.status!.conditions!.find((c) => c.type === 'Ready')).to.include({
      reason: 'NodeStatusUnknown',
      message: 'Kubelet stopped posting node status.',
    });

    const moved = await until(
      '2 RC pods Running and Ready, none on the lost node',
      180_000,
      livePods,
      (pods) => pods.filter(running).length === 2 && pods.every((p) => p.spec?.nodeName !== victim),
    );
    const replacedAfterMs = Date.now() - stoppedAt;
    expect(moved.map((p) => p.spec?.nodeName)).to.not.include(victim);
    for (const name of onVictim) {
      const evicted = await core.readNamespacedPod({ name, namespace: NS }).catch(() => undefined);
      if (evicted)
        expect(evicted.metadata?.deletionTimestamp, `${name} marked for deletion`).to.not.equal(undefined);
      const events = await core.listNamespacedEvent({
        namespace: NS,
        fieldSelector: `involvedObject.name=${name}`,
      });
      expect(events.items.map((e) => e.reason)).to.include('TaintManagerEviction');
    }

    process.kill(stoppedPid, 'SIGCONT');
    stoppedPid = undefined;
    const back = await until(
      `node ${victim} Ready and untainted after the kubelet resumes`,
      120_000,
      () => core.readNode({ name: victim }),
      (n) =>
        n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' &&
        !(n.spec?.taints ?? []).some((t) => t.key.startsWith('node.kubernetes.io/')),
    );
    const recoveredAfterMs = Date.now() - stoppedAt;
    expect(back.spec?.taints ?? []).to.deep.equal([]);
    process.stdout.write(
      `      kubelet stopped → Ready=Unknown+tainted: ${unknownAfterMs} ms (grace ${GRACE}); ` +
        `→ replacements Running elsewhere: ${replacedAfterMs} ms (toleration ${TOLERATION_SECONDS} s); ` +
        `→ node Ready again after SIGCONT: ${recoveredAfterMs} ms since stop\n`,
    );
  });
});
