// Watch semantics over a real listening apiserver (plain HTTP on loopback) and the embedded store.
import { expect } from 'chai';
import request from 'supertest';
import { get as httpGet, type IncomingMessage } from 'node:http';
import { startTestApi, type TestApi } from './support/test-api.ts';

interface Event {
  type: string;
  object: {
    metadata: { name?: string; resourceVersion?: string; labels?: Record<string, string> };
    code?: number;
    reason?: string;
    message?: string;
  };
}

/** Opens a watch and collects its events; `next(n)` resolves once n events arrived. */
function openWatch(base: string, path: string) {
  const events: Event[] = [];
  const waiters: Array<() => void> = [];
  let ended = false;
  let response: IncomingMessage | undefined;
  const req = httpGet(base + path, (res) => {
    response = res;
    let buffer = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buffer.slice(0, newline)) as Event);
        buffer = buffer.slice(newline + 1);
      }
      waiters.splice(0).forEach((w) => w());
    });
    res.on('end', () => {
      ended = true;
      waiters.splice(0).forEach((w) => w());
    });
  });
  const until = async (done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (!done()) {
      if (Date.now() > deadline)
        throw new Error(
          `watch ${path}: ${what} not seen after ${timeoutMs} ms; got ${JSON.stringify(events)}`,
        );
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  return {
    events,
    next: (n: number) => until(() => events.length >= n, `${n} events`),
    ended: () => until(() => ended, 'end of stream'),
    status: () => response?.statusCode,
    close: () => req.destroy(),
  };
}

describe('apiserver watch (loopback HTTP, embedded store)', () => {
  let api: TestApi;
  let base: string;
  const cm = (name: string, labels: Record<string, string> = {}) => ({ metadata: { name, labels } });

  beforeEach(async () => {
    api = await startTestApi({ progressIntervalMs: 200 });
    base = await api.listen();
    await request(api.handler)
      .post('/api/v1/namespaces')
      .send({ metadata: { name: 'ns1' } })
      .expect(201);
  });
  afterEach(async () => api.close());

  it('from a resourceVersion: replays what happened after it, in order, then follows live', async () => {
    const created = (
      await request(api.handler).post('/api/v1/namespaces/ns1/configmaps').send(cm('a')).expect(201)
    ).body;
    await request(api.handler).post('/api/v1/namespaces/ns1/configmaps').send(cm('b')).expect(201);
    await request(api.handler).delete('/api/v1/namespaces/ns1/configmaps/a').expect(200);
    const watch = openWatch(
      base,
      `/api/v1/namespaces/ns1/configmaps?watch=true&resourceVersion=${created.metadata.resourceVersion}`,
    );
    try {
      await watch.next(2);
      expect(watch.events.map((e) => [e.type, e.object.metadata.name])).to.deep.equal([
        ['ADDED', 'b'],
        ['DELETED', 'a'],
      ]);
      await request(api.handler).post('/api/v1/namespaces/ns1/configmaps').send(cm('c')).expect(201);
      await watch.next(3);
      expect(watch.events[2]).to.deep.include({ type: 'ADDED' });
      const rvs = watch.events.map((e) => Number(e.object.metadata.resourceVersion));
      expect(rvs).to.deep.equal([...rvs].sort((x, y) => x - y));
    } finally {
      watch.close();
    }
  });

  it('without a resourceVersion: the current objects as ADDED first', async () => {
    await request(api.handler).post('/api/v1/namespaces/ns1/configmaps').send(cm('a')).expect(201);
    await request(api.handler).post('/api/v1/namespaces/ns1/configmaps').send(cm('b')).expect(201);
    const watch = openWatch(base, '/api/v1/namespaces/ns1/configmaps?watch=1');
    try {
      await watch.next(2);
      expect(watch.events.map((e) => [e.type, e.object.metadata.name])).to.deep.equal([
        ['ADDED', 'a'],
        ['ADDED', 'b'],
      ]);
    } finally {
      watch.close();
    }
  });

  it('with a label selector: an object that stops matching is DELETED, one that starts is ADDED', async () => {
    const a = (
      await request(api.handler)
        .post('/api/v1/namespaces/ns1/configmaps')
        .send(cm('a', { app: 'web' }))
        .expect(201)
    ).body;
    const watch = openWatch(
      base,
      `/api/v1/namespaces/ns1/configmaps?watch=true&labelSelector=app%3Dweb&resourceVersion=${a.metadata.resourceVersion}`,
    );
    try {
      await request(api.handler)
        .patch('/api/v1/namespaces/ns1/configmaps/a')
        .set('Content-Type', 'application/merge-patch+json')
        .send({ metadata: { labels: { app: 'db' } } })
        .expect(200);
      await request(api.handler)
        .post('/api/v1/namespaces/ns1/configmaps')
        .send(cm('other', { app: 'db' }))
        .expect(201);
      await request(api.handler)
        .patch('/api/v1/namespaces/ns1/configmaps/a')
        .set('Content-Type', 'application/merge-patch+json')
        .send({ metadata: { labels: { app: 'web' } } })
        .expect(200);
      await watch.next(2);
      expect(
        watch.events.map((e) => [e.type, e.object.metadata.name, e.object.metadata.labels?.app]),
      ).to.deep.equal([
        ['DELETED', 'a', 'db'],
        ['ADDED', 'a', 'web'],
      ]);
    } finally {
      watch.close();
    }
  });

  it('a watch on one name (legacy /watch/ path) sees only that object', async () => {
    const watch = openWatch(base, '/api/v1/watch/namespaces/ns1/configmaps/b');
    try {
      await request(api.handler).post('/api/v1/namespaces/ns1/configmaps').send(cm('a')).expect(201);
      await request(api.handler).post('/api/v1/namespaces/ns1/configmaps').send(cm('b')).expect(201);
      await watch.next(1);
      expect(watch.events.map((e) => e.object.metadata.name)).to.deep.equal(['b']);
    } finally {
      watch.close();
    }
  });

  it('sends BOOKMARK events carrying the current resourceVersion when allowWatchBookmarks is set', async () => {
    const a = (await request(api.handler).post('/api/v1/namespaces/ns1/configmaps').send(cm('a')).expect(201))
      .body;
    const watch = openWatch(
      base,
      `/api/v1/namespaces/ns1/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=${a.metadata.resourceVersion}`,
    );
    try {
      await watch.next(1);
      expect(watch.events[0]!.type).to.equal('BOOKMARK');
      expect(Number(watch.events[0]!.object.metadata.resourceVersion)).to.be.at.least(
        Number(a.metadata.resourceVersion),
      );
    } finally {
      watch.close();
    }
  });

  it('from a compacted resourceVersion: one ERROR event with a 410 Expired Status, then the stream ends', async () => {
    const a = (await request(api.handler).post('/api/v1/namespaces/ns1/configmaps').send(cm('a')).expect(201))
      .body;
    const b = (await request(api.handler).post('/api/v1/namespaces/ns1/configmaps').send(cm('b')).expect(201))
      .body;
    await api.store.compact(Number(b.metadata.resourceVersion));
    const watch = openWatch(
      base,
      `/api/v1/namespaces/ns1/configmaps?watch=true&resourceVersion=${a.metadata.resourceVersion}`,
    );
    await watch.ended();
    expect(watch.status()).to.equal(200);
    expect(watch.events).to.have.length(1);
    expect(watch.events[0]!.type).to.equal('ERROR');
    expect(watch.events[0]!.object).to.deep.include({ code: 410, reason: 'Expired' });
    expect(watch.events[0]!.object.message).to.match(/^too old resource version: \d+ \(\d+\)$/);
  });

  it('the apiserver compacts history by itself, after which an old resourceVersion is 410 Expired', async () => {
    const compacting = await startTestApi({ compactionIntervalMs: 100 });
    try {
      const url = await compacting.listen();
      await request(compacting.handler)
        .post('/api/v1/namespaces')
        .send({ metadata: { name: 'c' } })
        .expect(201);
      const deadline = Date.now() + 10_000;
      while ((await compacting.store.compactedRevision()) === 0) {
        if (Date.now() > deadline) throw new Error('no compaction within 10 s at a 100 ms interval');
        await new Promise((r) => setTimeout(r, 50));
      }
      const watch = openWatch(url, '/api/v1/namespaces/c/configmaps?watch=true&resourceVersion=1');
      await watch.ended();
      expect(watch.events[0]).to.deep.include({ type: 'ERROR' });
      expect(watch.events[0]!.object.code).to.equal(410);
    } finally {
      await compacting.close();
    }
  });

  it('timeoutSeconds ends the stream by itself', async () => {
    const watch = openWatch(base, '/api/v1/namespaces/ns1/configmaps?watch=true&timeoutSeconds=1');
    await watch.ended();
    expect(watch.status()).to.equal(200);
  });
});
