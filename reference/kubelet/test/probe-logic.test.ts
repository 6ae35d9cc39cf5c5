// The pure decisions behind probes, init containers and their status: upstream's worker.go
// doProbe rules (initial results, initial delay, thresholds, startup gating, hold after a liveness
// failure, stop on deletion), findNextInitContainerToRun, getPhase with init containers and the
// Initialized / Ready condition messages, and how an HTTP probe request is built and judged.
import { expect } from 'chai';
import type { V1Pod } from '@kubernetes/client-node';
import { httpGetRequest, httpOutcome, resolvePort } from '../src/probes/actions.ts';
import { ProbeState, probeTiming, type ProbeTarget } from '../src/probes/probe-state.ts';
import { targetFrom } from '../src/probes/probe-worker.ts';
import { nextInitStep, type InitInstance } from '../src/pods/init-containers.ts';
import { podStatus, type ObservedContainer } from '../src/pods/pod-status.ts';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const target = (over: Partial<ProbeTarget> = {}): ProbeTarget => ({
  podTerminal: false,
  podDeleting: false,
  restartPolicy: 'Always',
  containerId: 'c1',
  running: true,
  terminated: false,
  startedAtMs: T0,
  started: true,
  ...over,
});

describe('probe worker decisions (upstream worker.go)', () => {
  it('defaults: period 10 s, timeout 1 s, success 1, failure 3, no initial delay', () => {
    expect(probeTiming({})).to.deep.equal({
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });

  it('a new container gets the initial result: readiness failure, liveness success, startup unknown', () => {
    const sets = (['readiness', 'liveness', 'startup'] as const).map((type) => {
      const state = new ProbeState(type, probeTiming({}));
      return state.before(target({ started: type !== 'startup' }), T0).set;
    });
    expect(sets).to.deep.equal(['failure', 'success', 'unknown']);
  });

  it('waits for the container, and stops once the pod is finished', () => {
    const state = new ProbeState('liveness', probeTiming({}));
    expect(state.before(target({ containerId: undefined }), T0)).to.deep.equal({ kind: 'wait' });
    expect(state.before(target({ podTerminal: true }), T0)).to.deep.equal({ kind: 'stop' });
  });

  it('does not probe before initialDelaySeconds have passed since the container started', () => {
    const state = new ProbeState('readiness', probeTiming({ initialDelaySeconds: 15 }));
    expect(state.before(target(), T0 + 14_999).kind).to.equal('wait');
    expect(state.before(target(), T0 + 15_000).kind).to.equal('probe');
  });

  it('the startup probe runs until the container started; liveness and readiness only after', () => {
    const startup = new ProbeState('startup', probeTiming({}));
    const liveness = new ProbeState('liveness', probeTiming({}));
    expect(startup.before(target({ started: false }), T0).kind).to.equal('probe');
    expect(liveness.before(target({ started: false }), T0).kind).to.equal('wait');
    expect(startup.before(target({ started: true }), T0).kind).to.equal('wait');
    expect(liveness.before(target({ started: true }), T0).kind).to.equal('probe');
  });

  it('changes the result only after failureThreshold failures or successThreshold successes in a row', () => {
    const state = new ProbeState('readiness', probeTiming({ failureThreshold: 3, successThreshold: 2 }));
    state.before(target(), T0);
    expect(state.after('success')).to.equal(undefined);
    expect(state.after('success')).to.equal('success');
    expect(state.after('failure')).to.equal(undefined);
    expect(state.after('failure')).to.equal(undefined);
    expect(state.after('success')).to.equal(undefined); // the run of failures is broken
    expect([state.after('failure'), state.after('failure'), state.after('failure')]).to.deep.equal([
      undefined,
      undefined,
      'failure',
    ]);
  });

  it('holds liveness after a failure until a new container appears, then starts afresh', () => {
    const state = new ProbeState('liveness', probeTiming({ failureThreshold: 1 }));
    state.before(target(), T0);
    expect(state.after('failure')).to.equal('failure');
    expect(state.before(target(), T0 + 10_000)).to.deep.equal({ kind: 'wait' });
    expect(state.before(target({ containerId: 'c2' }), T0 + 20_000)).to.deep.equal({
      kind: 'probe',
      set: 'success',
    });
  });

  it('readiness keeps probing a failing container (no hold)', () => {
    const state = new ProbeState('readiness', probeTiming({ failureThreshold: 1 }));
    state.before(target(), T0);
    expect(state.after('failure')).to.equal('failure');
    expect(state.before(target(), T0 + 10_000).kind).to.equal('probe');
  });

  it('a container that is not running counts as failed; the worker stops if it will never run again', () => {
    const state = new ProbeState('readiness', probeTiming({}));
    state.before(target(), T0);
    expect(state.before(target({ running: false, terminated: true }), T0)).to.deep.equal({
      kind: 'wait',
      set: 'failure',
    });
    expect(
      state.before(target({ running: false, terminated: true, restartPolicy: 'Never' }), T0),
    ).to.deep.equal({ kind: 'stop', set: 'failure' });
  });

  it('on deletion liveness and startup set a last success and stop; readiness goes on', () => {
    const liveness = new ProbeState('liveness', probeTiming({}));
    const readiness = new ProbeState('readiness', probeTiming({}));
    liveness.before(target(), T0);
    readiness.before(target(), T0);
    expect(liveness.before(target({ podDeleting: true }), T0)).to.deep.equal({
      kind: 'stop',
      set: 'success',
    });
    expect(readiness.before(target({ podDeleting: true }), T0).kind).to.equal('probe');
  });

  it('reads the target from the kubelet status, container ids without their runtime prefix', () => {
    const pod: V1Pod = { metadata: { uid: 'u' }, spec: { containers: [], restartPolicy: 'OnFailure' } };
    const t = targetFrom(
      pod,
      {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'main',
            image: 'i',
            imageID: '',
            ready: false,
            restartCount: 0,
            started: true,
            containerID: 'docker://abc',
            state: { running: { startedAt: '2026-01-01T00:00:00Z' as unknown as Date } },
          },
        ],
      },
      'main',
    );
    expect(t).to.deep.equal(target({ containerId: 'abc', restartPolicy: 'OnFailure' }));
  });
});

describe('HTTP probe requests and results (upstream pkg/probe/http)', () => {
  const container = { name: 'web', image: 'i', ports: [{ name: 'http', containerPort: 8080 }] };

  it('builds the URL from scheme, pod IP, a named port and the path, with kube-probe headers', () => {
    const req = httpGetRequest(
      { path: 'healthz', port: 'http', scheme: 'HTTPS', httpHeaders: [{ name: 'X-Check', value: '1' }] },
      container,
      '10.244.1.5',
      'probe',
    );
    expect(req.url.toString()).to.equal('https://10.244.1.5:8080/healthz');
    expect(req.headers).to.deep.equal({ 'X-Check': '1', 'User-Agent': 'kube-probe/1.32', Accept: '*/*' });
  });

  it('honours a host and headers of its own; an empty Accept is dropped', () => {
    const req = httpGetRequest(
      { host: '10.244.2.9', port: 81, httpHeaders: [{ name: 'accept', value: '' }] },
      container,
      '10.244.1.5',
      'lifecycle',
    );
    expect(req.url.toString()).to.equal('http://10.244.2.9:81/');
    expect(req.headers).to.deep.equal({ 'User-Agent': 'kube-lifecycle/1.32' });
  });

  it('resolves ports by number, by name, or refuses', () => {
    expect(resolvePort(9000, container)).to.equal(9000);
    expect(resolvePort('8081', container)).to.equal(8081);
    expect(() => resolvePort('metrics', container)).to.throw("couldn't find port: metrics in web");
    expect(() => resolvePort(70000, container)).to.throw('invalid port number: 70000');
  });

  it('200..299 succeed, 3xx warn (redirects are not followed), the rest fail without the body', () => {
    expect(httpOutcome(200, 'ok')).to.deep.equal({ result: 'success', output: 'ok' });
    expect(httpOutcome(302, 'moved').result).to.equal('warning');
    expect(httpOutcome(500, 'secret')).to.deep.equal({
      result: 'failure',
      output: 'HTTP probe failed with statuscode: 500',
    });
    expect(httpOutcome(199, '').result).to.equal('failure');
  });
});

describe('init containers (upstream findNextInitContainerToRun)', () => {
  const names = ['a', 'b'];
  const of =
    (states: Record<string, InitInstance>) =>
    (name: string): InitInstance | undefined =>
      states[name];

  it('starts the first, waits for it, then the next, then is done', () => {
    expect(nextInitStep(names, of({}), false)).to.deep.equal({ kind: 'start', name: 'a' });
    expect(nextInitStep(names, of({ a: { state: 'running', exitCode: 0 } }), false)).to.deep.equal({
      kind: 'wait',
      name: 'a',
    });
    expect(nextInitStep(names, of({ a: { state: 'exited', exitCode: 0 } }), false)).to.deep.equal({
      kind: 'start',
      name: 'b',
    });
    const both = of({ a: { state: 'exited', exitCode: 0 }, b: { state: 'exited', exitCode: 0 } });
    expect(nextInitStep(names, both, false)).to.deep.equal({ kind: 'done' });
  });

  it('names the failed one, and never re-runs init containers once an app container exists', () => {
    const failed = of({ a: { state: 'exited', exitCode: 0 }, b: { state: 'exited', exitCode: 2 } });
    expect(nextInitStep(names, failed, false)).to.deep.equal({ kind: 'failed', name: 'b', exitCode: 2 });
    expect(nextInitStep(names, of({}), true)).to.deep.equal({ kind: 'done' });
    expect(nextInitStep([], of({}), false)).to.deep.equal({ kind: 'done' });
  });
});

describe('pod status with init containers and probes', () => {
  const pod = (restartPolicy = 'Always'): V1Pod => ({
    metadata: { name: 'p', namespace: 'ns', uid: 'u1' },
    spec: {
      restartPolicy,
      initContainers: [
        { name: 'init1', image: 'img' },
        { name: 'init2', image: 'img' },
      ],
      containers: [{ name: 'main', image: 'img' }],
    },
  });
  const exited = (name: string, exitCode: number): ObservedContainer => ({
    name,
    image: 'img',
    ready: false,
    current: {
      id: `${name}-id`,
      state: 'exited',
      exitCode,
      oomKilled: false,
      startedAt: '2026-01-01T00:00:00Z',
      finishedAt: '2026-01-01T00:00:01Z',
      restartCount: 0,
    },
  });
  const running = (name: string, ready: boolean, started = true): ObservedContainer => ({
    name,
    image: 'img',
    ready,
    started,
    current: {
      id: `${name}-id`,
      state: 'running',
      exitCode: 0,
      oomKilled: false,
      startedAt: '2026-01-01T00:00:02Z',
      restartCount: 0,
    },
  });
  const none = (name: string): ObservedContainer => ({ name, image: 'img', ready: false });
  const status = (p: V1Pod, inits: ObservedContainer[], apps: ObservedContainer[]) =>
    podStatus({
      pod: p,
      containers: apps,
      initContainers: inits,
      hostIp: '127.0.0.1',
      podIp: '10.244.1.2',
      now: new Date('2026-01-01T00:01:00Z'),
    });
  const cond = (s: ReturnType<typeof status>, type: string) => s.conditions?.find((c) => c.type === type);

  it('Pending while initialising: PodInitializing everywhere, Initialized False naming the incomplete ones', () => {
    const s = status(pod(), [running('init1', false), none('init2')], [none('main')]);
    expect(s.phase).to.equal('Pending');
    expect(s.initContainerStatuses?.map((c) => Object.keys(c.state ?? {})[0])).to.deep.equal([
      'running',
      'waiting',
    ]);
    expect(s.initContainerStatuses?.[1]?.state?.waiting?.reason).to.equal('PodInitializing');
    expect(s.containerStatuses?.[0]?.state?.waiting?.reason).to.equal('PodInitializing');
    expect(cond(s, 'Initialized')).to.deep.include({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [init1 init2]',
    });
    expect(cond(s, 'Ready')).to.deep.include({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [main]',
    });
  });

  it('Running once initialised: init containers ready and terminated Completed, Initialized True', () => {
    const s = status(pod(), [exited('init1', 0), exited('init2', 0)], [running('main', true)]);
    expect(s.phase).to.equal('Running');
    expect(s.initContainerStatuses?.map((c) => [c.ready, c.state?.terminated?.reason])).to.deep.equal([
      [true, 'Completed'],
      [true, 'Completed'],
    ]);
    expect(cond(s, 'Initialized')?.status).to.equal('True');
    expect(cond(s, 'Ready')?.status).to.equal('True');
  });

  it('a failed init container fails a Never pod, and leaves an Always pod Pending', () => {
    expect(status(pod('Never'), [exited('init1', 1), none('init2')], [none('main')]).phase).to.equal(
      'Failed',
    );
    const backingOff = { ...exited('init1', 1), waiting: { reason: 'CrashLoopBackOff' } };
    expect(status(pod('Always'), [backingOff, none('init2')], [none('main')]).phase).to.equal('Pending');
  });

  it('readiness drives ready and the Ready condition; started follows the startup probe', () => {
    const p: V1Pod = { ...pod(), spec: { ...pod().spec!, initContainers: [] } };
    const notReady = status(p, [], [running('main', false)]);
    expect(notReady.phase).to.equal('Running');
    expect(notReady.containerStatuses?.[0]).to.deep.include({ ready: false, started: true });
    expect(cond(notReady, 'ContainersReady')?.status).to.equal('False');
    expect(notReady.initContainerStatuses).to.equal(undefined);
    const notStarted = status(p, [], [running('main', false, false)]);
    expect(notStarted.containerStatuses?.[0]?.started).to.equal(false);
    expect(cond(status(p, [], [running('main', true)]), 'Ready')?.status).to.equal('True');
  });
});
