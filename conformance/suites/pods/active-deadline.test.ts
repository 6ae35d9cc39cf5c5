// activeDeadlineSeconds: a pod may run on its node only so long; past the deadline the node fails
// the pod (reason DeadlineExceeded) and stops its containers, whatever its restart policy. As
// upstream's "Pods should allow activeDeadlineSeconds to be updated", the deadline is added to a
// pod that already runs, the one change to it the API allows.
import { expect } from 'chai';
import * as k8s from '@kubernetes/client-node';
import { useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget } from '../../lib/wait.ts';
import {
  busybox,
  containerOf,
  createPods,
  createServiceAccount,
  podUntil,
  probePod,
} from '../probes/probe-pods.ts';

const DEADLINE_SECONDS = 5;

describe('pods: active deadline', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('pods-deadline');

  before(async function () {
    this.timeout(60_000);
    await createServiceAccount(ns.cluster, ns.name);
  });

  it('[PODS-ACTIVE-DEADLINE] a running pod given activeDeadlineSeconds fails with DeadlineExceeded once it passes', async () => {
    const budget = new Budget(spec('PODS-ACTIVE-DEADLINE').timeout);
    await createPods(ns.cluster, ns.name, [probePod('deadline', [busybox('main', 'sleep 600')])]);
    const running = await podUntil(
      ns.cluster,
      ns.name,
      'deadline',
      'running',
      (p) => Boolean(containerOf(p, 'main')?.state?.running),
      budget.left(),
    );
    const patched = await ns.cluster.core.patchNamespacedPod(
      { name: 'deadline', namespace: ns.name, body: { spec: { activeDeadlineSeconds: DEADLINE_SECONDS } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    expect(patched.spec?.activeDeadlineSeconds).to.equal(DEADLINE_SECONDS);

    const failed = await podUntil(
      ns.cluster,
      ns.name,
      'deadline',
      'Failed with its container stopped',
      (p) => p.status?.phase === 'Failed' && Boolean(containerOf(p, 'main')?.state?.terminated),
      budget.left(),
    );
    expect(failed.status?.reason, 'status.reason').to.equal('DeadlineExceeded');
    const main = containerOf(failed, 'main')!;
    expect(main.restartCount, 'restarts after the deadline').to.equal(
      containerOf(running, 'main')!.restartCount,
    );
    // Not before the deadline: the container ran at least that long from the pod's start.
    const started = new Date(running.status!.startTime!).getTime();
    const finished = new Date(main.state!.terminated!.finishedAt!).getTime();
    expect(finished - started, 'ms from the pod’s start to the container’s end').to.be.at.least(
      DEADLINE_SECONDS * 1000 - 1000,
    );

    // The phase is final: a later read still says Failed, and nothing runs again.
    const later = await ns.cluster.core.readNamespacedPod({ name: 'deadline', namespace: ns.name });
    expect(later.status?.phase).to.equal('Failed');
    expect(containerOf(later, 'main')?.state?.running, 'running again').to.equal(undefined);
  });
});
