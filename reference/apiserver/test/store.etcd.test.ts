import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { createEtcdStore, type EtcdStore } from '../src/store/etcd-store.ts';
import { InvalidStoreConfigError } from '../src/store/store-errors.ts';
import { storeBehaviour } from './store-behaviour.ts';
import { startEtcdProcess, type EtcdProcess } from './support/etcd-process.ts';
import { WatchRecorder } from './support/watch-recorder.ts';

describe('etcd store @host', () => {
  let etcd: EtcdProcess | undefined;
  const run = randomUUID().slice(0, 8);
  let namespaces = 0;
  const stores: EtcdStore[] = [];
  /** A store on the shared etcd; `keyPrefix` defaults to a namespace no other test uses. */
  const storeOn = (server: EtcdProcess, keyPrefix = `/kconform-test/${run}/${++namespaces}`): EtcdStore => {
    const store = createEtcdStore({ endpoints: [server.endpoint], keyPrefix });
    stores.push(store);
    return store;
  };

  before(async () => {
    etcd = await startEtcdProcess();
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });
  after(async () => {
    await etcd?.stop();
  });

  describe('behaviour', () => {
    storeBehaviour({
      open: async () =>
        createEtcdStore({ endpoints: [etcd!.endpoint], keyPrefix: `/kconform-test/${run}/${++namespaces}` }),
    });
  });

  describe('on a shared etcd', () => {
    it('shows a write through one store instance to a watch through another', async () => {
      const keyPrefix = `/kconform-test/${run}/shared`;
      const writer = storeOn(etcd!, keyPrefix);
      const reader = storeOn(etcd!, keyPrefix);
      const start = await reader.currentRevision();
      const recorder = WatchRecorder.start(reader, '/pods/', start);
      const result = await writer.txn({
        compare: [{ key: '/pods/web', modRevision: 0 }],
        success: [{ type: 'put', key: '/pods/web', value: '{"spec":{}}' }],
      });
      await recorder.untilEvents(1);
      expect(recorder.batches).to.deep.equal([
        [
          {
            type: 'put',
            kv: {
              key: '/pods/web',
              value: '{"spec":{}}',
              createRevision: result.revision,
              modRevision: result.revision,
              version: 1,
            },
            prevKv: null,
          },
        ],
      ]);
      expect((await reader.get('/pods/web')).kv?.value).to.equal('{"spec":{}}');
    });

    it('keeps stores with different key prefixes apart', async () => {
      const one = storeOn(etcd!);
      const other = storeOn(etcd!);
      const start = await other.currentRevision();
      const recorder = WatchRecorder.start(other, '/', start);
      await one.txn({ compare: [], success: [{ type: 'put', key: '/only/in/one', value: '1' }] });
      const fence = await other.txn({ compare: [], success: [{ type: 'put', key: '/fence', value: '1' }] });
      await recorder.untilEvents(1);
      expect(recorder.events.map((e) => [e.kv.key, e.kv.modRevision])).to.deep.equal([
        ['/fence', fence.revision],
      ]);
      expect((await other.range({ prefix: '/' })).kvs.map((kv) => kv.key)).to.deep.equal(['/fence']);
      expect((await one.range({ prefix: '/' })).kvs.map((kv) => kv.key)).to.deep.equal(['/only/in/one']);
    });

    it('validates its config before connecting', () => {
      expect(() => createEtcdStore({ endpoints: [] })).to.throw(
        InvalidStoreConfigError,
        'etcd store config: endpoints must list at least one etcd client URL',
      );
      expect(() => createEtcdStore({ endpoints: ['127.0.0.1:2379'] })).to.throw(
        InvalidStoreConfigError,
        'etcd store config: endpoint "127.0.0.1:2379" is not a URL',
      );
      expect(() => createEtcdStore({ endpoints: ['unix:///run/etcd.sock'] })).to.throw(
        InvalidStoreConfigError,
        'etcd store config: endpoint unix:///run/etcd.sock must be http:// or https://',
      );
    });
  });

  describe('losing etcd', () => {
    let doomed: EtcdProcess | undefined;
    after(async () => {
      await doomed?.stop();
    });

    it('ends a watch with onError when the etcd server goes away', async () => {
      doomed = await startEtcdProcess();
      const store = storeOn(doomed);
      const revision = (await store.txn({ compare: [], success: [{ type: 'put', key: '/x', value: '1' }] }))
        .revision;
      const recorder = WatchRecorder.start(store, '/', revision - 1);
      await recorder.untilEvents(1);
      await doomed.stop();
      const err = await recorder.untilError();
      expect(err.message).to.match(/^etcd (watch stream failed|ended the watch stream)/);
      expect(recorder.events).to.have.length(1);
    });
  });
});
