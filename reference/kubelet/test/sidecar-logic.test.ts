// Restartable init containers (sidecars, KEP-753) as upstream's kubelet handles them: which init
// containers start (computeInitContainerActions), the phase (getPhase) and the conditions; and a
// host-network sandbox's container modes. Pure.
import { expect } from 'chai';
import type { V1Pod } from '@kubernetes/client-node';
import { computeInitActions, type InitContainerView } from '../src/pods/init-containers.ts';
import { podStatus, type ObservedContainer } from '../src/pods/pod-status.ts';
import { PodSandboxManager } from '../src/network/pod-sandbox.ts';

const sidecar = (name: string, extra: Partial<InitContainerView> = {}): InitContainerView => ({
  name,
  restartable: true,
  ...extra,
});
const regular = (name: string, extra: Partial<InitContainerView> = {}): InitContainerView => ({
  name,
  restartable: false,
  ...extra,
});
const running = (id: string) => ({ state: 'running' as const, exitCode: 0, id });
const exited = (id: string, exitCode: number) => ({ state: 'exited' as const, exitCode, id });

describe('sidecars: computeInitActions (upstream computeInitContainerActions)', () => {
  it('starts the first init container, then the next once a sidecar runs', () => {
    const inits = [sidecar('proxy'), regular('setup')];
    expect(computeInitActions(inits, false, true)).to.deep.equal({
      start: ['proxy'],
      kill: [],
      initialized: false,
      podFailed: false,
    });
    inits[0]!.instance = running('p1');
    expect(computeInitActions(inits, false, true).start).to.deep.equal(['setup']);
    inits[1]!.instance = exited('s1', 0);
    const done = computeInitActions(inits, false, true);
    expect(done.initialized).to.equal(true);
    expect(done.start).to.deep.equal([]);
  });

  it('waits for a sidecar’s startup probe before the next starts, and restarts it when it fails', () => {
    const inits = [
      sidecar('proxy', { instance: running('p1'), startup: { result: undefined } }),
      regular('setup'),
    ];
    expect(computeInitActions(inits, false, true).start).to.deep.equal([]);
    inits[0]!.startup = { result: 'success' };
    expect(computeInitActions(inits, false, true).start).to.deep.equal(['setup']);
    inits[0]!.startup = { result: 'failure' };
    const failed = computeInitActions(inits, false, true);
    expect(failed.kill).to.deep.equal([
      { name: 'proxy', id: 'p1', message: 'Init container proxy failed startup probe', probe: 'startup' },
    ]);
    expect(failed.start).to.deep.equal(['proxy']);
  });

  it('a sidecar as the last init container initialises the pod once started', () => {
    const inits = [
      regular('setup', { instance: exited('s1', 0) }),
      sidecar('proxy', { instance: running('p1') }),
    ];
    expect(computeInitActions(inits, false, true)).to.deep.include({ initialized: true, start: [] });
  });

  it('restarts an exited sidecar, also under restartPolicy Never, and after initialisation', () => {
    const inits = [
      sidecar('proxy', { instance: exited('p1', 0) }),
      regular('setup', { instance: exited('s1', 0) }),
    ];
    expect(computeInitActions(inits, true, false)).to.deep.include({ start: ['proxy'], initialized: true });
    // its container removed after initialisation: started again; a regular one is not
    const gone = [sidecar('proxy'), regular('setup')];
    expect(computeInitActions(gone, true, true).start).to.deep.equal(['proxy']);
  });

  it('kills and restarts a sidecar whose liveness probe failed', () => {
    const inits = [sidecar('proxy', { instance: running('p1'), liveness: { result: 'failure' } })];
    expect(computeInitActions(inits, true, true)).to.deep.include({
      kill: [
        { name: 'proxy', id: 'p1', message: 'Init container proxy failed liveness probe', probe: 'liveness' },
      ],
      start: ['proxy'],
    });
  });

  it('a failed regular init container fails a Never pod and is restarted otherwise', () => {
    const inits = [
      sidecar('proxy', { instance: running('p1') }),
      regular('setup', { instance: exited('s1', 1) }),
    ];
    expect(computeInitActions(inits, false, false).podFailed).to.equal(true);
    expect(computeInitActions(inits, false, true).start).to.deep.equal(['setup']);
  });
});

const observed = (
  name: string,
  current?: ObservedContainer['current'],
  extra: Partial<ObservedContainer> = {},
) => ({
  name,
  image: 'img',
  ready: false,
  ...(current ? { current } : {}),
  ...extra,
});
const runningNow = (id: string): ObservedContainer['current'] => ({
  id,
  state: 'running',
  exitCode: 0,
  oomKilled: false,
  startedAt: '2026-01-01T00:00:00Z',
  restartCount: 0,
});
const exitedNow = (id: string, exitCode: number): ObservedContainer['current'] => ({
  id,
  state: 'exited',
  exitCode,
  oomKilled: false,
  startedAt: '2026-01-01T00:00:00Z',
  finishedAt: '2026-01-01T00:00:05Z',
  restartCount: 0,
});

const sidecarPod = (restartPolicy = 'Always'): V1Pod => ({
  metadata: { name: 'p', namespace: 'ns', uid: 'u' },
  spec: {
    restartPolicy,
    initContainers: [{ name: 'proxy', image: 'img', restartPolicy: 'Always' }],
    containers: [{ name: 'main', image: 'img' }],
  },
});

describe('sidecars: pod status (upstream getPhase and conditions)', () => {
  const now = new Date('2026-01-01T00:01:00Z');
  const status = (pod: V1Pod, inits: ObservedContainer[], apps: ObservedContainer[]) =>
    podStatus({
      pod,
      podIp: '10.244.0.5',
      hostIp: '127.0.0.1',
      containers: apps,
      initContainers: inits,
      now,
    });
  const cond = (s: ReturnType<typeof status>, type: string) => s.conditions!.find((c) => c.type === type);

  it('is Pending until the sidecar started, with the sidecar named as incomplete', () => {
    const s = status(
      sidecarPod(),
      [observed('proxy', runningNow('p1'), { started: false })],
      [observed('main')],
    );
    expect(s.phase).to.equal('Pending');
    expect(s.initContainerStatuses![0]).to.deep.include({ started: false, ready: false });
    expect(cond(s, 'Initialized')).to.deep.include({
      status: 'False',
      message: 'containers with incomplete status: [proxy]',
    });
  });

  it('is Running with the sidecar started and ready beside the app container; an unready sidecar unreadies the pod', () => {
    const ready = status(
      sidecarPod(),
      [observed('proxy', runningNow('p1'), { started: true, ready: true })],
      [observed('main', runningNow('m1'), { started: true, ready: true })],
    );
    expect(ready.phase).to.equal('Running');
    expect(ready.initContainerStatuses![0]).to.deep.include({ started: true, ready: true });
    expect(cond(ready, 'Initialized')!.status).to.equal('True');
    expect(cond(ready, 'Ready')!.status).to.equal('True');
    const unready = status(
      sidecarPod(),
      [observed('proxy', runningNow('p1'), { started: true, ready: false })],
      [observed('main', runningNow('m1'), { started: true, ready: true })],
    );
    expect(cond(unready, 'ContainersReady')).to.deep.include({
      status: 'False',
      message: 'containers with unready status: [proxy]',
    });
  });

  it('a Never pod succeeds once the app container exited 0 and the sidecar stopped', () => {
    const s = status(
      sidecarPod('Never'),
      [observed('proxy', exitedNow('p1', 137))],
      [observed('main', exitedNow('m1', 0))],
    );
    expect(s.phase).to.equal('Succeeded');
    // while the sidecar still runs, the pod runs
    const still = status(
      sidecarPod('Never'),
      [observed('proxy', runningNow('p1'), { started: true, ready: true })],
      [observed('main', exitedNow('m1', 0))],
    );
    expect(still.phase).to.equal('Running');
  });
});

describe('host-network sandbox', () => {
  it('joins app containers to the pause container and to the node’s UTS namespace', () => {
    const base = {
      pod: { uid: 'u', name: 'p', namespace: 'ns' },
      pauseId: 'abc',
      ip: '127.0.0.1',
      gateway: undefined,
    };
    expect(PodSandboxManager.joinModes({ ...base, hostNetwork: true })).to.deep.equal({
      networkMode: 'container:abc',
      ipcMode: 'container:abc',
      utsMode: 'host',
    });
    expect(PodSandboxManager.joinModes(base)).to.deep.equal({
      networkMode: 'container:abc',
      ipcMode: 'container:abc',
    });
  });
});
