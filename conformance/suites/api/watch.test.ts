// Watches on ConfigMaps: replay from a resourceVersion, restart, selectors, initial state and order.
// Absence of an event is shown by ordering, never by waiting: a later change is made and the next
// event must be that change.
import type { V1ConfigMap } from '@kubernetes/client-node';
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget, WatchStream, type WatchEvent, type WatchQuery } from '../../lib/wait.ts';

type ConfigMapEvent = WatchEvent<V1ConfigMap>;

function summary(event: ConfigMapEvent): string {
  return `${event.type} ${event.object.metadata?.name}`;
}

describe('api: watch', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('api-watch');
  const streams: WatchStream<V1ConfigMap>[] = [];

  afterEach(() => {
    for (const stream of streams.splice(0)) stream.close();
  });

  const path = () => `/api/v1/namespaces/${ns.name}/configmaps`;

  async function watch(query: WatchQuery): Promise<WatchStream<V1ConfigMap>> {
    const stream = await WatchStream.open<V1ConfigMap>(ns.cluster, path(), query);
    streams.push(stream);
    return stream;
  }

  async function listResourceVersion(): Promise<string> {
    const list = await ns.cluster.core.listNamespacedConfigMap({ namespace: ns.name });
    return list.metadata!.resourceVersion!;
  }

  async function create(name: string, labels: Record<string, string>, mutation = '0'): Promise<V1ConfigMap> {
    return ns.cluster.core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name, labels }, data: { mutation } },
    });
  }

  /** Read-modify-write; answers the stored object. */
  async function update(
    name: string,
    change: { mutation?: string; labels?: Record<string, string> },
  ): Promise<V1ConfigMap> {
    const current = await ns.cluster.core.readNamespacedConfigMap({ name, namespace: ns.name });
    return ns.cluster.core.replaceNamespacedConfigMap({
      name,
      namespace: ns.name,
      body: {
        metadata: { ...current.metadata, ...(change.labels ? { labels: change.labels } : {}) },
        data: change.mutation === undefined ? current.data : { ...current.data, mutation: change.mutation },
      },
    });
  }

  async function remove(name: string): Promise<void> {
    await ns.cluster.core.deleteNamespacedConfigMap({ name, namespace: ns.name });
  }

  it('[API-WATCH-FROM-RESOURCEVERSION] a watch from a resourceVersion replays exactly the later changes, in order', async () => {
    const budget = new Budget(spec('API-WATCH-FROM-RESOURCEVERSION').timeout);
    const name = 'from-rv';
    await create(name, { 'watch-test': 'from-rv' });
    const first = await update(name, { mutation: '1' });
    const second = await update(name, { mutation: '2' });
    const third = await update(name, { mutation: '3' });
    await remove(name);

    const stream = await watch({
      resourceVersion: first.metadata!.resourceVersion,
      fieldSelector: `metadata.name=${name}`,
    });
    const events = await stream.take(
      3,
      `changes after resourceVersion ${first.metadata!.resourceVersion}`,
      budget.left(),
    );
    expect(events.map(summary)).to.deep.equal([`MODIFIED ${name}`, `MODIFIED ${name}`, `DELETED ${name}`]);
    expect(events[0]!.object.data).to.deep.equal({ mutation: '2' });
    expect(events[0]!.object.metadata?.resourceVersion).to.equal(second.metadata?.resourceVersion);
    expect(events[1]!.object.data).to.deep.equal({ mutation: '3' });
    expect(events[1]!.object.metadata?.resourceVersion).to.equal(third.metadata?.resourceVersion);

    await create(name, { 'watch-test': 'from-rv' }, 'again');
    const next = await stream.next('ADDED for the re-created configmap', budget.left());
    expect(summary(next), 'the event after DELETED').to.equal(`ADDED ${name}`);
    expect(next.object.data).to.deep.equal({ mutation: 'again' });
  });

  it('[API-WATCH-RESTART] a watch reopened from the last seen resourceVersion continues without gaps or repeats', async () => {
    const budget = new Budget(spec('API-WATCH-RESTART').timeout);
    const name = 'restart';
    const created = await create(name, { 'watch-test': 'restart' });
    const query = { fieldSelector: `metadata.name=${name}` };
    const firstWatch = await watch({ ...query, resourceVersion: created.metadata!.resourceVersion });
    await update(name, { mutation: '1' });
    await update(name, { mutation: '2' });
    const seen = await firstWatch.take(2, 'the first two updates', budget.left());
    expect(seen.map((e) => `${summary(e)} ${e.object.data?.mutation}`)).to.deep.equal([
      `MODIFIED ${name} 1`,
      `MODIFIED ${name} 2`,
    ]);
    firstWatch.close();

    await update(name, { mutation: '3' });
    await remove(name);
    const lastSeen = seen[1]!.object.metadata!.resourceVersion!;
    const secondWatch = await watch({ ...query, resourceVersion: lastSeen });
    const missed = await secondWatch.take(2, `changes after resourceVersion ${lastSeen}`, budget.left());
    expect(missed.map((e) => `${summary(e)} ${e.object.data?.mutation}`)).to.deep.equal([
      `MODIFIED ${name} 3`,
      `DELETED ${name} 3`,
    ]);
    await create(name, { 'watch-test': 'restart' }, 'again');
    expect(summary(await secondWatch.next('ADDED for the re-created configmap', budget.left()))).to.equal(
      `ADDED ${name}`,
    );
  });

  it('[API-WATCH-LABEL-SELECTOR] label-selected watches see the add, update and delete of matching objects only', async () => {
    const budget = new Budget(spec('API-WATCH-LABEL-SELECTOR').timeout);
    const from = await listResourceVersion();
    const watchA = await watch({ labelSelector: 'watch-this=A', resourceVersion: from });
    const watchB = await watch({ labelSelector: 'watch-this=B', resourceVersion: from });
    const watchAB = await watch({ labelSelector: 'watch-this in (A,B)', resourceVersion: from });

    await create('multi-a', { 'watch-this': 'A' });
    await update('multi-a', { mutation: '1' });
    await update('multi-a', { mutation: '2' });
    await remove('multi-a');
    await create('multi-b', { 'watch-this': 'B' });
    await update('multi-b', { mutation: '1' });
    await remove('multi-b');

    const lifeOfA = ['ADDED multi-a', 'MODIFIED multi-a', 'MODIFIED multi-a', 'DELETED multi-a'];
    const lifeOfB = ['ADDED multi-b', 'MODIFIED multi-b', 'DELETED multi-b'];
    expect((await watchA.take(4, 'watch A', budget.left())).map(summary)).to.deep.equal(lifeOfA);
    expect(
      (await watchB.take(3, 'watch B', budget.left())).map(summary),
      'watch B sees nothing of A',
    ).to.deep.equal(lifeOfB);
    expect((await watchAB.take(7, 'watch A or B', budget.left())).map(summary)).to.deep.equal([
      ...lifeOfA,
      ...lifeOfB,
    ]);

    // Watch A must not have seen B's changes: its next event is this later A-labelled create.
    await create('multi-a-sentinel', { 'watch-this': 'A' });
    expect(
      summary(await watchA.next('the sentinel on watch A', budget.left())),
      'watch A sees nothing of B',
    ).to.equal('ADDED multi-a-sentinel');
  });

  it('[API-WATCH-SELECTOR-TRANSITION] an object leaving a watch selector is DELETED, and ADDED when it matches again', async () => {
    const budget = new Budget(spec('API-WATCH-SELECTOR-TRANSITION').timeout);
    const name = 'label-changed';
    const matching = { 'watch-this': 'label-changed' };
    const stream = await watch({
      labelSelector: 'watch-this=label-changed',
      resourceVersion: await listResourceVersion(),
    });

    await create(name, matching);
    await update(name, { mutation: '1' });
    await update(name, { labels: { 'watch-this': 'wrong-value' } });
    await update(name, { mutation: '2' }); // not matching: no event
    await update(name, { labels: matching });
    await update(name, { mutation: '3' });
    await remove(name);

    const events = await stream.take(6, 'the selector transitions', budget.left());
    expect(events.map(summary)).to.deep.equal([
      `ADDED ${name}`,
      `MODIFIED ${name}`,
      `DELETED ${name}`,
      `ADDED ${name}`,
      `MODIFIED ${name}`,
      `DELETED ${name}`,
    ]);
    expect(events[1]!.object.data?.mutation).to.equal('1');
    expect(
      events[3]!.object.data?.mutation,
      'ADDED again carries the change made while not matching',
    ).to.equal('2');
    expect(events[3]!.object.metadata?.labels).to.deep.equal(matching);
    expect(events[4]!.object.data?.mutation).to.equal('3');
  });

  it('[API-WATCH-INITIAL-STATE] a watch without resourceVersion starts with ADDED for every matching object', async () => {
    const budget = new Budget(spec('API-WATCH-INITIAL-STATE').timeout);
    for (const name of ['init-1', 'init-2', 'init-3']) await create(name, { 'watch-init': 'yes' });
    await create('init-other', { 'watch-init': 'no' });

    const stream = await watch({ labelSelector: 'watch-init=yes' });
    const initial = await stream.take(3, 'the initial ADDED events', budget.left());
    expect(initial.map(summary).sort()).to.deep.equal(['ADDED init-1', 'ADDED init-2', 'ADDED init-3']);

    await update('init-2', { mutation: 'later' });
    const next = await stream.next('MODIFIED after the initial state', budget.left());
    expect(summary(next)).to.equal('MODIFIED init-2');
    expect(next.object.data?.mutation).to.equal('later');
  });

  it('[API-WATCH-CONCURRENT-ORDER] watches from the same resourceVersion deliver the same events in the same order', async () => {
    const budget = new Budget(spec('API-WATCH-CONCURRENT-ORDER').timeout);
    const labels = { 'watch-order': 'yes' };
    const query = { labelSelector: 'watch-order=yes' };
    const from = await listResourceVersion();
    const early = await watch({ ...query, resourceVersion: from });

    await create('order-1', labels);
    await create('order-2', labels);
    await create('order-3', labels);
    await update('order-1', { mutation: '1' });
    await update('order-2', { mutation: '1' });
    await remove('order-3');
    await update('order-1', { mutation: '2' });
    await create('order-4', labels);
    await remove('order-2');
    await update('order-4', { mutation: '1' });

    const late1 = await watch({ ...query, resourceVersion: from });
    const late2 = await watch({ ...query, resourceVersion: from });
    const signature = (e: ConfigMapEvent) => `${summary(e)} rv=${e.object.metadata?.resourceVersion}`;
    const reference = await early.take(10, 'the watch opened before the writes', budget.left());
    expect(reference.map(summary)).to.deep.equal([
      'ADDED order-1',
      'ADDED order-2',
      'ADDED order-3',
      'MODIFIED order-1',
      'MODIFIED order-2',
      'DELETED order-3',
      'MODIFIED order-1',
      'ADDED order-4',
      'DELETED order-2',
      'MODIFIED order-4',
    ]);
    for (const [label, stream] of [
      ['first watch opened after the writes', late1],
      ['second watch opened after the writes', late2],
    ] as const) {
      const events = await stream.take(10, label, budget.left());
      expect(events.map(signature), label).to.deep.equal(reference.map(signature));
    }

    const middle = reference[4]!.object.metadata!.resourceVersion!;
    const fromMiddle = await watch({ ...query, resourceVersion: middle });
    const rest = await fromMiddle.take(5, `events after resourceVersion ${middle}`, budget.left());
    expect(rest.map(signature)).to.deep.equal(reference.slice(5).map(signature));
  });
});
