// Restartable init containers (sidecars, KEP-753, GA in 1.33): an init container with
// restartPolicy Always starts in order, lets the next one start once it has started, keeps running
// beside the app containers, is restarted whenever it exits, never keeps a pod from completing, and
// is stopped after the app containers when the pod is deleted. Evidence comes from the API (statuses,
// logs) and, for the stop order, from a handler pod (busybox httpd -vv) the containers call on
// SIGTERM, reached by pod IP from inside the cluster.
import { expect } from 'chai';
import type { V1Container } from '@kubernetes/client-node';
import { useTestNamespace } from '../../lib/namespace.ts';
import { logLines } from '../../lib/pods.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget, pollUntil } from '../../lib/wait.ts';
import {
  busybox,
  conditionOf,
  containerOf,
  createPods,
  createServiceAccount,
  initContainerOf,
  podUntil,
  probePod,
} from '../probes/probe-pods.ts';

const HANDLER_PORT = 8080;
const DELETE_GRACE_SECONDS = 15;
const STOP_EVIDENCE_MS = 30_000;

const sidecar = (name: string, script: string, extra: Partial<V1Container> = {}): V1Container =>
  busybox(name, script, { restartPolicy: 'Always', ...extra });

describe('lifecycle: sidecar (restartable init) containers', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('lifecycle-sidecar');

  before(async function () {
    this.timeout(60_000);
    await createServiceAccount(ns.cluster, ns.name);
  });

  it('[LIFECYCLE-SIDECAR-START-ORDER] a sidecar starts first, lets the next init container start once started, and runs beside the app', async () => {
    const budget = new Budget(spec('LIFECYCLE-SIDECAR-START-ORDER').timeout);
    const mount = { volumeMounts: [{ name: 'shared', mountPath: '/shared' }] };
    await createPods(ns.cluster, ns.name, [
      probePod('sidecar-order', [busybox('main', 'cat /shared/log; exec sleep 600', mount)], {
        volumes: [{ name: 'shared', emptyDir: {} }],
        initContainers: [
          // started only once its line is written, two seconds in
          sidecar('proxy', 'sleep 2; echo proxy >> /shared/log; exec sleep 600', {
            ...mount,
            startupProbe: {
              exec: { command: ['grep', '-q', 'proxy', '/shared/log'] },
              periodSeconds: 1,
              failureThreshold: 30,
            },
          }),
          busybox('setup', 'echo setup >> /shared/log', mount),
        ],
      }),
    ]);
    const pod = await podUntil(
      ns.cluster,
      ns.name,
      'sidecar-order',
      'Running and Ready',
      (p) => p.status?.phase === 'Running' && conditionOf(p, 'Ready')?.status === 'True',
      budget.left(),
    );
    const proxy = initContainerOf(pod, 'proxy');
    expect(proxy?.state?.running, 'the sidecar runs').to.not.equal(undefined);
    expect(proxy, 'the sidecar status').to.deep.include({ started: true, ready: true, restartCount: 0 });
    expect(initContainerOf(pod, 'setup')?.state?.terminated).to.deep.include({
      exitCode: 0,
      reason: 'Completed',
    });
    expect(containerOf(pod, 'main')?.state?.running, 'the app container runs').to.not.equal(undefined);
    expect(conditionOf(pod, 'Initialized')?.status).to.equal('True');
    expect(
      await logLines(ns.cluster, ns.name, 'sidecar-order', 'main'),
      'the order the init containers wrote in',
    ).to.deep.equal(['proxy', 'setup']);
  });

  it('[LIFECYCLE-SIDECAR-RESTART] a sidecar that exits is restarted, also in a Never pod, while the app keeps running', async () => {
    const budget = new Budget(spec('LIFECYCLE-SIDECAR-RESTART').timeout);
    await createPods(ns.cluster, ns.name, [
      probePod('sidecar-restart', [busybox('main', 'exec sleep 600')], {
        restartPolicy: 'Never',
        initContainers: [sidecar('proxy', 'sleep 2; exit 0')],
      }),
    ]);
    const pod = await podUntil(
      ns.cluster,
      ns.name,
      'sidecar-restart',
      'the sidecar restarted twice',
      (p) => (initContainerOf(p, 'proxy')?.restartCount ?? 0) >= 2,
      budget.left(),
    );
    expect(pod.status?.phase).to.equal('Running');
    const main = containerOf(pod, 'main');
    expect(main?.state?.running, 'the app container runs').to.not.equal(undefined);
    expect(main?.restartCount).to.equal(0);
  });

  it('[LIFECYCLE-SIDECAR-POD-COMPLETION] a running sidecar does not keep a Never pod from succeeding', async () => {
    const budget = new Budget(spec('LIFECYCLE-SIDECAR-POD-COMPLETION').timeout);
    await createPods(ns.cluster, ns.name, [
      probePod('sidecar-done', [busybox('main', 'sleep 3; exit 0')], {
        restartPolicy: 'Never',
        initContainers: [sidecar('proxy', 'exec sleep 600')],
      }),
    ]);
    const pod = await podUntil(
      ns.cluster,
      ns.name,
      'sidecar-done',
      'phase Succeeded',
      (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed',
      budget.left(),
    );
    expect(pod.status?.phase).to.equal('Succeeded');
    expect(containerOf(pod, 'main')?.state?.terminated?.exitCode).to.equal(0);
    expect(initContainerOf(pod, 'proxy')?.state?.terminated, 'the sidecar was stopped').to.not.equal(
      undefined,
    );
  });

  it('[LIFECYCLE-SIDECAR-TERMINATION-ORDER] on deletion the app container stops before the sidecar', async () => {
    const budget = new Budget(spec('LIFECYCLE-SIDECAR-TERMINATION-ORDER').timeout);
    await createPods(ns.cluster, ns.name, [
      probePod('stop-handler', [
        busybox('handler', `mkdir -p /www && exec httpd -f -vv -p ${HANDLER_PORT} -h /www`, {
          ports: [{ containerPort: HANDLER_PORT }],
        }),
      ]),
    ]);
    const handler = await podUntil(
      ns.cluster,
      ns.name,
      'stop-handler',
      'running with an IP',
      (p) => Boolean(containerOf(p, 'handler')?.state?.running && p.status?.podIP),
      budget.left(),
    );
    // On SIGTERM: wait `delay` seconds, then tell the handler. The app container waits, the sidecar
    // does not: stopped together, the sidecar's request would come first.
    const send = (path: string, delay: number): string =>
      `trap 'sleep ${delay}; printf "GET ${path} HTTP/1.0\\r\\n\\r\\n" | nc -w 3 ${handler.status!.podIP} ${HANDLER_PORT}; exit 0' TERM; ` +
      'while true; do sleep 1; done';
    await createPods(ns.cluster, ns.name, [
      probePod('sidecar-stop', [busybox('main', send('/app-stopped', 2))], {
        terminationGracePeriodSeconds: DELETE_GRACE_SECONDS,
        initContainers: [sidecar('proxy', send('/sidecar-stopped', 0))],
      }),
    ]);
    await podUntil(
      ns.cluster,
      ns.name,
      'sidecar-stop',
      'Running',
      (p) => Boolean(containerOf(p, 'main')?.state?.running && initContainerOf(p, 'proxy')?.started),
      budget.left(),
    );
    await ns.cluster.core.deleteNamespacedPod({
      name: 'sidecar-stop',
      namespace: ns.name,
      body: { gracePeriodSeconds: DELETE_GRACE_SECONDS },
    });
    const log = await pollUntil(
      () => ns.cluster.core.readNamespacedPodLog({ name: 'stop-handler', namespace: ns.name }),
      {
        what: 'both stop requests in the handler pod’s log',
        timeoutMs: Math.min(STOP_EVIDENCE_MS, budget.left()),
        intervalMs: 1_000,
        done: (text) => text.includes('url:/app-stopped') && text.includes('url:/sidecar-stopped'),
        describe: (text) => `log so far: ${JSON.stringify((text ?? '').slice(-2000))}`,
      },
    );
    expect(log.indexOf('url:/app-stopped'), 'the app container stopped first').to.be.below(
      log.indexOf('url:/sidecar-stopped'),
    );
  });
});
