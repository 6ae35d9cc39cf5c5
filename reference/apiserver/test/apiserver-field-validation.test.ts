// fieldValidation over HTTP: unknown and repeated fields refused with Strict, warned about with
// Warn (the default), passed silently with Ignore; and in every mode unknown fields are not
// stored, as upstream's decoding into its Go types drops them.
import { expect } from 'chai';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/test-api.ts';

const CONFIG_MAPS = '/api/v1/namespaces/ns1/configmaps';
const withUnknown = (name: string) =>
  `{"apiVersion":"v1","kind":"ConfigMap","bogus":1,"metadata":{"name":"${name}","unknownMeta":"x","labels":{"any-key":"kept"}},"data":{"a":"1"}}`;
const withDuplicate = (name: string) =>
  `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}"},"data":{"a":"1"},"data":{"b":"2"}}`;

describe('apiserver fieldValidation (in-process, embedded store)', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
    await request(api.handler)
      .post('/api/v1/namespaces')
      .send({ metadata: { name: 'ns1' } })
      .expect(201);
  });
  afterEach(async () => api.close());

  const post = (body: string, mode?: string) =>
    request(api.handler)
      .post(`${CONFIG_MAPS}${mode ? `?fieldValidation=${mode}` : ''}`)
      .set('Content-Type', 'application/json')
      .send(body);

  describe('repeated fields', () => {
    it('Strict: 400 BadRequest with the strict decoding error, nothing stored', async () => {
      const res = await post(withDuplicate('dup'), 'Strict').expect(400);
      expect(res.body).to.deep.include({
        kind: 'Status',
        status: 'Failure',
        reason: 'BadRequest',
        code: 400,
        message:
          'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: duplicate field "data"',
      });
      await request(api.handler).get(`${CONFIG_MAPS}/dup`).expect(404);
    });

    it('Strict: unknown and repeated fields together, in document order', async () => {
      const body = withDuplicate('both').replace('"name":"both"', '"name":"both","unknownMeta":"x"');
      const res = await post(body, 'Strict').expect(400);
      expect(res.body.message).to.equal(
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "metadata.unknownMeta", duplicate field "data"',
      );
    });

    it('Warn (the default): stored, with a Warning header naming the field', async () => {
      const res = await post(withDuplicate('dup')).expect(201);
      expect(res.headers.warning).to.equal('299 - "duplicate field \\"data\\""');
      const explicit = await post(withDuplicate('dup2'), 'Warn').expect(201);
      expect(explicit.headers.warning).to.equal('299 - "duplicate field \\"data\\""');
    });

    it('Ignore: stored, without a warning', async () => {
      const res = await post(withDuplicate('dup'), 'Ignore').expect(201);
      expect(res.headers).to.not.have.property('warning');
    });

    it('on update (PUT) as on create', async () => {
      const created = (await post(withDuplicate('cm')).expect(201)).body;
      const body = JSON.stringify({ ...created, data: { c: '3' } }).replace('"data":', '"data":{},"data":');
      const res = await request(api.handler)
        .put(`${CONFIG_MAPS}/cm?fieldValidation=Strict`)
        .set('Content-Type', 'application/json')
        .send(body)
        .expect(400);
      expect(res.body.message).to.include('strict decoding error: duplicate field "data"');
    });
  });

  describe('unknown fields', () => {
    it('Strict: 400 naming every unknown field, nothing stored', async () => {
      const res = await post(withUnknown('strict'), 'Strict').expect(400);
      expect(res.body.message).to.equal(
        'ConfigMap in version "v1" cannot be handled as a ConfigMap: strict decoding error: unknown field "bogus", unknown field "metadata.unknownMeta"',
      );
      await request(api.handler).get(`${CONFIG_MAPS}/strict`).expect(404);
    });

    it('Warn: warned about and dropped; map keys are not unknown fields', async () => {
      const res = await post(withUnknown('warn')).expect(201);
      expect(res.headers.warning).to.equal(
        '299 - "unknown field \\"bogus\\"", 299 - "unknown field \\"metadata.unknownMeta\\""',
      );
      for (const object of [
        res.body,
        (await request(api.handler).get(`${CONFIG_MAPS}/warn`).expect(200)).body,
      ]) {
        expect(object).to.not.have.property('bogus');
        expect(object.metadata).to.not.have.property('unknownMeta');
        expect(object.metadata.labels).to.deep.equal({ 'any-key': 'kept' });
        expect(object.data).to.deep.equal({ a: '1' });
      }
      const { kv } = await api.store.get('/registry/configmaps/ns1/warn');
      expect(kv!.value).to.not.include('bogus').and.not.include('unknownMeta');
    });

    it('Ignore: dropped without a warning', async () => {
      const res = await post(withUnknown('ignore'), 'Ignore').expect(201);
      expect(res.headers).to.not.have.property('warning');
      const read = (await request(api.handler).get(`${CONFIG_MAPS}/ignore`).expect(200)).body;
      expect(read).to.not.have.property('bogus');
      expect(read.metadata).to.not.have.property('unknownMeta');
    });

    it('dropped from updates and from patch results too', async () => {
      const created = (await post(withUnknown('cm')).expect(201)).body;
      const updated = (
        await request(api.handler)
          .put(`${CONFIG_MAPS}/cm?fieldValidation=Ignore`)
          .send({ ...created, spec: { nope: true }, data: { b: '2' } })
          .expect(200)
      ).body;
      expect(updated).to.not.have.property('spec');
      expect(updated.data).to.deep.equal({ b: '2' });
      const patched = await request(api.handler)
        .patch(`${CONFIG_MAPS}/cm`)
        .set('Content-Type', 'application/merge-patch+json')
        .send(JSON.stringify({ extra: 'x', metadata: { unknownMeta: 'y' }, data: { c: '3' } }))
        .expect(200);
      expect(patched.headers.warning).to.equal(
        '299 - "unknown field \\"extra\\"", 299 - "unknown field \\"metadata.unknownMeta\\""',
      );
      const read = (await request(api.handler).get(`${CONFIG_MAPS}/cm`).expect(200)).body;
      expect(read).to.not.have.property('extra');
      expect(read.metadata).to.not.have.property('unknownMeta');
      expect(read.data).to.deep.equal({ b: '2', c: '3' });
    });

    it('checks a YAML body too, where only unknown fields can be told', async () => {
      const res = await request(api.handler)
        .post(`${CONFIG_MAPS}?fieldValidation=Strict`)
        .set('Content-Type', 'application/yaml')
        .send('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\n  unknownMeta: x\n')
        .expect(400);
      expect(res.body.message).to.include('strict decoding error: unknown field "metadata.unknownMeta"');
    });
  });
});
