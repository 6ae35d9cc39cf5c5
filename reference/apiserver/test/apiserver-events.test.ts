// events.k8s.io/v1 and core/v1 Events share one storage, as upstream keeps events.k8s.io Events
// as core Events and converts: an event written through either API is read, listed, watched,
// patched and deleted through both.
import { expect } from 'chai';
import request from 'supertest';
import type { ApiObject } from '../src/registry/objects.ts';
import { eventFromCore, eventToCore } from '../src/registry/conversion.ts';
import { findResource } from '../src/resources.ts';
import { startWatch, type WatchEvent } from '../src/registry/watch.ts';
import { startTestApi, type TestApi } from './support/test-api.ts';

const CORE = '/api/v1/namespaces/ns1/events';
const EVENTS = '/apis/events.k8s.io/v1/namespaces/ns1/events';
const regarding = { kind: 'Pod', apiVersion: 'v1', namespace: 'ns1', name: 'web', uid: 'u-1' };

/** An events.k8s.io/v1 Event with every field set. */
const v1Event = (name: string): Record<string, unknown> => ({
  apiVersion: 'events.k8s.io/v1',
  kind: 'Event',
  metadata: { name, labels: { via: 'events' } },
  eventTime: '2024-05-01T10:00:00.123456Z',
  series: { count: 2, lastObservedTime: '2024-05-01T10:05:00.000000Z' },
  reportingController: 'kconform.io/test',
  reportingInstance: 'test-1',
  action: 'Pulling',
  reason: 'Pulling',
  regarding,
  related: { kind: 'Node', name: 'n1' },
  note: 'pulling image',
  type: 'Normal',
  deprecatedSource: { component: 'kubelet', host: 'n1' },
  deprecatedFirstTimestamp: '2024-05-01T10:00:00Z',
  deprecatedLastTimestamp: '2024-05-01T10:05:00Z',
  deprecatedCount: 2,
});

describe('apiserver Events through both APIs (in-process, embedded store)', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
    await request(api.handler)
      .post('/api/v1/namespaces')
      .send({ metadata: { name: 'ns1' } })
      .expect(201);
  });
  afterEach(async () => api.close());

  it('maps every field as upstream conversion does, both ways', () => {
    const v1 = v1Event('e') as ApiObject;
    const core = eventToCore(v1);
    expect(core).to.deep.equal({
      kind: 'Event',
      apiVersion: 'v1',
      metadata: v1.metadata,
      eventTime: v1.eventTime,
      series: v1.series,
      reportingComponent: 'kconform.io/test',
      reportingInstance: 'test-1',
      action: 'Pulling',
      reason: 'Pulling',
      involvedObject: regarding,
      related: v1.related,
      message: 'pulling image',
      type: 'Normal',
      source: { component: 'kubelet', host: 'n1' },
      firstTimestamp: '2024-05-01T10:00:00Z',
      lastTimestamp: '2024-05-01T10:05:00Z',
      count: 2,
    });
    expect(eventFromCore(core)).to.deep.equal(v1);
    // Fields the target type does not have are not carried over.
    expect(eventToCore({ metadata: {}, message: 'core name' } as ApiObject)).to.deep.equal({
      kind: 'Event',
      apiVersion: 'v1',
      metadata: {},
    });
  });

  it('stores an events.k8s.io Event under the core key, readable through core/v1 and back', async () => {
    const created = (await request(api.handler).post(EVENTS).send(v1Event('pull')).expect(201)).body;
    expect(created).to.deep.include({ apiVersion: 'events.k8s.io/v1', kind: 'Event', note: 'pulling image' });
    expect(created.regarding).to.deep.equal(regarding);

    const { kv } = await api.store.get('/registry/events/ns1/pull');
    expect(JSON.parse(kv!.value)).to.deep.include({ apiVersion: 'v1', message: 'pulling image' });
    expect((await api.store.range({ prefix: '/registry/events.k8s.io/' })).kvs).to.deep.equal([]);

    const core = (await request(api.handler).get(`${CORE}/pull`).expect(200)).body;
    expect(core).to.deep.include({
      apiVersion: 'v1',
      kind: 'Event',
      message: 'pulling image',
      reportingComponent: 'kconform.io/test',
      count: 2,
    });
    expect(core.involvedObject).to.deep.equal(regarding);
    expect(core.source).to.deep.equal({ component: 'kubelet', host: 'n1' });
    expect(core.metadata.resourceVersion).to.equal(created.metadata.resourceVersion);
    expect(core.metadata.uid).to.equal(created.metadata.uid);
    expect((await request(api.handler).get(`${EVENTS}/pull`).expect(200)).body).to.deep.equal(created);
  });

  it('shows a core/v1 Event through events.k8s.io/v1, in lists of both and after patches through either', async () => {
    await request(api.handler)
      .post(CORE)
      .send({
        metadata: { name: 'legacy', labels: { via: 'core' } },
        involvedObject: regarding,
        reason: 'Started',
        message: 'started container',
        source: { component: 'kubelet' },
        count: 1,
        type: 'Normal',
      })
      .expect(201);
    await request(api.handler).post(EVENTS).send(v1Event('modern')).expect(201);

    const v1 = (await request(api.handler).get(`${EVENTS}/legacy`).expect(200)).body;
    expect(v1).to.deep.include({ note: 'started container', deprecatedCount: 1, reason: 'Started' });
    expect(v1.regarding).to.deep.equal(regarding);
    expect(v1.deprecatedSource).to.deep.equal({ component: 'kubelet' });
    expect(v1).to.not.have.any.keys('message', 'involvedObject', 'source', 'count');

    const names = (list: { items: Array<{ metadata: { name: string } }> }) =>
      list.items.map((i) => i.metadata.name);
    const coreList = (await request(api.handler).get(CORE).expect(200)).body;
    const v1List = (await request(api.handler).get(EVENTS).expect(200)).body;
    expect(names(coreList)).to.deep.equal(['legacy', 'modern']);
    expect(names(v1List)).to.deep.equal(['legacy', 'modern']);
    expect(v1List.kind).to.equal('EventList');
    expect(v1List.apiVersion).to.equal('events.k8s.io/v1');
    expect(v1List.items[1].note).to.equal('pulling image');
    expect(coreList.items[1].message).to.equal('pulling image');
    const selected = (await request(api.handler).get(`${EVENTS}?labelSelector=via%3Dcore`).expect(200)).body;
    expect(names(selected)).to.deep.equal(['legacy']);

    const patched = (
      await request(api.handler)
        .patch(`${EVENTS}/legacy`)
        .set('Content-Type', 'application/merge-patch+json')
        .send(JSON.stringify({ note: 'patched through events.k8s.io' }))
        .expect(200)
    ).body;
    expect(patched.note).to.equal('patched through events.k8s.io');
    expect((await request(api.handler).get(`${CORE}/legacy`).expect(200)).body.message).to.equal(
      'patched through events.k8s.io',
    );
    await request(api.handler)
      .patch(`${CORE}/modern`)
      .set('Content-Type', 'application/merge-patch+json')
      .send(JSON.stringify({ message: 'patched through core' }))
      .expect(200);
    expect((await request(api.handler).get(`${EVENTS}/modern`).expect(200)).body.note).to.equal(
      'patched through core',
    );
  });

  it('deletes through one API what the other then no longer finds', async () => {
    await request(api.handler).post(EVENTS).send(v1Event('gone')).expect(201);
    await request(api.handler).delete(`${CORE}/gone`).expect(200);
    const missing = await request(api.handler).get(`${EVENTS}/gone`).expect(404);
    expect(missing.body.message).to.equal('events.events.k8s.io "gone" not found');
  });

  it('watches of either API see events written through the other, each in its own form', async () => {
    const seen: Record<'core' | 'events', WatchEvent[]> = { core: [], events: [] };
    const stops: Array<() => void> = [];
    const rv = (await request(api.handler).get(CORE).expect(200)).body.metadata.resourceVersion as string;
    for (const [which, group] of [
      ['core', ''],
      ['events', 'events.k8s.io'],
    ] as const) {
      const info = findResource(group, 'v1', 'events')!;
      stops.push(
        await startWatch(
          api.server.registry,
          info,
          'ns1',
          { resourceVersion: rv },
          {
            onEvent: (event) => seen[which].push(event),
            onClose: () => undefined,
          },
        ),
      );
    }
    try {
      await request(api.handler).post(EVENTS).send(v1Event('from-v1')).expect(201);
      await request(api.handler)
        .post(CORE)
        .send({ metadata: { name: 'from-core' }, involvedObject: regarding, message: 'core says' })
        .expect(201);
      await request(api.handler).delete(`${EVENTS}/from-core`).expect(200);
      const deadline = Date.now() + 10_000;
      while ((seen.core.length < 3 || seen.events.length < 3) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      const summary = (events: WatchEvent[]) =>
        events.map(({ type, object }) => {
          const o = object as ApiObject;
          return [type, o.apiVersion, o.metadata.name, o.message ?? o.note];
        });
      expect(summary(seen.core)).to.deep.equal([
        ['ADDED', 'v1', 'from-v1', 'pulling image'],
        ['ADDED', 'v1', 'from-core', 'core says'],
        ['DELETED', 'v1', 'from-core', 'core says'],
      ]);
      expect(summary(seen.events)).to.deep.equal([
        ['ADDED', 'events.k8s.io/v1', 'from-v1', 'pulling image'],
        ['ADDED', 'events.k8s.io/v1', 'from-core', 'core says'],
        ['DELETED', 'events.k8s.io/v1', 'from-core', 'core says'],
      ]);
    } finally {
      for (const stop of stops) stop();
    }
  });

  it('prints events.k8s.io Events with the core columns, from the converted fields', async () => {
    await request(api.handler).post(EVENTS).send(v1Event('printed')).expect(201);
    const table = (
      await request(api.handler)
        .get(EVENTS)
        .set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io')
        .expect(200)
    ).body;
    expect(table.columnDefinitions.map((c: { name: string }) => c.name)).to.deep.equal([
      'Last Seen',
      'Type',
      'Reason',
      'Object',
      'Message',
    ]);
    expect(table.rows[0].cells.slice(1)).to.deep.equal(['Normal', 'Pulling', 'pod/web', 'pulling image']);
  });
});
