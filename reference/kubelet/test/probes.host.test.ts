// @host: probes end to end at the kubelet: a real apiserver (in-process control plane), the real
// kubelet on the Docker engine with CNI. A liveness exec probe that starts failing gets the
// container killed and restarted, with upstream's Unhealthy and Killing events; a readiness
// probe flips the pod's Ready condition both ways without a restart; every probe run is counted
// on the kubelet's /metrics/probes. Bounded waits; the node, its containers and the guard go in
// `after`.
import { expect } from 'chai';
import Docker from 'dockerode';
import type * as k8s from '@kubernetes/client-node';
import { retryUntil } from '../../../common/src/wait.ts';
import type { Kubelet } from '../src/kubelet.ts';
import { startGrpcHealthServer } from './support/grpc-health-server.ts';
import {
  fixtureImages,
  RUN_ID,
  podUntil as podUntilIn,
  startKubeletTestNode,
  type KubeletTestNode,
} from './support/host-node.ts';

const NODE = `pr-${RUN_ID}`;
const NODE_INDEX = 60 + (process.pid % 20); // clear of other test files' indices
const NS = 'probes';

describe('kubelet probes end to end @host', function () {
  this.timeout(180_000);
  const images = fixtureImages();
  let bed: KubeletTestNode | undefined;
  let core: k8s.CoreV1Api;
  let kubelet: Kubelet;

  before(async () => {
    bed = await startKubeletTestNode({
      prefix: 'kconform-probes-',
      guardTag: 'P',
      nodeName: NODE,
      nodeIndex: NODE_INDEX,
      namespace: NS,
    });
    ({ core, kubelet } = bed);
  });

  after(async () => {
    await bed?.stop();
  });

  const probePod = (name: string, command: string, probes: Partial<k8s.V1Container>): k8s.V1Pod => ({
    metadata: { name, namespace: NS },
    spec: {
      nodeName: NODE,
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: images.busybox, command: ['sh', '-c', command], ...probes }],
    },
  });

  const podUntil = (name: string, what: string, done: (p: k8s.V1Pod) => boolean, timeoutMs = 90_000) =>
    podUntilIn(core, NS, name, what, done, timeoutMs);

  const eventsOf = async (name: string): Promise<k8s.CoreV1Event[]> =>
    (await core.listNamespacedEvent({ namespace: NS, fieldSelector: `involvedObject.name=${name}` })).items;
  const ready = (p: k8s.V1Pod): string | undefined =>
    p.status?.conditions?.find((c) => c.type === 'Ready')?.status;
  const restarts = (p: k8s.V1Pod): number => p.status?.containerStatuses?.[0]?.restartCount ?? 0;

  it('a failing liveness exec probe restarts the container with Unhealthy and Killing events', async () => {
    // healthy for a moment, then the file the probe reads is gone
    await core.createNamespacedPod({
      namespace: NS,
      body: probePod('live', 'touch /tmp/health; sleep 3; rm -f /tmp/health; exec sleep 600', {
        livenessProbe: { exec: { command: ['cat', '/tmp/health'] }, periodSeconds: 1, failureThreshold: 1 },
      }),
    });
    const restarted = await podUntil('live', 'a restart', (p) => restarts(p) >= 1);
    expect(restarted.status?.containerStatuses?.[0]?.lastState?.terminated).to.not.equal(undefined);
    let events: k8s.CoreV1Event[] = [];
    const deadline = Date.now() + 30_000;
    // events are written by a background queue: wait (bounded) until both are there
    while (Date.now() < deadline) {
      events = await eventsOf('live');
      if (events.some((e) => e.reason === 'Killing') && events.some((e) => e.reason === 'Unhealthy')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const unhealthy = events.find((e) => e.reason === 'Unhealthy');
    expect(unhealthy, JSON.stringify(events.map((e) => e.reason))).to.not.equal(undefined);
    expect(unhealthy!.type).to.equal('Warning');
    expect(unhealthy!.message).to.match(/^Liveness probe failed: cat: can't open '\/tmp\/health'/);
    expect(unhealthy!.involvedObject.fieldPath).to.equal('spec.containers{main}');
    const killing = events.find((e) => e.reason === 'Killing');
    expect(killing!.message).to.equal('Container main failed liveness probe, will be restarted');
    const probes = kubelet.metrics.renderProbes();
    expect(probes).to.match(
      new RegExp(
        `prober_probe_total\\{probe_type="Liveness",result="failed",container="main",pod="live",namespace="${NS}",pod_uid="[^"]+"\\} [1-9]`,
      ),
    );
    expect(probes).to.match(
      /prober_probe_total\{probe_type="Liveness",result="successful",container="main",pod="live"/,
    );
  });

  it('a readiness probe flips Ready both ways and never restarts the container', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: probePod('ready', 'exec sleep 600', {
        readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
      }),
    });
    const running = await podUntil('ready', 'Running', (p) => p.status?.phase === 'Running');
    expect(ready(running)).to.equal('False');
    const exec = async (cmd: string): Promise<void> => {
      const id = (
        await podUntil('ready', 'a container id', (p) => !!p.status?.containerStatuses?.[0]?.containerID)
      ).status!.containerStatuses![0]!.containerID!.replace('docker://', '');
      const e = await new Docker().getContainer(id).exec({ Cmd: ['sh', '-c', cmd] });
      const stream = await e.start({});
      await new Promise((r) => stream.on('end', r).resume());
    };
    await exec('touch /tmp/ready');
    const isReady = await podUntil('ready', 'Ready True', (p) => ready(p) === 'True');
    expect(isReady.status?.containerStatuses?.[0]?.ready).to.equal(true);
    await exec('rm /tmp/ready');
    const notReady = await podUntil('ready', 'Ready False again', (p) => ready(p) === 'False');
    expect(notReady.status?.conditions?.find((c) => c.type === 'ContainersReady')?.message).to.equal(
      'containers with unready status: [main]',
    );
    expect(restarts(notReady)).to.equal(0);
    expect(notReady.status?.containerStatuses?.[0]?.state?.running).to.not.equal(undefined);
    const probes = kubelet.metrics.renderProbes();
    expect(probes).to.match(
      /prober_probe_total\{probe_type="Readiness",result="successful",container="main",pod="ready"/,
    );
    expect(probes).to.match(
      /prober_probe_total\{probe_type="Readiness",result="failed",container="main",pod="ready"/,
    );
  });

  it('a grpc readiness probe follows the health service’s answer for its service name', async () => {
    // A host-network pod's IP is the node's (loopback here), so the kubelet's grpc probe reaches a
    // health server this test runs on the node: the real kubelet and engine, a real gRPC server.
    const health = await startGrpcHealthServer();
    try {
      health.answers.set('kconform', 1);
      const pod = probePod('grpc', 'exec sleep 600', {
        readinessProbe: {
          grpc: { port: health.port, service: 'kconform' },
          periodSeconds: 1,
          failureThreshold: 1,
        },
      });
      pod.spec!.hostNetwork = true;
      await core.createNamespacedPod({ namespace: NS, body: pod });
      await podUntil('grpc', 'Ready True', (p) => ready(p) === 'True');
      expect(health.seen.at(-1)).to.deep.equal({
        path: '/grpc.health.v1.Health/Check',
        userAgent: 'kube-probe/1.32',
        service: 'kconform',
      });
      health.answers.set('kconform', 2);
      const notReady = await podUntil('grpc', 'Ready False', (p) => ready(p) === 'False');
      expect(restarts(notReady)).to.equal(0);
      const unhealthy = await retryUntil(() => eventsOf('grpc'), {
        what: 'an Unhealthy event for the grpc probe',
        timeoutMs: 30_000,
        intervalMs: 250,
        done: (events) => events.some((e) => e.reason === 'Unhealthy'),
      });
      expect(unhealthy.find((e) => e.reason === 'Unhealthy')?.message).to.equal(
        'Readiness probe failed: service unhealthy (responded with "NOT_SERVING")',
      );
    } finally {
      await core
        .deleteNamespacedPod({ name: 'grpc', namespace: NS, gracePeriodSeconds: 0 })
        .catch(() => undefined);
      await health.close();
    }
  });
});
