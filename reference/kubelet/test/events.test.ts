// The kubelet's events against a real apiserver process on loopback (no Docker): upstream's
// source and involvedObject, a repeat counted on the Event already written (also when recorded
// back to back, before the first write has landed), a different message as its own Event, and a
// repeat of an Event that is gone written afresh.
import { expect } from 'chai';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { silentLogger } from '../../../common/src/log.ts';
import { startControlPlane, type ControlPlane } from '../../cluster/src/control-plane.ts';
import { EventReason, KubeletEvents } from '../src/events.ts';

describe('kubelet events', function () {
  this.timeout(60_000);
  let dir: string;
  let cp: ControlPlane;
  let core: k8s.CoreV1Api;
  const pod: k8s.V1Pod = {
    metadata: { name: 'web', namespace: 'default', uid: '1b4e28ba-2fa1-11d2-883f-0016d3cca427' },
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kconform-kubelet-events-'));
    cp = await startControlPlane({ stateDir: join(dir, 'cp') });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cp.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
  });

  after(async () => {
    await cp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const eventsOf = async (reason: string): Promise<k8s.CoreV1Event[]> =>
    (await core.listNamespacedEvent({ namespace: 'default' })).items.filter((e) => e.reason === reason);

  it('writes one Event per distinct event, counts repeats on it, and writes a gone one afresh', async () => {
    const events = new KubeletEvents({ core, nodeName: 'node-a', log: silentLogger });
    for (let i = 0; i < 3; i++) {
      events.record(pod, { name: 'main' }, 'Normal', EventReason.Started, 'Started container main');
    }
    events.record(
      pod,
      { name: 'setup', init: true },
      'Normal',
      EventReason.Started,
      'Started container setup',
    );
    await events.flush();

    const started = await eventsOf(EventReason.Started);
    expect(started.map((e) => [e.involvedObject.fieldPath, e.count]).sort()).to.deep.equal([
      ['spec.containers{main}', 3],
      ['spec.initContainers{setup}', 1],
    ]);
    const main = started.find((e) => e.involvedObject.fieldPath === 'spec.containers{main}')!;
    expect(main.involvedObject).to.deep.include({
      apiVersion: 'v1',
      kind: 'Pod',
      name: 'web',
      namespace: 'default',
      uid: pod.metadata!.uid,
    });
    expect(main.source).to.deep.equal({ component: 'kubelet', host: 'node-a' });
    expect(main).to.deep.include({ type: 'Normal', message: 'Started container main' });
    expect(main.metadata.name).to.match(/^web\.[0-9a-f]+$/);

    await core.deleteNamespacedEvent({ name: main.metadata.name!, namespace: 'default' });
    events.record(pod, { name: 'main' }, 'Normal', EventReason.Started, 'Started container main');
    await events.flush();
    const again = (await eventsOf(EventReason.Started)).filter(
      (e) => e.involvedObject.fieldPath === 'spec.containers{main}',
    );
    expect(again.map((e) => e.count)).to.deep.equal([1]);
    expect(again[0]!.metadata.name).to.not.equal(main.metadata.name);
  });
});
