// Init containers, as upstream's init_container.go checks them: they run in order, each to
// completion, before any app container; a failure fails a Never pod and is retried otherwise, and
// the app containers never start meanwhile.
import { expect } from 'chai';
import type { V1ContainerStatus, V1Pod } from '@kubernetes/client-node';
import { useTestNamespace } from '../../lib/namespace.ts';
import { logLines } from '../../lib/pods.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget } from '../../lib/wait.ts';
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

/** Never started: waiting, with no container behind it. */
const neverStarted = (status: V1ContainerStatus | undefined): boolean =>
  Boolean(status?.state?.waiting) && !status?.lastState?.terminated && (status?.restartCount ?? 0) === 0;

/** What follows the failing init1 (init2, then the app container run1) has never started. */
function expectNothingStartedAfterInit1(pod: V1Pod): void {
  for (const [name, status] of [
    ['init2', initContainerOf(pod, 'init2')],
    ['run1', containerOf(pod, 'run1')],
  ] as const) {
    expect(neverStarted(status), `${name} never started: ${JSON.stringify(status)}`).to.equal(true);
  }
}

describe('lifecycle: init containers', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('lifecycle-init');

  before(async function () {
    this.timeout(60_000);
    await createServiceAccount(ns.cluster, ns.name);
  });

  it('[LIFECYCLE-INIT-ORDER-RESTART-ALWAYS] init containers run in order to completion before the app container', async () => {
    const budget = new Budget(spec('LIFECYCLE-INIT-ORDER-RESTART-ALWAYS').timeout);
    const mount = { volumeMounts: [{ name: 'shared', mountPath: '/shared' }] };
    await createPods(ns.cluster, ns.name, [
      probePod('init-always', [busybox('run1', 'cat /shared/log; sleep 600', mount)], {
        restartPolicy: 'Always',
        volumes: [{ name: 'shared', emptyDir: {} }],
        initContainers: [
          busybox('init1', 'sleep 2; echo init1 >> /shared/log', mount),
          busybox('init2', 'echo init2 >> /shared/log', mount),
        ],
      }),
    ]);
    const pod = await podUntil(
      ns.cluster,
      ns.name,
      'init-always',
      'Running and Ready',
      (p) => p.status?.phase === 'Running' && conditionOf(p, 'Ready')?.status === 'True',
      budget.left(),
    );
    for (const name of ['init1', 'init2']) {
      const status = initContainerOf(pod, name);
      expect(status?.state?.terminated, `${name} state`).to.deep.include({
        exitCode: 0,
        reason: 'Completed',
      });
      expect(status?.ready, `${name} ready`).to.equal(true);
    }
    expect(conditionOf(pod, 'Initialized')?.status, 'Initialized').to.equal('True');
    expect(
      await logLines(ns.cluster, ns.name, 'init-always', 'run1'),
      'what the init containers wrote, in order',
    ).to.deep.equal(['init1', 'init2']);
  });

  it('[LIFECYCLE-INIT-RESTART-NEVER] a Never pod whose init and app containers succeed ends Succeeded', async () => {
    const budget = new Budget(spec('LIFECYCLE-INIT-RESTART-NEVER').timeout);
    await createPods(ns.cluster, ns.name, [
      probePod('init-never', [busybox('run1', 'true')], {
        restartPolicy: 'Never',
        initContainers: [busybox('init1', 'true'), busybox('init2', 'true')],
      }),
    ]);
    const pod = await podUntil(
      ns.cluster,
      ns.name,
      'init-never',
      'Succeeded',
      (p) => p.status?.phase === 'Succeeded',
      budget.left(),
    );
    for (const name of ['init1', 'init2']) {
      expect(initContainerOf(pod, name)?.state?.terminated?.exitCode, `${name} exit code`).to.equal(0);
      expect(initContainerOf(pod, name)?.restartCount, `${name} restartCount`).to.equal(0);
    }
    expect(containerOf(pod, 'run1')?.state?.terminated?.exitCode, 'run1 exit code').to.equal(0);
  });

  it('[LIFECYCLE-INIT-FAIL-NEVER] a failing init container fails a Never pod; nothing after it starts', async () => {
    const budget = new Budget(spec('LIFECYCLE-INIT-FAIL-NEVER').timeout);
    await createPods(ns.cluster, ns.name, [
      probePod('init-fail-never', [busybox('run1', 'sleep 600')], {
        restartPolicy: 'Never',
        initContainers: [busybox('init1', 'exit 3'), busybox('init2', 'true')],
      }),
    ]);
    const pod = await podUntil(
      ns.cluster,
      ns.name,
      'init-fail-never',
      'Failed',
      (p) => p.status?.phase === 'Failed',
      budget.left(),
    );
    expect(initContainerOf(pod, 'init1')?.state?.terminated?.exitCode, 'init1 exit code').to.equal(3);
    expect(initContainerOf(pod, 'init1')?.restartCount, 'init1 restartCount').to.equal(0);
    expectNothingStartedAfterInit1(pod);
    expect(conditionOf(pod, 'Initialized')).to.deep.include({
      status: 'False',
      reason: 'ContainersNotInitialized',
    });
  });

  it('[LIFECYCLE-INIT-FAIL-ALWAYS] a failing init container is retried in an Always pod; nothing after it starts', async () => {
    const budget = new Budget(spec('LIFECYCLE-INIT-FAIL-ALWAYS').timeout);
    await createPods(ns.cluster, ns.name, [
      probePod('init-fail-always', [busybox('run1', 'sleep 600')], {
        restartPolicy: 'Always',
        initContainers: [busybox('init1', 'exit 1'), busybox('init2', 'true')],
      }),
    ]);
    const pod = await podUntil(
      ns.cluster,
      ns.name,
      'init-fail-always',
      'init1 restarted 3 times',
      (p) => (initContainerOf(p, 'init1')?.restartCount ?? 0) >= 3,
      budget.left(),
    );
    expect(pod.status?.phase, 'phase').to.equal('Pending');
    expectNothingStartedAfterInit1(pod);
    expect(conditionOf(pod, 'Initialized')?.status, 'Initialized').to.equal('False');
  });
});
