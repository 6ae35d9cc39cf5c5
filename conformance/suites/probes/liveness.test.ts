// Liveness probes, as upstream's container_probe.go checks them: a failing exec, httpGet or
// tcpSocket probe makes the node agent kill and restart the container; a passing one never does.
// The pods are created together in `before`, so their 4-minute observation windows overlap and the
// file takes about as long as one window.
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget, pollUntil } from '../../lib/wait.ts';
import {
  busybox,
  createPods,
  createServiceAccount,
  HTTPD,
  INITIAL_DELAY_SECONDS,
  OBSERVATION_MS,
  podEvents,
  probePod,
  runLivenessTest,
} from './probe-pods.ts';

const execProbe = { exec: { command: ['cat', '/tmp/health'] } };

describe('probes: liveness', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('probes-liveness');

  before(async function () {
    this.timeout(60_000);
    await createServiceAccount(ns.cluster, ns.name);
    await createPods(ns.cluster, ns.name, [
      probePod('exec-restart', [
        busybox('busybox', 'echo ok >/tmp/health; sleep 10; rm -rf /tmp/health; sleep 600', {
          livenessProbe: {
            ...execProbe,
            initialDelaySeconds: INITIAL_DELAY_SECONDS,
            timeoutSeconds: 5,
            failureThreshold: 1,
          },
        }),
      ]),
      probePod('exec-alive', [
        busybox('busybox', 'echo ok >/tmp/health; sleep 600', {
          livenessProbe: {
            ...execProbe,
            initialDelaySeconds: INITIAL_DELAY_SECONDS,
            timeoutSeconds: 5,
            failureThreshold: 1,
          },
        }),
      ]),
      probePod('http-restart', [
        busybox('liveness', HTTPD(8080, 'sleep 10; rm -f /www/healthz;'), {
          livenessProbe: {
            httpGet: { path: '/healthz', port: 8080 },
            initialDelaySeconds: INITIAL_DELAY_SECONDS,
            failureThreshold: 1,
          },
        }),
      ]),
      probePod('http-alive', [
        busybox('liveness', HTTPD(8080), {
          livenessProbe: {
            httpGet: { path: '/healthz', port: 8080 },
            initialDelaySeconds: INITIAL_DELAY_SECONDS,
            timeoutSeconds: 5,
            failureThreshold: 5,
          },
        }),
      ]),
      probePod('tcp-alive', [
        // The HTTP handler answers 404 for everything, but the port keeps accepting.
        busybox('liveness', HTTPD(8080, 'rm -f /www/healthz /www/index.html;'), {
          livenessProbe: {
            tcpSocket: { port: 8080 },
            initialDelaySeconds: INITIAL_DELAY_SECONDS,
            failureThreshold: 1,
          },
        }),
      ]),
      probePod('tcp-restart', [
        busybox('liveness', HTTPD(8080, 'sleep 10; kill $!; sleep 600;'), {
          livenessProbe: {
            tcpSocket: { port: 8080 },
            initialDelaySeconds: INITIAL_DELAY_SECONDS,
            failureThreshold: 1,
          },
        }),
      ]),
      probePod('events', [
        busybox('probed', 'sleep 600', {
          livenessProbe: { exec: { command: ['cat', '/tmp/never'] }, periodSeconds: 2, failureThreshold: 1 },
        }),
      ]),
    ]);
  });

  const liveness = (id: string, pod: string, container: string, restarts: number) => async () => {
    const budget = new Budget(spec(id).timeout);
    const count = await runLivenessTest(
      ns.cluster,
      ns.name,
      pod,
      container,
      restarts,
      OBSERVATION_MS,
      budget.left(),
    );
    if (restarts > 0) expect(count, 'restartCount').to.be.at.least(restarts);
    else expect(count, 'restartCount').to.equal(0);
  };

  it(
    '[PROBES-LIVENESS-EXEC-RESTART] a container failing its exec liveness probe is restarted',
    liveness('PROBES-LIVENESS-EXEC-RESTART', 'exec-restart', 'busybox', 1),
  );

  it(
    '[PROBES-LIVENESS-HTTP-RESTART] a container whose /healthz starts failing is restarted',
    liveness('PROBES-LIVENESS-HTTP-RESTART', 'http-restart', 'liveness', 1),
  );

  it(
    '[PROBES-LIVENESS-TCP-RESTART] a container that closes its probed port is restarted',
    liveness('PROBES-LIVENESS-TCP-RESTART', 'tcp-restart', 'liveness', 1),
  );

  it('[PROBES-LIVENESS-FAILURE-EVENTS] a failed liveness probe leaves Unhealthy and Killing events from the kubelet', async () => {
    const budget = new Budget(spec('PROBES-LIVENESS-FAILURE-EVENTS').timeout);
    const pod = await ns.cluster.core.readNamespacedPod({ name: 'events', namespace: ns.name });
    const events = await pollUntil(() => podEvents(ns.cluster, ns.name, 'events'), {
      what: 'Unhealthy and Killing events of pod events',
      timeoutMs: budget.left(),
      done: (list) =>
        list.some((e) => e.reason === 'Unhealthy') &&
        list.some((e) => e.reason === 'Killing' && e.message?.includes('failed liveness probe')),
      describe: (list) => JSON.stringify(list?.map((e) => [e.reason, e.message]) ?? []),
    });
    const unhealthy = events.find((e) => e.reason === 'Unhealthy')!;
    const killing = events.find(
      (e) => e.reason === 'Killing' && e.message?.includes('failed liveness probe'),
    )!;
    expect(unhealthy.type).to.equal('Warning');
    expect(unhealthy.message).to.match(/^Liveness probe failed: /);
    expect(killing.type).to.equal('Normal');
    expect(killing.message).to.equal('Container probed failed liveness probe, will be restarted');
    for (const event of [unhealthy, killing]) {
      expect(event.involvedObject.fieldPath, 'involvedObject.fieldPath').to.equal('spec.containers{probed}');
      expect(event.involvedObject.uid, 'involvedObject.uid').to.equal(pod.metadata?.uid);
      expect(event.source?.component, 'source.component').to.equal('kubelet');
      expect(event.source?.host, 'source.host').to.equal(pod.spec?.nodeName);
    }
  });

  it(
    '[PROBES-LIVENESS-EXEC-NO-RESTART] a container passing its exec liveness probe is never restarted',
    liveness('PROBES-LIVENESS-EXEC-NO-RESTART', 'exec-alive', 'busybox', 0),
  );

  it(
    '[PROBES-LIVENESS-HTTP-NO-RESTART] a container answering /healthz is never restarted',
    liveness('PROBES-LIVENESS-HTTP-NO-RESTART', 'http-alive', 'liveness', 0),
  );

  it(
    '[PROBES-LIVENESS-TCP-NO-RESTART] a container accepting on its probed port is never restarted',
    liveness('PROBES-LIVENESS-TCP-NO-RESTART', 'tcp-alive', 'liveness', 0),
  );
});
