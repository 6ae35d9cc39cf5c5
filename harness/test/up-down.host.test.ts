// @host: `kconform up` and `kconform down` as a user runs them: a 2-node reference cluster in
// the background, its kubeconfig path as the last line, pods running on both nodes, and a host
// left exactly as it was after `down`.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { retryUntil } from '../../common/src/wait.ts';
import { resolveImages } from '../../fixtures/src/recipes.ts';

const BIN = fileURLToPath(new URL('../../bin/kconform.mjs', import.meta.url));

function kconform(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      { encoding: 'utf8', timeout: 240_000 },
      (err, stdout, stderr) =>
        resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

function sh(command: string, args: string[]): Promise<string> {
  return new Promise((resolve) =>
    execFile(command, args, { encoding: 'utf8' }, (_err, stdout) => resolve(stdout)),
  );
}

/** What of ours is on the host: managed containers, our bridges, our netfilter rules. */
async function hostFootprint(): Promise<{ containers: string; bridges: string; rules: number }> {
  const containers = (await sh('docker', ['ps', '-aq', '--filter', 'label=io.kconform.managed'])).trim();
  const bridges = (await sh('ip', ['-br', 'link', 'show', 'type', 'bridge']))
    .split('\n')
    .filter((l) => l.startsWith('kcf-'))
    .join(',');
  const rules = (await sh('iptables-save', [])).split('\n').filter((l) => l.includes('KCONFORM')).length;
  return { containers, bridges, rules };
}

describe('kconform up and down @host', function () {
  this.timeout(300_000);
  let dir: string;
  let stateDir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kconform-up-'));
    stateDir = join(dir, 'state');
  });
  after(async () => {
    await kconform('down', '--state-dir', stateDir); // even when a test failed
    rmSync(dir, { recursive: true, force: true });
  });

  it('up starts a 2-node cluster whose nodes are Ready and run pods; down leaves nothing behind', async () => {
    const before = await hostFootprint();
    const up = await kconform('up', '--nodes', '2', '--state-dir', stateDir);
    expect(up.code, up.stderr).to.equal(0);
    const lines = up.stdout.trim().split('\n');
    expect(lines.at(-1)).to.equal(join(stateDir, 'kubeconfig'));

    const kc = new k8s.KubeConfig();
    kc.loadFromFile(lines.at(-1)!);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const nodes = await core.listNode();
    expect(nodes.items.map((n) => n.metadata?.name).sort()).to.deep.equal([
      'kconform-node-1',
      'kconform-node-2',
    ]);
    expect(
      nodes.items.every((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')),
    ).to.equal(true);

    const again = await kconform('up', '--state-dir', stateDir);
    expect(again.code).to.equal(2);
    expect(again.stderr).to.include(`a cluster is already running from ${stateDir}`);

    const image = resolveImages().find((i) => i.recipe.name === 'busybox')!.tag;
    for (const node of ['kconform-node-1', 'kconform-node-2']) {
      await core.createNamespacedPod({
        namespace: 'default',
        body: {
          metadata: { name: `on-${node}` },
          spec: { nodeName: node, containers: [{ name: 'c', image, command: ['sleep', '3600'] }] },
        },
      });
    }
    // And one the scheduler places.
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'scheduled' },
        spec: { containers: [{ name: 'c', image, command: ['sleep', '3600'] }] },
      },
    });
    const deadline = Date.now() + 60_000;
    let pods: k8s.V1Pod[] = [];
    while (Date.now() < deadline) {
      pods = (await core.listNamespacedPod({ namespace: 'default' })).items;
      if (pods.length === 3 && pods.every((p) => p.status?.phase === 'Running')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(
      pods.filter((p) => p.metadata?.name !== 'scheduled').map((p) => [p.spec?.nodeName, p.status?.phase]),
    ).to.have.deep.members([
      ['kconform-node-1', 'Running'],
      ['kconform-node-2', 'Running'],
    ]);
    const scheduled = pods.find((p) => p.metadata?.name === 'scheduled');
    expect(scheduled?.spec?.nodeName).to.match(/^kconform-node-[12]$/);
    expect(scheduled?.status?.phase).to.equal('Running');
    const ips = pods.filter((p) => p.metadata?.name !== 'scheduled').map((p) => p.status?.podIP ?? '');
    expect(ips.some((ip) => ip.startsWith('10.244.1.'))).to.equal(true);
    expect(ips.some((ip) => ip.startsWith('10.244.2.'))).to.equal(true);

    // The controller-manager runs: a ReplicationController gets its pods, and replaces a deleted one.
    await core.createNamespacedReplicationController({
      namespace: 'default',
      body: {
        metadata: { name: 'rc' },
        spec: {
          replicas: 2,
          selector: { app: 'rc' },
          template: {
            metadata: { labels: { app: 'rc' } },
            spec: {
              terminationGracePeriodSeconds: 1,
              containers: [{ name: 'c', image, command: ['sleep', '3600'] }],
            },
          },
        },
      },
    });
    const rcPods = async (): Promise<k8s.V1Pod[]> =>
      (await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=rc' })).items.filter(
        (p) => !p.metadata?.deletionTimestamp && p.status?.phase === 'Running',
      );
    let running = await retryUntil(rcPods, {
      what: 'two running pods of the ReplicationController',
      timeoutMs: 60_000,
      intervalMs: 250,
      done: (pods) => pods.length >= 2,
    });
    expect(running.map((p) => p.metadata?.ownerReferences?.[0]?.kind)).to.deep.equal([
      'ReplicationController',
      'ReplicationController',
    ]);
    const victim = running[0]!.metadata!.name!;
    await core.deleteNamespacedPod({ name: victim, namespace: 'default' });
    running = await retryUntil(rcPods, {
      what: `a replacement for the deleted pod ${victim}`,
      timeoutMs: 60_000,
      intervalMs: 250,
      done: (pods) => pods.length === 2 && !pods.some((p) => p.metadata?.name === victim),
    });
    expect(running.map((p) => p.metadata?.name))
      .to.have.length(2)
      .and.not.include(victim);

    const down = await kconform('down', '--state-dir', stateDir);
    expect(down.code, down.stderr).to.equal(0);
    expect(down.stdout).to.include(`cluster in ${stateDir} stopped and removed`);
    expect(await hostFootprint()).to.deep.equal(before);

    const twice = await kconform('down', '--state-dir', stateDir);
    expect(twice.stdout.trim()).to.equal(`no cluster running from ${stateDir}: nothing to do`);
  });
});
