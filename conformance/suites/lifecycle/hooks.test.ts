// postStart and preStop hooks, with upstream's evidence (lifecycle_hook.go, pre_stop.go): a
// handler pod (busybox httpd -vv, which logs every request's path) receives what the hooks send,
// and the suite reads its log through the API. Hooks reach it by pod IP, never the runner.
import { expect } from 'chai';
import type { V1LifecycleHandler, V1Pod } from '@kubernetes/client-node';
import { execMustSucceed } from '../../lib/exec.ts';
import { useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget, pollUntil, waitForObject } from '../../lib/wait.ts';
import {
  busybox,
  containerOf,
  createPods,
  createServiceAccount,
  podEvents,
  podUntil,
  probePod,
} from '../probes/probe-pods.ts';

const HANDLER_PORT = 8080;
/** upstream: postStart evidence within 2 minutes, preStop evidence within 30 s of the deletion. */
const POST_START_WAIT_MS = 120_000;
const PRE_STOP_WAIT_MS = 30_000;
/** upstream deletes the hook pods with a 15-second grace period. */
const DELETE_GRACE_SECONDS = 15;

describe('lifecycle: postStart and preStop hooks', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('lifecycle-hooks');
  let handlerIp = '';

  before(async function () {
    this.timeout(180_000);
    await createServiceAccount(ns.cluster, ns.name);
    await createPods(ns.cluster, ns.name, [
      probePod('handler', [
        busybox('handler', `mkdir -p /www && exec httpd -f -vv -p ${HANDLER_PORT} -h /www`, {
          ports: [{ containerPort: HANDLER_PORT }],
        }),
      ]),
    ]);
    const handler = await podUntil(
      ns.cluster,
      ns.name,
      'handler',
      'running with an IP',
      (p) => Boolean(containerOf(p, 'handler')?.state?.running && p.status?.podIP),
      170_000,
    );
    handlerIp = handler.status!.podIP!;
  });

  /** An exec hook that sends GET <path> to the handler pod. */
  const execSends = (path: string, then = ''): V1LifecycleHandler => ({
    exec: {
      command: [
        'sh',
        '-c',
        `printf 'GET ${path} HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${handlerIp} ${HANDLER_PORT}; ${then}`,
      ],
    },
  });
  const httpSends = (path: string): V1LifecycleHandler => ({
    httpGet: { host: handlerIp, port: HANDLER_PORT, path },
  });

  /** Waits until the handler pod's log shows a request for `path`; returns the log. */
  const handlerSaw = (path: string, timeoutMs: number): Promise<string> =>
    pollUntil(() => ns.cluster.core.readNamespacedPodLog({ name: 'handler', namespace: ns.name }), {
      what: `a request for ${path} in the handler pod's log`,
      timeoutMs,
      intervalMs: 1_000,
      done: (log) => log.includes(`url:${path}`),
      describe: (log) => `log so far: ${JSON.stringify((log ?? '').slice(-2000))}`,
    });

  const hookPod = (
    name: string,
    lifecycle: NonNullable<V1Pod['spec']>['containers'][0]['lifecycle'],
    script = 'sleep 600',
    grace = DELETE_GRACE_SECONDS,
  ) => probePod(name, [busybox('main', script, { lifecycle })], { terminationGracePeriodSeconds: grace });

  const running = (name: string, timeoutMs: number) =>
    podUntil(
      ns.cluster,
      ns.name,
      name,
      'container running',
      (p) => Boolean(containerOf(p, 'main')?.state?.running),
      timeoutMs,
    );

  const gone = (name: string, timeoutMs: number) =>
    waitForObject<V1Pod>(ns.cluster, {
      what: `pod ${ns.name}/${name} removed`,
      collectionPath: `/api/v1/namespaces/${ns.name}/pods`,
      name,
      timeoutMs,
      until: (p) => p === undefined,
    });

  it('[LIFECYCLE-POSTSTART-EXEC] an exec postStart hook runs, and the container is Running only after it returned', async () => {
    const budget = new Budget(spec('LIFECYCLE-POSTSTART-EXEC').timeout);
    await createPods(ns.cluster, ns.name, [
      hookPod('poststart-exec', {
        postStart: execSends('/poststart-exec', 'sleep 5; touch /tmp/poststart-done'),
      }),
    ]);
    await handlerSaw('/poststart-exec', Math.min(POST_START_WAIT_MS, budget.left()));
    await running('poststart-exec', budget.left());
    // Reported running: the hook (whose last step writes the file) has returned.
    await execMustSucceed(
      ns.cluster,
      { namespace: ns.name, pod: 'poststart-exec', container: 'main' },
      ['cat', '/tmp/poststart-done'],
      budget.left(),
    );
  });

  it('[LIFECYCLE-POSTSTART-HTTP] an httpGet postStart hook is called after the container starts', async () => {
    const budget = new Budget(spec('LIFECYCLE-POSTSTART-HTTP').timeout);
    await createPods(ns.cluster, ns.name, [
      hookPod('poststart-http', { postStart: httpSends('/poststart-http') }),
    ]);
    await handlerSaw('/poststart-http', Math.min(POST_START_WAIT_MS, budget.left()));
    const pod = await running('poststart-http', budget.left());
    expect(containerOf(pod, 'main')?.restartCount, 'restartCount').to.equal(0);
  });

  it('[LIFECYCLE-POSTSTART-FAILURE] a failing postStart hook kills the container, which is restarted', async () => {
    const budget = new Budget(spec('LIFECYCLE-POSTSTART-FAILURE').timeout);
    await createPods(ns.cluster, ns.name, [
      hookPod('poststart-fails', { postStart: { exec: { command: ['sh', '-c', 'exit 1'] } } }),
    ]);
    await podUntil(
      ns.cluster,
      ns.name,
      'poststart-fails',
      'a restart',
      (p) => (containerOf(p, 'main')?.restartCount ?? 0) >= 1,
      budget.left(),
    );
    const events = await pollUntil(() => podEvents(ns.cluster, ns.name, 'poststart-fails'), {
      what: 'a FailedPostStartHook event',
      timeoutMs: budget.left(),
      done: (list) => list.some((e) => e.reason === 'FailedPostStartHook'),
      describe: (list) => JSON.stringify(list?.map((e) => [e.reason, e.message]) ?? []),
    });
    const failed = events.find((e) => e.reason === 'FailedPostStartHook')!;
    expect(failed.type).to.equal('Warning');
    expect(failed.involvedObject.fieldPath).to.equal('spec.containers{main}');
  });

  /** Deletes the pod with upstream's 15-second grace and waits for the preStop request and the pod's removal. */
  const preStopTest = async (id: string, name: string, hook: V1LifecycleHandler): Promise<void> => {
    const budget = new Budget(spec(id).timeout);
    await createPods(ns.cluster, ns.name, [hookPod(name, { preStop: hook })]);
    await running(name, budget.left());
    await ns.cluster.core.deleteNamespacedPod({
      name,
      namespace: ns.name,
      body: { gracePeriodSeconds: DELETE_GRACE_SECONDS },
    });
    await handlerSaw(`/${name}`, Math.min(PRE_STOP_WAIT_MS, budget.left()));
    await gone(name, budget.left());
  };

  it('[LIFECYCLE-PRESTOP-EXEC] an exec preStop hook runs when the pod is deleted', () =>
    preStopTest('LIFECYCLE-PRESTOP-EXEC', 'prestop-exec', execSends('/prestop-exec')));

  it('[LIFECYCLE-PRESTOP-HTTP] an httpGet preStop hook is called when the pod is deleted', () =>
    preStopTest('LIFECYCLE-PRESTOP-HTTP', 'prestop-http', httpSends('/prestop-http')));

  it('[LIFECYCLE-PRESTOP-BEFORE-SIGTERM] the preStop hook runs before the container gets SIGTERM', async () => {
    const budget = new Budget(spec('LIFECYCLE-PRESTOP-BEFORE-SIGTERM').timeout);
    const trap =
      `trap 'printf "GET /sigterm HTTP/1.0\\r\\n\\r\\n" | nc -w 3 ${handlerIp} ${HANDLER_PORT}; exit 0' TERM; ` +
      'while true; do sleep 1; done';
    await createPods(ns.cluster, ns.name, [
      hookPod('ordered', { preStop: execSends('/prestop-ordered') }, trap),
    ]);
    await running('ordered', budget.left());
    await ns.cluster.core.deleteNamespacedPod({ name: 'ordered', namespace: ns.name });
    const log = await handlerSaw('/sigterm', Math.min(60_000, budget.left()));
    const hookAt = log.indexOf('url:/prestop-ordered');
    expect(hookAt, 'the preStop request in the handler log').to.be.at.least(0);
    expect(hookAt, 'preStop request before the SIGTERM trap request').to.be.below(
      log.indexOf('url:/sigterm'),
    );
    await gone('ordered', budget.left());
  });

  it('[LIFECYCLE-PRESTOP-GRACE-BOUND] a preStop hook that never returns does not outlast the grace period', async () => {
    const budget = new Budget(spec('LIFECYCLE-PRESTOP-GRACE-BOUND').timeout);
    await createPods(ns.cluster, ns.name, [
      hookPod('stuck', { preStop: { exec: { command: ['sleep', '600'] } } }, 'sleep 600', 5),
    ]);
    await running('stuck', budget.left());
    await ns.cluster.core.deleteNamespacedPod({ name: 'stuck', namespace: ns.name });
    await gone('stuck', budget.left());
  });
});
