// Failure diagnostics from end to end, without a cluster: how conformance/lib/diagnostics.ts turns
// pods, container states and events into records (a stand-in API client answers its list and log
// calls), and how reports/src/diagnostics-text.ts renders them for JUnit, TAP and summary.md. The
// host test harness/test/diagnostics.host.test.ts checks the same against a real cluster.
import { expect } from 'chai';
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { Cluster } from '../../conformance/lib/cluster.ts';
import {
  collectDiagnostics,
  describePod,
  describeState,
  eventRecords,
  DIAGNOSTICS_LIMITS,
} from '../../conformance/lib/diagnostics.ts';
import { formatClusterDiagnostics, formatSpecDiagnostics } from '../src/diagnostics-text.ts';
import type { ClusterDiagnostics, SpecResult } from '../src/results.ts';

const crashingPod: V1Pod = {
  metadata: { name: 'web' },
  spec: {
    nodeName: 'kconform-node-1',
    initContainers: [{ name: 'setup', image: 'busybox' }],
    containers: [
      { name: 'app', image: 'busybox' },
      { name: 'never', image: 'missing' },
    ],
  },
  status: {
    phase: 'Running',
    podIP: '10.244.1.7',
    conditions: [
      {
        type: 'Ready',
        status: 'False',
        reason: 'ContainersNotReady',
        message: 'containers with unready status: [app]',
      },
      { type: 'PodScheduled', status: 'True' },
    ],
    initContainerStatuses: [
      {
        name: 'setup',
        image: 'busybox',
        imageID: '',
        ready: true,
        restartCount: 0,
        state: {
          terminated: { exitCode: 0, reason: 'Completed', finishedAt: new Date('2026-01-01T00:00:01Z') },
        },
      },
    ],
    containerStatuses: [
      {
        name: 'app',
        image: 'busybox',
        imageID: '',
        ready: false,
        restartCount: 2,
        state: {
          waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container' },
        },
        lastState: {
          terminated: {
            exitCode: 3,
            reason: 'Error',
            signal: 9,
            message: ' bye \n',
            finishedAt: new Date('2026-01-01T00:00:05Z'),
          },
        },
      },
      {
        name: 'never',
        image: 'missing',
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { waiting: { reason: 'ErrImageNeverPull' } },
      },
    ],
  },
};

const event = (reason: string, time: string | undefined, more: Partial<CoreV1Event> = {}): CoreV1Event => ({
  metadata: {},
  involvedObject: { kind: 'Pod', name: 'web' },
  reason,
  type: 'Normal',
  message: ` ${reason} happened `,
  ...(time ? { lastTimestamp: new Date(time) } : {}),
  ...more,
});

describe('failure diagnostics: collecting', () => {
  it('describes container states as a person reads them', () => {
    expect(describeState({ running: { startedAt: new Date('2026-01-01T00:00:00Z') } })).to.equal(
      'running since 2026-01-01T00:00:00.000Z',
    );
    expect(describeState({ waiting: {} })).to.equal('waiting');
    expect(describeState({ waiting: { reason: 'ContainerCreating' } })).to.equal(
      'waiting: ContainerCreating',
    );
    expect(describeState(crashingPod.status!.containerStatuses![0]!.lastState)).to.equal(
      'terminated: Error, exit code 3, signal 9 (bye) at 2026-01-01T00:00:05.000Z',
    );
    expect(describeState({ terminated: { exitCode: 137 } })).to.equal('terminated: no reason, exit code 137');
    expect(describeState(undefined)).to.equal('no status yet');
  });

  it('keeps the newest events, oldest first, with their object and count', () => {
    const records = eventRecords(
      [
        event('Started', '2026-01-01T00:00:03Z'),
        event('Scheduled', '2026-01-01T00:00:01Z', { type: 'Normal' }),
        event('BackOff', '2026-01-01T00:00:09Z', { type: 'Warning', count: 4 }),
        event('Pulled', undefined, { eventTime: new Date('2026-01-01T00:00:02Z') }),
      ],
      3,
    );
    expect(records).to.deep.equal([
      {
        time: '2026-01-01T00:00:02.000Z',
        type: 'Normal',
        reason: 'Pulled',
        object: 'Pod/web',
        message: 'Pulled happened',
        count: 1,
      },
      {
        time: '2026-01-01T00:00:03.000Z',
        type: 'Normal',
        reason: 'Started',
        object: 'Pod/web',
        message: 'Started happened',
        count: 1,
      },
      {
        time: '2026-01-01T00:00:09.000Z',
        type: 'Warning',
        reason: 'BackOff',
        object: 'Pod/web',
        message: 'BackOff happened',
        count: 4,
      },
    ]);
  });

  it('reads logs only of containers that ran, and the previous instance after a restart', async () => {
    const asked: string[] = [];
    const pod = await describePod(crashingPod, true, async (container, previous) => {
      asked.push(`${container}${previous ? ' (previous)' : ''}`);
      return `log of ${container}${previous ? ' before' : ''}\n`;
    });
    expect(asked).to.deep.equal(['setup', 'app (previous)']);
    expect(pod).to.deep.equal({
      name: 'web',
      node: 'kconform-node-1',
      phase: 'Running',
      podIP: '10.244.1.7',
      conditions: [
        'Ready=False (ContainersNotReady: containers with unready status: [app])',
        'PodScheduled=True',
      ],
      containers: [
        {
          name: 'setup',
          init: true,
          image: 'busybox',
          ready: true,
          restartCount: 0,
          state: 'terminated: Completed, exit code 0 at 2026-01-01T00:00:01.000Z',
          logs: 'log of setup\n',
        },
        {
          name: 'app',
          init: false,
          image: 'busybox',
          ready: false,
          restartCount: 2,
          state: 'waiting: CrashLoopBackOff (back-off 20s restarting failed container)',
          lastState: 'terminated: Error, exit code 3, signal 9 (bye) at 2026-01-01T00:00:05.000Z',
          previousLogs: 'log of app before\n',
        },
        {
          name: 'never',
          init: false,
          image: 'missing',
          ready: false,
          restartCount: 0,
          state: 'waiting: ErrImageNeverPull',
        },
      ],
    });
    const withoutLogs = await describePod(crashingPod, false, async () => expect.fail('no log is read'));
    expect(
      withoutLogs.containers.every((c) => c.logs === undefined && c.previousLogs === undefined),
    ).to.equal(true);
  });

  it('collects a namespace, names what it could not read, and cuts long logs to their end', async () => {
    const longLog = Array.from({ length: 400 }, (_, i) => `line ${i}`).join('\n');
    const core = {
      listNamespacedPod: async () => ({ items: [crashingPod] }),
      listNamespacedEvent: async () => ({ items: [event('Scheduled', '2026-01-01T00:00:01Z')] }),
      listNamespacedService: async () => ({
        items: [{ metadata: { name: 'web' }, spec: { clusterIP: '10.96.0.9', ports: [{ port: 80 }] } }],
      }),
      listNamespacedEndpoints: async () => ({
        items: [{ metadata: { name: 'web' }, subsets: [{ notReadyAddresses: [{ ip: '10.244.1.7' }] }] }],
      }),
      listNamespacedPersistentVolumeClaim: async () => {
        throw Object.assign(new Error('forbidden'), {
          code: 403,
          body: JSON.stringify({ kind: 'Status', message: 'persistentvolumeclaims is forbidden' }),
        });
      },
      listNamespacedConfigMap: async () => ({
        items: [
          { metadata: { name: 'kube-root-ca.crt' }, data: { 'ca.crt': 'x' } },
          { metadata: { name: 'cfg' }, data: { a: '1', b: '2' } },
        ],
      }),
      readNamespacedPodLog: async ({ container }: { container: string }) =>
        container === 'setup' ? longLog : 'short',
    };
    const collected = await collectDiagnostics(
      { core } as unknown as Cluster,
      'kconform-x-abcde',
      { ...DIAGNOSTICS_LIMITS, logBytes: 100 },
      () => new Date('2026-01-01T00:01:00Z'),
    );
    expect(collected.namespace).to.equal('kconform-x-abcde');
    expect(collected.collectedAt).to.equal('2026-01-01T00:01:00.000Z');
    expect(collected.objects).to.deep.equal([
      'Service web (ClusterIP 10.96.0.9, 80/TCP)',
      'Endpoints web (ready: none; not ready: 10.244.1.7)',
      'ConfigMap cfg (keys: a, b)',
    ]);
    expect(collected.problems).to.deep.equal([
      'list persistentvolumeclaims: HTTP 403: persistentvolumeclaims is forbidden',
    ]);
    const setupLogs = collected.pods[0]!.containers[0]!.logs!;
    expect(setupLogs.startsWith('[… cut to the last 100 bytes]\n')).to.equal(true);
    expect(setupLogs.endsWith('line 399')).to.equal(true);
    expect(Buffer.byteLength(setupLogs.split('\n').slice(1).join('\n'))).to.be.at.most(100);
    expect(collected.pods[0]!.containers[1]!.previousLogs).to.equal('short');
  });
});

const diagnostics: ClusterDiagnostics = {
  namespace: 'kconform-x-abcde',
  collectedAt: '2026-01-01T00:01:00.000Z',
  pods: [
    {
      name: 'web',
      node: 'kconform-node-1',
      phase: 'Running',
      podIP: '10.244.1.7',
      conditions: ['Ready=False (ContainersNotReady)'],
      containers: [
        {
          name: 'app',
          init: false,
          image: 'busybox',
          ready: false,
          restartCount: 2,
          state: 'waiting: CrashLoopBackOff',
          lastState: 'terminated: Error, exit code 3',
          previousLogs: 'hello\nbye\n',
          logs: '',
        },
      ],
    },
    {
      name: 'pending',
      node: '',
      phase: 'Pending',
      reason: 'Unschedulable',
      message: '0/2 nodes',
      conditions: [],
      containers: [],
    },
  ],
  events: [
    { time: '', type: 'Warning', reason: 'BackOff', object: 'Pod/web', message: 'restarting', count: 3 },
    {
      time: '2026-01-01T00:00:01.000Z',
      type: 'Normal',
      reason: 'Scheduled',
      object: 'Pod/web',
      message: 'assigned',
      count: 1,
    },
  ],
  objects: ['Service web (ClusterIP 10.96.0.9, 80/TCP)'],
  problems: ['list events: timed out'],
};

describe('failure diagnostics: rendering as text', () => {
  it('renders a namespace: pods with their containers and logs, events, objects, what was not collected', () => {
    expect(formatClusterDiagnostics(diagnostics).split('\n')).to.deep.equal([
      'namespace kconform-x-abcde (collected 2026-01-01T00:01:00.000Z)',
      'pod web: Running (node kconform-node-1, IP 10.244.1.7)',
      '  condition Ready=False (ContainersNotReady)',
      '  container app (busybox): waiting: CrashLoopBackOff, ready=false, restarts=2',
      '    last state: terminated: Error, exit code 3',
      '    previous logs:',
      '      hello',
      '      bye',
      '    logs:',
      '      (empty)',
      'pod pending: Pending (not scheduled) Unschedulable: 0/2 nodes',
      'events:',
      '  - Warning BackOff Pod/web: restarting (x3)',
      '  2026-01-01T00:00:01.000Z Normal Scheduled Pod/web: assigned',
      'other objects:',
      '  Service web (ClusterIP 10.96.0.9, 80/TCP)',
      'not collected: list events: timed out',
    ]);
    expect(
      formatClusterDiagnostics({ ...diagnostics, pods: [], events: [], objects: [], problems: [] }),
    ).to.equal('namespace kconform-x-abcde (collected 2026-01-01T00:01:00.000Z)\npods: none\nevents: none');
  });

  it("renders a spec's failed attempts and its final failure, and nothing for a spec that passed", () => {
    const spec: SpecResult = {
      id: 'A-B-C',
      area: 'a',
      level: 'MUST',
      feature: 'core',
      status: 'failed',
      durationMs: 10,
      message: 'boom',
      diagnostics: [
        {
          title: 'a [A-B-C] x',
          file: 'f.test.ts',
          status: 'failed',
          durationMs: 10,
          retries: 1,
          error: 'AssertionError: boom\n    at f.test.ts:1',
          cluster: { ...diagnostics, pods: [], events: [], objects: [], problems: [] },
          failedAttempts: [{ durationMs: 5, message: 'first' }],
        },
      ],
    };
    expect(formatSpecDiagnostics(spec)).to.equal(
      [
        'a [A-B-C] x: attempt 1 failed',
        'first',
        '',
        'a [A-B-C] x: failed',
        'AssertionError: boom',
        '    at f.test.ts:1',
        'namespace kconform-x-abcde (collected 2026-01-01T00:01:00.000Z)',
        'pods: none',
        'events: none',
      ].join('\n'),
    );
    const passed: SpecResult = {
      ...spec,
      status: 'passed',
      diagnostics: [{ title: 'a [A-B-C] x', file: 'f', status: 'passed', durationMs: 1, retries: 0 }],
    };
    expect(formatSpecDiagnostics(passed)).to.equal('');
  });
});
