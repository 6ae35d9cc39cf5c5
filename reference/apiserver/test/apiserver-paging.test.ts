// Paged lists: metadata.remainingItemCount, which upstream's etcd3 store sets beside continue for
// an unfiltered list only (with a selector the count of keys in range would overstate it).
import { expect } from 'chai';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/test-api.ts';

interface Page {
  metadata: { resourceVersion: string; continue?: string; remainingItemCount?: number };
  items: Array<{ metadata: { name: string } }>;
}

describe('apiserver paged lists: remainingItemCount (in-process, embedded store)', () => {
  let api: TestApi;
  const path = '/api/v1/namespaces/ns1/configmaps';
  const page = async (query: string): Promise<Page> =>
    (await request(api.handler).get(`${path}?${query}`).expect(200)).body as Page;

  beforeEach(async () => {
    api = await startTestApi();
    await request(api.handler)
      .post('/api/v1/namespaces')
      .send({ metadata: { name: 'ns1' } })
      .expect(201);
    for (let i = 0; i < 7; i++) {
      await request(api.handler)
        .post(path)
        .send({ metadata: { name: `cm-${i}`, labels: { parity: i % 2 ? 'odd' : 'even' } } })
        .expect(201);
    }
  });
  afterEach(async () => api.close());

  it('counts the objects still to come on every page that has a continue token, and on no other', async () => {
    const first = await page('limit=3');
    expect(first.metadata.remainingItemCount).to.equal(4);
    // A write after the first page belongs to a later revision: neither listed nor counted.
    await request(api.handler)
      .post(path)
      .send({ metadata: { name: 'cm-late' } })
      .expect(201);
    const second = await page(`limit=3&continue=${encodeURIComponent(first.metadata.continue!)}`);
    expect(second.items.map((i) => i.metadata.name)).to.deep.equal(['cm-3', 'cm-4', 'cm-5']);
    expect(second.metadata.remainingItemCount).to.equal(1);
    const last = await page(`limit=3&continue=${encodeURIComponent(second.metadata.continue!)}`);
    expect(last.items.map((i) => i.metadata.name)).to.deep.equal(['cm-6']);
    expect(last.metadata).to.deep.equal({ resourceVersion: first.metadata.resourceVersion });
  });

  it('has none when everything fits, nor without a limit', async () => {
    expect((await page('limit=7')).metadata).to.not.have.any.keys('continue', 'remainingItemCount');
    expect((await page('limit=0')).metadata).to.not.have.any.keys('continue', 'remainingItemCount');
  });

  it('has none for a list filtered by a label or field selector', async () => {
    const labelled = await page('limit=2&labelSelector=parity%3Deven');
    expect(labelled.items.map((i) => i.metadata.name)).to.deep.equal(['cm-0', 'cm-2']);
    expect(labelled.metadata.continue).to.be.a('string');
    expect(labelled.metadata).to.not.have.property('remainingItemCount');
    const named = await page('limit=1&fieldSelector=metadata.namespace%3Dns1');
    expect(named.metadata.continue).to.be.a('string');
    expect(named.metadata).to.not.have.property('remainingItemCount');
  });

  it('is part of the list metadata of a Table too', async () => {
    const table = (
      await request(api.handler)
        .get(`${path}?limit=5`)
        .set('Accept', 'application/json;as=Table;v=v1;g=meta.k8s.io')
        .expect(200)
    ).body as Page & { kind: string };
    expect(table.kind).to.equal('Table');
    expect(table.metadata.remainingItemCount).to.equal(2);
  });
});
