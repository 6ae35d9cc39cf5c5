// @host: two apiservers sharing one real etcd (Debian's etcd-server, a throwaway process on
// loopback): a write through one is seen by a watch and a read through the other, and their
// resourceVersions are the one store's revisions.
import { expect } from 'chai';
import request from 'supertest';
import { get as httpGet } from 'node:http';
import { silentLogger } from '../../../common/src/log.ts';
import { ApiServer } from '../src/apiserver.ts';
import { applyPatch } from '../src/http/patcher.ts';
import { upstreamRules } from '../src/registry/rules.ts';
import { createEtcdStore, type EtcdStore } from '../src/store/etcd-store.ts';
import { startEtcdProcess, type EtcdProcess } from './support/etcd-process.ts';

describe('two apiservers on one etcd @host', function () {
  this.timeout(120_000);
  let etcd: EtcdProcess;
  const stores: EtcdStore[] = [];
  const servers: ApiServer[] = [];
  const urls: string[] = [];

  before(async () => {
    etcd = await startEtcdProcess();
    for (let i = 0; i < 2; i++) {
      const store = createEtcdStore({ endpoints: [etcd.endpoint], keyPrefix: '/kconform-test' });
      const server = new ApiServer({ store, rules: upstreamRules(), patcher: applyPatch, log: silentLogger });
      stores.push(store);
      servers.push(server);
      urls.push(await server.start()); // both bootstrap: idempotent on a shared store
    }
  });
  after(async () => {
    for (const server of servers) await server.stop();
    for (const store of stores) await store.close();
    await etcd?.stop();
  });

  it('a write through apiserver A is seen by a watch and a get through apiserver B', async () => {
    const [a, b] = urls as [string, string];
    await request(a)
      .post('/api/v1/namespaces')
      .send({ metadata: { name: 'shared' } })
      .expect(201);
    const start = (await request(b).get('/api/v1/namespaces/shared/configmaps').expect(200)).body.metadata
      .resourceVersion;

    const seen = new Promise<{
      type: string;
      object: { metadata: { name: string; resourceVersion: string } };
    }>((resolve, reject) => {
      const req = httpGet(
        `${b}/api/v1/namespaces/shared/configmaps?watch=true&resourceVersion=${start}`,
        (res) => {
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            const newline = buffer.indexOf('\n');
            if (newline >= 0) {
              resolve(JSON.parse(buffer.slice(0, newline)));
              req.destroy();
            }
          });
        },
      );
      req.on('error', (err) => (err.message.includes('socket hang up') ? undefined : reject(err)));
      setTimeout(() => reject(new Error('no event through apiserver B within 20 s')), 20_000).unref();
    });
    // Give the watch a moment to be established before writing: the watch starts from `start`,
    // so even a write that races it is replayed.
    const created = (
      await request(a)
        .post('/api/v1/namespaces/shared/configmaps')
        .send({ metadata: { name: 'cm' }, data: { k: 'v' } })
        .expect(201)
    ).body;
    const event = await seen;
    expect(event.type).to.equal('ADDED');
    expect(event.object.metadata.name).to.equal('cm');
    expect(event.object.metadata.resourceVersion).to.equal(created.metadata.resourceVersion);
    const read = (await request(b).get('/api/v1/namespaces/shared/configmaps/cm').expect(200)).body;
    expect(read.data).to.deep.equal({ k: 'v' });
  });

  it('optimistic concurrency holds across apiservers: a stale update through B after one through A is a 409', async () => {
    const [a, b] = urls as [string, string];
    const obj = (
      await request(a)
        .post('/api/v1/namespaces/shared/configmaps')
        .send({ metadata: { name: 'race' } })
        .expect(201)
    ).body;
    await request(a)
      .put('/api/v1/namespaces/shared/configmaps/race')
      .send({ ...obj, data: { by: 'a' } })
      .expect(200);
    const res = await request(b)
      .put('/api/v1/namespaces/shared/configmaps/race')
      .send({ ...obj, data: { by: 'b' } })
      .expect(409);
    expect(res.body.reason).to.equal('Conflict');
  });
});
