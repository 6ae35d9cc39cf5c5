// Secret stringData: upstream's v1 → internal conversion writes each stringData key into data
// (base64), overwriting a data key of the same name, and never stores stringData; on create,
// update and every kind of patch.
import { expect } from 'chai';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/test-api.ts';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('apiserver Secret stringData (in-process, embedded store)', () => {
  let api: TestApi;
  const path = '/api/v1/namespaces/ns1/secrets';

  beforeEach(async () => {
    api = await startTestApi();
    await request(api.handler)
      .post('/api/v1/namespaces')
      .send({ metadata: { name: 'ns1' } })
      .expect(201);
  });
  afterEach(async () => api.close());

  const create = async (body: Record<string, unknown>) =>
    (
      await request(api.handler)
        .post(path)
        .send({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds' }, ...body })
        .expect(201)
    ).body;

  it('writes stringData into data on create, a stringData key winning over a data key', async () => {
    const created = await create({
      data: { password: b64('s3cret'), user: b64('overridden') },
      stringData: { user: 'admin' },
    });
    expect(created.data).to.deep.equal({ password: b64('s3cret'), user: b64('admin') });
    expect(created).to.not.have.property('stringData');
    expect(created.type).to.equal('Opaque');
    const read = (await request(api.handler).get(`${path}/creds`).expect(200)).body;
    expect(read.data).to.deep.equal(created.data);
    expect(read).to.not.have.property('stringData');
    // What is stored is the converted object.
    const { kv } = await api.store.get('/registry/secrets/ns1/creds');
    expect(JSON.parse(kv!.value)).to.not.have.property('stringData');
  });

  it('makes data from stringData alone, and drops an empty or null stringData', async () => {
    expect((await create({ stringData: { token: 'abc' } })).data).to.deep.equal({ token: b64('abc') });
    await request(api.handler).delete(`${path}/creds`).expect(200);
    const empty = await create({ stringData: {} });
    expect(empty).to.not.have.any.keys('stringData', 'data');
    await request(api.handler).delete(`${path}/creds`).expect(200);
    const nulled = await create({ data: { a: b64('1') }, stringData: null });
    expect(nulled).to.not.have.property('stringData');
    expect(nulled.data).to.deep.equal({ a: b64('1') });
  });

  it('writes stringData into data on update', async () => {
    const created = await create({ data: { a: b64('1') } });
    const updated = (
      await request(api.handler)
        .put(`${path}/creds`)
        .send({ ...created, stringData: { a: 'two', b: 'three' } })
        .expect(200)
    ).body;
    expect(updated.data).to.deep.equal({ a: b64('two'), b: b64('three') });
    expect(updated).to.not.have.property('stringData');
  });

  it('writes stringData into data on a merge patch, a strategic merge patch and a JSON patch', async () => {
    await create({ data: { a: b64('1') } });
    const patch = (type: string, body: unknown) =>
      request(api.handler)
        .patch(`${path}/creds`)
        .set('Content-Type', type)
        .send(JSON.stringify(body))
        .expect(200);
    const merged = (await patch('application/merge-patch+json', { stringData: { b: 'x' } })).body;
    expect(merged.data).to.deep.equal({ a: b64('1'), b: b64('x') });
    expect(merged).to.not.have.property('stringData');
    const strategic = (await patch('application/strategic-merge-patch+json', { stringData: { a: 'y' } }))
      .body;
    expect(strategic.data).to.deep.equal({ a: b64('y'), b: b64('x') });
    const json = (
      await patch('application/json-patch+json', [{ op: 'add', path: '/stringData', value: { c: 'z' } }])
    ).body;
    expect(json.data).to.deep.equal({ a: b64('y'), b: b64('x'), c: b64('z') });
    expect(json).to.not.have.property('stringData');
  });

  it('validates the merged keys as data keys, and refuses a wrongly typed stringData as a decode error', async () => {
    const invalid = await request(api.handler)
      .post(path)
      .send({ metadata: { name: 'bad' }, stringData: { 'no/slash': 'x' } })
      .expect(422);
    expect(invalid.body.details.causes.map((c: { field: string }) => c.field)).to.deep.equal([
      'data[no/slash]',
    ]);
    const typed = await request(api.handler)
      .post(path)
      .send({ metadata: { name: 'bad' }, stringData: { a: 5 } })
      .expect(400);
    expect(typed.body.message).to.include(
      'json: cannot unmarshal number into Go struct field Secret.stringData',
    );
  });
});
