// @host: the kubelet's node registration, status and lease against a real reference apiserver
// process (HTTPS, token), through @kubernetes/client-node.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { silentLogger } from '../../../common/src/log.ts';
import { startControlPlane, type ControlPlane } from '../../cluster/src/control-plane.ts';
import { LeaseRenewer, LEASE_NAMESPACE } from '../src/node/lease.ts';
import { NodeStatusReporter, readHostFacts } from '../src/node/node-status.ts';

describe('kubelet node agent against the reference apiserver @host', function () {
  this.timeout(60_000);
  let dir: string;
  let cp: ControlPlane;
  let core: k8s.CoreV1Api;
  let coordination: k8s.CoordinationV1Api;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kconform-node-'));
    cp = await startControlPlane({ stateDir: dir });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
    coordination = kc.makeApiClient(k8s.CoordinationV1Api);
  });
  after(async () => {
    await cp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const identity = { name: 'node-a', podCidr: '10.244.1.0/24', internalIp: '127.0.0.1' };
  const host = readHostFacts('docker://20.10.24');

  it('registers a Ready node with its pod CIDR, capacity and nodeInfo; a restarted kubelet takes it over', async () => {
    const reporter = new NodeStatusReporter({ core, identity, host, log: silentLogger });
    const node = await reporter.register();
    expect(node.spec?.podCIDR).to.equal('10.244.1.0/24');
    expect(node.metadata?.labels?.['kubernetes.io/hostname']).to.equal('node-a');
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).to.deep.include({ status: 'True', reason: 'KubeletReady' });
    expect(node.status?.capacity?.cpu).to.equal(String(host.cpus));
    expect(node.status?.allocatable?.pods).to.equal('110');
    expect(node.status?.nodeInfo?.kubeletVersion).to.equal('v1.32.0-kconform.0');

    const again = await new NodeStatusReporter({ core, identity, host, log: silentLogger }).register();
    expect(again.metadata?.uid).to.equal(node.metadata?.uid);
  });

  it('posts status only when it changed or the report interval passed, keeping transition times', async () => {
    let now = new Date();
    const reporter = new NodeStatusReporter({
      core,
      identity,
      host,
      log: silentLogger,
      now: () => now,
      reportIntervalMs: 60_000,
    });
    await reporter.register();
    const before = await core.readNode({ name: 'node-a' });
    now = new Date(now.getTime() + 10_000);
    await reporter.sync();
    expect((await core.readNode({ name: 'node-a' })).metadata?.resourceVersion).to.equal(
      before.metadata?.resourceVersion,
    );
    now = new Date(now.getTime() + 61_000);
    await reporter.sync();
    const after = await core.readNode({ name: 'node-a' });
    expect(after.metadata?.resourceVersion).not.to.equal(before.metadata?.resourceVersion);
    const readyBefore = before.status?.conditions?.find((c) => c.type === 'Ready');
    const readyAfter = after.status?.conditions?.find((c) => c.type === 'Ready');
    expect(String(readyAfter?.lastTransitionTime)).to.equal(String(readyBefore?.lastTransitionTime));
    expect(String(readyAfter?.lastHeartbeatTime)).not.to.equal(String(readyBefore?.lastHeartbeatTime));
  });

  it('renews its Lease, and recreates it when it was deleted behind its back', async () => {
    const renewer = new LeaseRenewer({ coordination, nodeName: 'node-a', log: silentLogger });
    const first = await renewer.renew();
    expect(first.spec).to.deep.include({ holderIdentity: 'node-a', leaseDurationSeconds: 40 });
    const second = await renewer.renew();
    expect(Number(second.metadata?.resourceVersion)).to.be.greaterThan(
      Number(first.metadata?.resourceVersion),
    );
    await coordination.deleteNamespacedLease({ name: 'node-a', namespace: LEASE_NAMESPACE });
    const third = await renewer.renew();
    expect(third.metadata?.uid).not.to.equal(first.metadata?.uid);
    expect(
      () =>
        new LeaseRenewer({
          coordination,
          nodeName: 'x',
          log: silentLogger,
          durationSeconds: 5,
          renewIntervalMs: 10_000,
        }),
    ).to.throw('lease renew interval 10000 ms must be shorter than its duration (5 s)');
  });
});
