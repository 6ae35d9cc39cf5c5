// The kubelet's pure decisions: phase and container states (upstream's getPhase and
// container status rules), crash-loop back-off, and what a container is created with.
import { expect } from 'chai';
import type { V1Pod } from '@kubernetes/client-node';
import { Backoff } from '../src/pods/backoff.ts';
import { containerSpec } from '../src/pods/container-spec.ts';
import { memoryBytes, milliCpu } from '../src/pods/quantity.ts';
import { resolveEnv } from '../src/pods/env.ts';
import { podPhase, podStatus, type ObservedContainer } from '../src/pods/pod-status.ts';
import { DEADLINE_EXCEEDED, msToActiveDeadline } from '../src/pods/active-deadline.ts';

const pod = (restartPolicy = 'Always', names = ['main']): V1Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u1', labels: { app: 'a' } },
  spec: { restartPolicy, containers: names.map((name) => ({ name, image: 'img' })) },
});
const running = (name: string, restartCount = 0): ObservedContainer => ({
  name,
  image: 'img',
  ready: true,
  current: {
    id: `${name}-id`,
    state: 'running',
    exitCode: 0,
    oomKilled: false,
    startedAt: '2026-01-01T00:00:00Z',
    restartCount,
  },
});
const exited = (name: string, exitCode: number, oomKilled = false): ObservedContainer => ({
  name,
  image: 'img',
  ready: false,
  current: {
    id: `${name}-id`,
    state: 'exited',
    exitCode,
    oomKilled,
    startedAt: '2026-01-01T00:00:00Z',
    finishedAt: '2026-01-01T00:00:05Z',
    restartCount: 0,
  },
});
const status = (p: V1Pod, containers: ObservedContainer[]) =>
  podStatus({
    pod: p,
    containers,
    hostIp: '127.0.0.1',
    podIp: '10.244.1.2',
    now: new Date('2026-01-01T00:01:00Z'),
  });

describe('kubelet pod status logic', () => {
  it('Running and Ready when every container runs', () => {
    const s = status(pod('Always', ['a', 'b']), [running('a'), running('b')]);
    expect(s.phase).to.equal('Running');
    expect(s.conditions?.find((c) => c.type === 'Ready')?.status).to.equal('True');
    expect(s.podIP).to.equal('10.244.1.2');
  });

  it('Pending while a container is still being created', () => {
    const creating: ObservedContainer = { name: 'b', image: 'img', ready: false };
    const s = status(pod('Always', ['a', 'b']), [running('a'), creating]);
    expect(s.phase).to.equal('Pending');
    expect(s.containerStatuses?.[1]?.state?.waiting?.reason).to.equal('ContainerCreating');
    expect(s.conditions?.find((c) => c.type === 'Ready')).to.deep.include({
      status: 'False',
      reason: 'ContainersNotReady',
    });
  });

  it('terminated reasons: Completed for 0, Error otherwise, OOMKilled when the kernel killed it', () => {
    const reasons = [exited('a', 0), exited('b', 2), exited('c', 137, true)].map(
      (c) => status(pod('Never', [c.name]), [c]).containerStatuses?.[0]?.state?.terminated?.reason,
    );
    expect(reasons).to.deep.equal(['Completed', 'Error', 'OOMKilled']);
  });

  it('phases of finished pods follow the restart policy (upstream getPhase)', () => {
    expect(status(pod('Never'), [exited('main', 0)]).phase).to.equal('Succeeded');
    expect(status(pod('Never'), [exited('main', 1)]).phase).to.equal('Failed');
    expect(status(pod('OnFailure'), [exited('main', 0)]).phase).to.equal('Succeeded');
    expect(status(pod('OnFailure'), [exited('main', 1)]).phase).to.equal('Running');
    expect(status(pod('Always'), [exited('main', 0)]).phase).to.equal('Running');
    expect(podPhase(pod('Never'), [])).to.equal('Pending');
  });

  it('a container waiting to restart shows CrashLoopBackOff with its last run in lastState', () => {
    const c = { ...exited('main', 3), waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' } };
    const s = status(pod('Always'), [c]).containerStatuses![0]!;
    expect(s.state?.waiting?.reason).to.equal('CrashLoopBackOff');
    expect(s.lastState?.terminated).to.deep.include({ exitCode: 3, reason: 'Error' });
  });

  it('a finished pod is not ready because it finished: PodCompleted or PodFailed, no container list', () => {
    const ready = (p: V1Pod, c: ObservedContainer) =>
      status(p, [c]).conditions?.find((x) => x.type === 'Ready');
    expect(ready(pod('Never'), exited('main', 0))).to.deep.include({
      status: 'False',
      reason: 'PodCompleted',
    });
    const failed = ready(pod('Never'), exited('main', 1))!;
    expect(failed).to.deep.include({ status: 'False', reason: 'PodFailed' });
    expect(failed.message).to.equal(undefined);
  });

  it('never leaves a terminal phase the apiserver shows, and keeps its reason and message', () => {
    const p = pod('Always');
    p.status = { phase: 'Failed', reason: 'DeadlineExceeded', message: 'late' };
    // Containers killed by SIGTERM under restartPolicy Always would compute Running.
    const s = status(p, [exited('main', 143)]);
    expect(s).to.deep.include({ phase: 'Failed', reason: 'DeadlineExceeded', message: 'late' });
    p.status = { phase: 'Succeeded' };
    expect(status(p, [running('main')]).phase).to.equal('Succeeded');
  });

  it('an eviction fails the pod at once, whatever its containers do, with its reason', () => {
    const s = podStatus({
      pod: pod('Always'),
      containers: [running('main')],
      hostIp: '127.0.0.1',
      podIp: '10.244.1.2',
      eviction: DEADLINE_EXCEEDED,
      now: new Date('2026-01-01T00:01:00Z'),
    });
    expect(s).to.deep.include({ phase: 'Failed', ...DEADLINE_EXCEEDED });
    expect(s.conditions?.find((c) => c.type === 'Ready')).to.deep.include({
      status: 'False',
      reason: 'PodFailed',
    });
  });

  it('a finished pod whose sandbox is gone keeps its IP; a running one without a sandbox has none', () => {
    const noSandbox = (p: V1Pod, c: ObservedContainer, keptIp?: string) =>
      podStatus({
        pod: p,
        containers: [c],
        hostIp: '127.0.0.1',
        ...(keptIp ? { keptIp } : {}),
        now: new Date(),
      });
    const done = pod('Never');
    done.status = { phase: 'Succeeded', podIP: '10.244.1.9', podIPs: [{ ip: '10.244.1.9' }] };
    const s = noSandbox(done, exited('main', 0));
    expect(s).to.deep.include({ podIP: '10.244.1.9', podIPs: [{ ip: '10.244.1.9' }] });
    expect(s.conditions?.find((c) => c.type === 'PodReadyToStartContainers')?.status).to.equal('False');
    // The kubelet's memory of the IP wins over a copy of the pod read before it was written.
    expect(noSandbox(pod('Never'), exited('main', 0), '10.244.1.7').podIP).to.equal('10.244.1.7');
    const live = pod('Always');
    live.status = { phase: 'Running', podIP: '10.244.1.9' };
    expect(noSandbox(live, running('main'), '10.244.1.7').podIP).to.equal(undefined);
  });

  it('activeDeadlineSeconds counts from status.startTime; none without a deadline or a start', () => {
    const p = pod();
    const now = new Date('2026-01-01T00:01:00Z');
    expect(msToActiveDeadline(p, now)).to.equal(undefined);
    p.spec!.activeDeadlineSeconds = 5;
    expect(msToActiveDeadline(p, now)).to.equal(undefined);
    p.status = { startTime: '2026-01-01T00:00:58Z' as unknown as Date };
    expect(msToActiveDeadline(p, now)).to.equal(3000);
    p.status = { startTime: new Date('2026-01-01T00:00:50Z') };
    expect(msToActiveDeadline(p, now)).to.equal(-5000);
  });

  it('keeps a condition transition time while its status holds', () => {
    const p = pod();
    p.status = {
      conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime: '2025-12-31T00:00:00Z' as unknown as Date },
      ],
    };
    const s = status(p, [running('main')]);
    expect(s.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime?.toISOString()).to.equal(
      '2025-12-31T00:00:00.000Z',
    );
    expect(s.conditions?.every((c) => c.lastTransitionTime instanceof Date)).to.equal(true);
  });
});

describe('crash-loop back-off', () => {
  it('restarts at once the first time, then waits 10 s, 20 s, … up to 5 minutes', () => {
    const b = new Backoff();
    let now = 0;
    expect(b.remaining('u/c', now)).to.equal(0);
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      b.restarted('u/c', now);
      waits.push(b.remaining('u/c', now));
      now += b.remaining('u/c', now);
    }
    expect(waits).to.deep.equal([10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000]);
    b.forgetPod('u');
    expect(b.remaining('u/c', now)).to.equal(0);
  });
});

describe('container spec', () => {
  const sandbox = {
    pod: { uid: 'u1', name: 'p', namespace: 'ns' },
    pauseId: 'pause1',
    ip: '10.244.1.2',
    gateway: '10.244.1.1',
  };
  it('maps command/args, limits and the downward API', async () => {
    const p = pod();
    const c = {
      name: 'main',
      image: 'img',
      command: ['sh'],
      args: ['-c', 'true'],
      env: [
        { name: 'A', value: 'x' },
        { name: 'B', value: '$(A)-y' },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      ],
      resources: { limits: { memory: '64Mi', cpu: '500m' } },
    };
    const downward = {
      podIps: [sandbox.ip],
      hostIps: ['127.0.0.1'],
      allocatable: { cpu: '2', memory: '1Gi' },
    };
    const none = { configMap: () => Promise.resolve(undefined), secret: () => Promise.resolve(undefined) };
    const env = await resolveEnv(p, c, downward, none, new Map());
    const spec = containerSpec(c, { pod: p, sandbox, restartCount: 2, env });
    expect(spec.entrypoint).to.deep.equal(['sh']);
    expect(spec.cmd).to.deep.equal(['-c', 'true']);
    expect(spec.env).to.deep.equal({ A: 'x', B: 'x-y', NS: 'ns', IP: '10.244.1.2', APP: 'a' });
    expect(spec.memoryBytes).to.equal(64 * 2 ** 20);
    expect(spec.memorySwapBytes).to.equal(64 * 2 ** 20);
    expect(spec.cpuQuota).to.equal(50_000);
    expect(spec.cpuPeriod).to.equal(100_000);
    expect(spec.cpuShares).to.equal(512);
    expect(spec.networkMode).to.equal('container:pause1');
    expect(spec.labels['io.kconform.restart-count']).to.equal('2');
    expect([...(await resolveEnv(p, { name: 'x' }, downward, none, new Map()))]).to.deep.equal([]);
  });

  it('parses quantities and refuses nonsense', () => {
    expect(memoryBytes('1Gi')).to.equal(2 ** 30);
    expect(memoryBytes('1G')).to.equal(1e9);
    expect(milliCpu('2')).to.equal(2000);
    expect(milliCpu('250m')).to.equal(250);
    expect(() => memoryBytes('lots')).to.throw('memory quantity "lots" is not a Kubernetes quantity');
  });
});
