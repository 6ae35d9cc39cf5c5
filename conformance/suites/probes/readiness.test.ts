// Readiness and startup probes: readiness decides the container's `ready` and the pod's Ready
// condition without ever restarting anything; a startup probe holds the other probes back until it
// has passed, which the container's `started` field shows.
import { expect } from 'chai';
import { execMustSucceed } from '../../lib/exec.ts';
import { useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget } from '../../lib/wait.ts';
import {
  busybox,
  conditionOf,
  containerOf,
  createPods,
  createServiceAccount,
  HTTPD,
  INITIAL_DELAY_SECONDS,
  podUntil,
  probePod,
} from './probe-pods.ts';

/** upstream's Consistently window for the failing readiness probe, polled every second. */
const NEVER_READY_WINDOW_MS = 60_000;

describe('probes: readiness and startup', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('probes-readiness');

  before(async function () {
    this.timeout(60_000);
    await createServiceAccount(ns.cluster, ns.name);
    await createPods(ns.cluster, ns.name, [
      probePod('delayed', [
        busybox('web', HTTPD(80), {
          readinessProbe: { httpGet: { path: '/', port: 80 }, initialDelaySeconds: INITIAL_DELAY_SECONDS },
        }),
      ]),
      probePod('failing', [
        busybox('web', HTTPD(80), { readinessProbe: { httpGet: { path: '/', port: 81 } } }),
      ]),
    ]);
  });

  it('[PROBES-READINESS-INITIAL-DELAY] Ready only after the readiness initial delay, without restarts', async () => {
    const budget = new Budget(spec('PROBES-READINESS-INITIAL-DELAY').timeout);
    const pod = await podUntil(
      ns.cluster,
      ns.name,
      'delayed',
      'Ready',
      (p) => conditionOf(p, 'Ready')?.status === 'True',
      budget.left(),
    );
    const web = containerOf(pod, 'web')!;
    expect(web.ready, 'container ready').to.equal(true);
    expect(web.restartCount, 'restartCount').to.equal(0);
    const readyAt = new Date(conditionOf(pod, 'Ready')!.lastTransitionTime!).getTime();
    const startedAt = new Date(web.state!.running!.startedAt!).getTime();
    expect(readyAt - startedAt, 'ms from container start to Ready').to.be.at.least(
      INITIAL_DELAY_SECONDS * 1000,
    );
  });

  it('[PROBES-READINESS-FAILING-NEVER-READY] a pod whose readiness probe fails is never Ready and never restarted', async () => {
    const budget = new Budget(spec('PROBES-READINESS-FAILING-NEVER-READY').timeout);
    await podUntil(
      ns.cluster,
      ns.name,
      'failing',
      'container running',
      (p) => Boolean(containerOf(p, 'web')?.state?.running),
      budget.left(),
    );
    const until = Date.now() + NEVER_READY_WINDOW_MS;
    let checks = 0;
    while (Date.now() < until) {
      const pod = await ns.cluster.core.readNamespacedPod({ name: 'failing', namespace: ns.name });
      expect(conditionOf(pod, 'Ready')?.status, `Ready condition after ${checks} checks`).to.not.equal(
        'True',
      );
      expect(containerOf(pod, 'web')?.ready, 'container ready').to.equal(false);
      checks++;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    const pod = await ns.cluster.core.readNamespacedPod({ name: 'failing', namespace: ns.name });
    expect(pod.status?.phase).to.equal('Running');
    expect(containerOf(pod, 'web')?.restartCount, 'restartCount').to.equal(0);
  });

  it('[PROBES-READINESS-FOLLOWS-PROBE] readiness turns on and off with the probe, without restarts', async () => {
    const budget = new Budget(spec('PROBES-READINESS-FOLLOWS-PROBE').timeout);
    await createPods(ns.cluster, ns.name, [
      probePod('toggle', [
        busybox('main', 'sleep 600', {
          readinessProbe: { exec: { command: ['cat', '/tmp/ready'] }, periodSeconds: 1, failureThreshold: 1 },
        }),
      ]),
    ]);
    const ready = (status: 'True' | 'False') => (p: Parameters<typeof conditionOf>[0]) =>
      Boolean(containerOf(p, 'main')?.state?.running) &&
      containerOf(p, 'main')?.ready === (status === 'True') &&
      conditionOf(p, 'Ready')?.status === status &&
      conditionOf(p, 'ContainersReady')?.status === status;
    await podUntil(ns.cluster, ns.name, 'toggle', 'running, not ready', ready('False'), budget.left());
    const target = { namespace: ns.name, pod: 'toggle', container: 'main' };
    await execMustSucceed(ns.cluster, target, ['touch', '/tmp/ready'], budget.left());
    await podUntil(ns.cluster, ns.name, 'toggle', 'ready', ready('True'), budget.left());
    await execMustSucceed(ns.cluster, target, ['rm', '/tmp/ready'], budget.left());
    const after = await podUntil(
      ns.cluster,
      ns.name,
      'toggle',
      'not ready again',
      ready('False'),
      budget.left(),
    );
    expect(containerOf(after, 'main')?.restartCount, 'restartCount').to.equal(0);
  });

  it('[PROBES-STARTUP-HOLDS-LIVENESS] a startup probe holds liveness back until it passes; started shows it', async () => {
    const budget = new Budget(spec('PROBES-STARTUP-HOLDS-LIVENESS').timeout);
    const check = { exec: { command: ['cat', '/tmp/started'] }, periodSeconds: 1 };
    await createPods(ns.cluster, ns.name, [
      probePod('slow-start', [
        busybox('main', 'sleep 20; touch /tmp/started; sleep 600', {
          livenessProbe: { ...check, failureThreshold: 1 },
          startupProbe: { ...check, failureThreshold: 60 },
        }),
      ]),
    ]);
    const starting = await podUntil(
      ns.cluster,
      ns.name,
      'slow-start',
      'running with started false',
      (p) => Boolean(containerOf(p, 'main')?.state?.running),
      budget.left(),
    );
    const first = containerOf(starting, 'main')!;
    expect(first.started, 'started while the startup probe has not passed').to.equal(false);
    expect(first.ready, 'ready while the startup probe has not passed').to.equal(false);
    const started = await podUntil(
      ns.cluster,
      ns.name,
      'slow-start',
      'started and ready',
      (p) => containerOf(p, 'main')?.started === true && containerOf(p, 'main')?.ready === true,
      budget.left(),
    );
    expect(containerOf(started, 'main')?.restartCount, 'restartCount').to.equal(0);
    expect(containerOf(started, 'main')?.containerID, 'the same container').to.equal(first.containerID);
  });
});
