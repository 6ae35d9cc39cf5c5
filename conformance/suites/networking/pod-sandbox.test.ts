// The pod as one sandbox seen through the API: the infrastructure container stays invisible,
// logs and exec reach the named container, and one container restarting leaves its siblings and
// the pod's network as they were.
import type { V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import { execInPod } from '../../lib/exec.ts';
import { useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { rejection } from '../../lib/status.ts';
import { Budget, pollUntil } from '../../lib/wait.ts';
import {
  busybox,
  createServiceAccount,
  EXEC_TIMEOUT_MS,
  httpMustAnswer,
  httpServer,
  idle,
  ownAddresses,
  pickNodes,
  podOn,
  runPods,
  waitForPod,
} from './net-pods.ts';

const RFC3339_LINE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}) /;

describe('networking: the pod sandbox through the API', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('net-sandbox');

  before(async function () {
    this.timeout(60_000);
    await createServiceAccount(ns.cluster, ns.name);
  });

  it('[NETWORKING-INFRA-CONTAINER-INVISIBLE] a two-container pod shows exactly its two containers', async () => {
    const budget = new Budget(spec('NETWORKING-INFRA-CONTAINER-INVISIBLE').timeout);
    const { cluster } = ns;
    const [node] = await pickNodes(cluster, 1);
    const [pod] = await runPods(
      cluster,
      ns.name,
      [podOn(node!, 'pair', [idle('alpha'), idle('beta')])],
      budget.left(),
    );
    const statuses = pod!.status?.containerStatuses ?? [];
    expect(statuses.map((s) => s.name).sort(), 'container status names').to.deep.equal(['alpha', 'beta']);
    expect(pod!.status?.initContainerStatuses ?? [], 'init container statuses').to.deep.equal([]);
    expect(pod!.status?.ephemeralContainerStatuses ?? [], 'ephemeral container statuses').to.deep.equal([]);
    for (const status of statuses) {
      expect(status.restartCount, `restartCount of ${status.name}`).to.equal(0);
      expect(status.state?.running, `state of ${status.name}`).to.not.equal(undefined);
      expect(status.containerID, `containerID of ${status.name}`).to.match(/^[a-z0-9]+:\/\/\S+$/);
    }
    expect(new Set(statuses.map((s) => s.containerID)).size, 'distinct containerIDs').to.equal(2);

    const refused = await rejection(
      'pods/log without a container',
      cluster.core.readNamespacedPodLog({ name: 'pair', namespace: ns.name }),
    );
    expect(refused.code, 'HTTP status').to.equal(400);
    expect(refused.status.message).to.equal(
      'a container name must be specified for pod pair, choose one of: [alpha beta]',
    );
  });

  it('[NETWORKING-POD-LOGS] pods/log returns the output, the last lines with tailLines, and timestamps', async () => {
    const budget = new Budget(spec('NETWORKING-POD-LOGS').timeout);
    const { cluster } = ns;
    const [node] = await pickNodes(cluster, 1);
    // stdout and stderr are collected separately (upstream too): a pause orders the stderr line.
    const script = 'for i in 1 2 3 4; do echo "out-$i"; done; sleep 1; echo "err-5" >&2; exec sleep 3600';
    await runPods(cluster, ns.name, [podOn(node!, 'talker', [busybox('main', script)])], budget.left());
    const read = (options: { tailLines?: number; timestamps?: boolean } = {}) =>
      cluster.core.readNamespacedPodLog({
        name: 'talker',
        namespace: ns.name,
        container: 'main',
        ...options,
      });
    const lines = (text: string) => text.split('\n').filter((l) => l !== '');
    // The output may reach the log a moment after the container started.
    const all = await pollUntil(read, {
      what: 'all five lines in the log of talker/main',
      timeoutMs: budget.left(),
      done: (text) => lines(text).length >= 5,
      describe: (text) => `log so far: ${JSON.stringify(text)}`,
    });
    expect(lines(all)).to.deep.equal(['out-1', 'out-2', 'out-3', 'out-4', 'err-5']);
    expect(lines(await read({ tailLines: 2 })), 'tailLines=2').to.deep.equal(['out-4', 'err-5']);
    const stamped = lines(await read({ timestamps: true }));
    expect(stamped, 'timestamps=true').to.have.length(5);
    for (const [i, line] of stamped.entries()) {
      expect(line, 'a timestamped line').to.match(RFC3339_LINE);
      expect(line.replace(RFC3339_LINE, '')).to.equal(lines(all)[i]);
    }
  });

  it('[NETWORKING-POD-LOGS-PREVIOUS] previous=true returns the log of the instance before the restart', async () => {
    const budget = new Budget(spec('NETWORKING-POD-LOGS-PREVIOUS').timeout);
    const { cluster } = ns;
    const [node] = await pickNodes(cluster, 1);
    // The first instance leaves a mark in an emptyDir (which outlives container restarts) and fails.
    const script =
      'if [ -e /state/ran ]; then echo second-run; exec sleep 3600; fi; touch /state/ran; echo first-run; exit 1';
    const pod = podOn(
      node!,
      'twice',
      [busybox('main', script, { volumeMounts: [{ name: 'state', mountPath: '/state' }] }), idle('steady')],
      { volumes: [{ name: 'state', emptyDir: {} }] },
    );
    await cluster.core.createNamespacedPod({ namespace: ns.name, body: pod });
    await waitForPod(
      cluster,
      ns.name,
      'twice',
      'with main restarted once and running',
      (p: V1Pod | undefined) => {
        const main = p?.status?.containerStatuses?.find((c) => c.name === 'main');
        return main?.restartCount === 1 && main.state?.running !== undefined;
      },
      budget.left(),
    );
    const read = (container: string, previous: boolean) =>
      cluster.core.readNamespacedPodLog({ name: 'twice', namespace: ns.name, container, previous });
    const current = await pollUntil(() => read('main', false), {
      what: 'the current instance of twice/main logging',
      timeoutMs: budget.left(),
      done: (text) => text !== '',
    });
    expect(current.trim(), 'current log').to.equal('second-run');
    expect((await read('main', true)).trim(), 'previous log').to.equal('first-run');
    const refused = await rejection('previous log of a container never restarted', read('steady', true));
    expect(refused.code, 'HTTP status').to.equal(400);
  });

  it('[NETWORKING-POD-EXEC] pods/exec runs in the named container with separate streams and the exit code', async () => {
    const budget = new Budget(spec('NETWORKING-POD-EXEC').timeout);
    const { cluster } = ns;
    const [node] = await pickNodes(cluster, 1);
    await runPods(
      cluster,
      ns.name,
      [
        podOn(node!, 'shell', [
          idle('first'),
          { ...idle('second'), env: [{ name: 'WHO', value: 'second-container' }] },
        ]),
      ],
      budget.left(),
    );
    const target = { namespace: ns.name, pod: 'shell', container: 'second' };
    const ok = await execInPod(
      cluster,
      target,
      ['sh', '-c', 'echo "who=$WHO"; echo to-stderr >&2'],
      EXEC_TIMEOUT_MS,
    );
    expect(ok.exitCode, 'exit code').to.equal(0);
    expect(ok.status.status, 'final Status').to.equal('Success');
    expect(ok.stdout, 'stdout').to.equal('who=second-container\n');
    expect(ok.stderr, 'stderr').to.equal('to-stderr\n');

    const failed = await execInPod(cluster, target, ['sh', '-c', 'echo partial; exit 7'], EXEC_TIMEOUT_MS);
    expect(failed.stdout).to.equal('partial\n');
    expect(failed.status.status, 'final Status').to.equal('Failure');
    expect(failed.status.reason, 'Status reason').to.equal('NonZeroExitCode');
    expect(failed.exitCode, 'ExitCode cause').to.equal(7);

    const other = await execInPod(
      cluster,
      { ...target, container: 'first' },
      ['sh', '-c', 'echo "who=${WHO:-unset}"'],
      EXEC_TIMEOUT_MS,
    );
    expect(other.stdout, 'the other container has its own environment').to.equal('who=unset\n');
  });

  it('[NETWORKING-CONTAINER-RESTART-ISOLATED] one container exiting restarts alone; siblings and the pod IP stay', async () => {
    const budget = new Budget(spec('NETWORKING-CONTAINER-RESTART-ISOLATED').timeout);
    const { cluster } = ns;
    const [node] = await pickNodes(cluster, 1);
    // `flaky` runs until told to stop through a file in its own filesystem, then exits 3.
    const flaky = busybox('flaky', 'while [ ! -e /tmp/stop ]; do sleep 0.2; done; exit 3');
    const [before] = await runPods(
      cluster,
      ns.name,
      [podOn(node!, 'trio', [httpServer('steady'), flaky])],
      budget.left(),
    );
    const statusOf = (pod: V1Pod | undefined, name: string) =>
      pod?.status?.containerStatuses?.find((c) => c.name === name);
    const steadyBefore = statusOf(before, 'steady')!;
    const flakyBefore = statusOf(before, 'flaky')!;

    await execInPod(
      cluster,
      { namespace: ns.name, pod: 'trio', container: 'flaky' },
      ['touch', '/tmp/stop'],
      EXEC_TIMEOUT_MS,
    );
    const after = await waitForPod(
      cluster,
      ns.name,
      'trio',
      'with flaky restarted and running again',
      (p) => {
        const s = statusOf(p, 'flaky');
        return s?.restartCount === 1 && s.state?.running !== undefined;
      },
      budget.left(),
    );
    const flakyAfter = statusOf(after, 'flaky')!;
    const steadyAfter = statusOf(after, 'steady')!;
    expect(flakyAfter.containerID, 'flaky is a new container').to.not.equal(flakyBefore.containerID);
    expect(flakyAfter.lastState?.terminated?.exitCode, 'flaky lastState exit code').to.equal(3);
    expect(steadyAfter.containerID, 'steady containerID').to.equal(steadyBefore.containerID);
    expect(steadyAfter.restartCount, 'steady restartCount').to.equal(0);
    expect(steadyAfter.state?.running?.startedAt, 'steady startedAt').to.deep.equal(
      steadyBefore.state?.running?.startedAt,
    );
    expect(after.status?.podIP, 'pod IP').to.equal(before!.status?.podIP);

    // The new flaky container is in the same network namespace as before.
    expect(await ownAddresses(cluster, ns.name, 'trio', 'flaky'), 'flaky addresses').to.include(
      before!.status!.podIP,
    );
    const answer = await httpMustAnswer(
      cluster,
      ns.name,
      { pod: 'trio', container: 'flaky' },
      '127.0.0.1',
      budget.left(),
    );
    expect(answer.host, 'hostname over localhost').to.equal('trio');
  });
});
