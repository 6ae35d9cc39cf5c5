// Thousands of generated bad requests: each is answered with the right Status and code, the
// server keeps serving, and nothing stored is lost or half-written.
import { expect } from 'chai';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/test-api.ts';

// A small deterministic PRNG so a failure can be replayed from its seed.
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const validPod = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'seed' } },
  spec: { containers: [{ name: 'main', image: 'kconform/busybox:test' }] },
});

// A pod whose fields a generator may set to anything, wrong types included.
interface MutablePod {
  metadata: Record<string, unknown>;
  spec: { containers: Array<Record<string, unknown>> } & Record<string, unknown>;
  [field: string]: unknown;
}

interface BadRequest {
  what: string;
  send: (api: Seeded) => request.Test;
  codes: number[];
}

function generate(random: () => number, count: number): BadRequest[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const text = JSON.stringify(validPod('gen'));
  const badNames = [
    'Upper',
    'under_score',
    '-lead',
    'trail-',
    'a'.repeat(254),
    'dots..dots',
    'spa ce',
    'ümlaut',
    '*',
  ];
  const wrongTypes: Array<[string, (p: MutablePod) => void]> = [
    ['spec.containers is a string', (p) => (p.spec = { ...p.spec, containers: 'main' as never })],
    ['spec is an array', (p) => (p.spec = [] as never)],
    ['metadata.labels is a string', (p) => (p.metadata.labels = 'app=x')],
    ['metadata.name is a number', (p) => (p.metadata.name = 42)],
    ['container image is an object', (p) => (p.spec.containers[0]!.image = { name: 'x' })],
    ['container ports is an object', (p) => (p.spec.containers[0]!.ports = { containerPort: 80 })],
    ['containerPort is a string', (p) => (p.spec.containers[0]!.ports = [{ containerPort: 'eighty' }])],
    ['no containers', (p) => (p.spec.containers = [])],
    ['restartPolicy unsupported', (p) => (p.spec.restartPolicy = 'Sometimes')],
    ['port out of range', (p) => (p.spec.containers[0]!.ports = [{ containerPort: 70000 }])],
    ['duplicate container names', (p) => p.spec.containers.push({ name: 'main', image: 'x' })],
  ];
  const badSelectors = [
    'app in web',
    'app=web tier=x',
    '=x',
    'a==b==c',
    'app notin',
    '!',
    'a=' + 'v'.repeat(70),
    '(x)',
  ];
  const out: BadRequest[] = [];
  for (let i = 0; i < count; i++) {
    const kind = random();
    if (kind < 0.3) {
      const cut = 1 + Math.floor(random() * (text.length - 1));
      const body = text.slice(0, cut);
      out.push({
        what: `truncated JSON (${cut} of ${text.length} bytes)`,
        send: (api) =>
          request(api.handler)
            .post('/api/v1/namespaces/ns1/pods')
            .set('Content-Type', 'application/json')
            .send(body),
        codes: [400],
      });
    } else if (kind < 0.55) {
      const [what, mutate] = pick(wrongTypes);
      const pod = validPod(`wt-${i}`) as unknown as MutablePod;
      mutate(pod);
      out.push({
        what,
        send: (api) => request(api.handler).post('/api/v1/namespaces/ns1/pods').send(pod),
        codes: [400, 422],
      });
    } else if (kind < 0.7) {
      const name = pick(badNames);
      out.push({
        what: `invalid name ${JSON.stringify(name.slice(0, 20))}`,
        send: (api) => request(api.handler).post('/api/v1/namespaces/ns1/pods').send(validPod(name)),
        codes: [422],
      });
    } else if (kind < 0.8) {
      const selector = pick(badSelectors);
      out.push({
        what: `bogus selector ${selector.slice(0, 20)}`,
        send: (api) =>
          request(api.handler).get('/api/v1/namespaces/ns1/pods').query({ labelSelector: selector }),
        codes: [400],
      });
    } else if (kind < 0.87) {
      const pod = { ...validPod(`uf-${i}`), bogusField: true };
      out.push({
        what: 'unknown field with fieldValidation=Strict',
        send: (api) =>
          request(api.handler).post('/api/v1/namespaces/ns1/pods?fieldValidation=Strict').send(pod),
        codes: [400],
      });
    } else if (kind < 0.94) {
      out.push({
        what: 'stale update of the seed pod',
        send: (api) =>
          request(api.handler)
            .put('/api/v1/namespaces/ns1/pods/seed')
            .send({
              ...api.seed,
              metadata: { ...api.seed.metadata, resourceVersion: '1', labels: { app: 'changed' } },
            }),
        codes: [409],
      });
    } else {
      const [method, path] = pick([
        ['put', '/api/v1/namespaces/ns1/pods'],
        ['post', '/api/v1/namespaces/ns1/pods/seed'],
        ['get', '/api/v1/nonsense'],
        ['get', '/apis/no.such.group/v1/things'],
        ['delete', '/api/v1/namespaces/ns1/pods/absent'],
      ] as const);
      out.push({
        what: `${method} ${path}`,
        send: (api) => request(api.handler)[method](path).send({}),
        codes: [404, 405],
      });
    }
  }
  return out;
}

type Seeded = TestApi & { seed: { metadata: Record<string, unknown> } & Record<string, unknown> };

describe('apiserver under generated bad input', function () {
  this.timeout(300_000);
  let api: Seeded;

  before(async () => {
    const started = await startTestApi();
    await request(started.handler)
      .post('/api/v1/namespaces')
      .send({ metadata: { name: 'ns1' } })
      .expect(201);
    const seed = (
      await request(started.handler).post('/api/v1/namespaces/ns1/pods').send(validPod('seed')).expect(201)
    ).body;
    api = Object.assign(started, { seed });
  });
  after(async () => api?.close());

  it('answers 3,000 bad requests with a Status of the right code, keeps serving and loses nothing', async () => {
    const seed = 20261124;
    const cases = generate(prng(seed), 3000);
    const before = (await request(api.handler).get('/api/v1/namespaces/ns1/pods').expect(200)).body;
    const wrong: string[] = [];
    // A few huge bodies too: 413 without reading them whole.
    const huge = JSON.stringify({
      ...validPod('huge'),
      metadata: { name: 'huge', annotations: { a: 'x'.repeat(4 << 20) } },
    });
    for (let i = 0; i < 3; i++) {
      const res = await request(api.handler)
        .post('/api/v1/namespaces/ns1/pods')
        .set('Content-Type', 'application/json')
        .send(huge);
      if (res.status !== 413) wrong.push(`huge body: got ${res.status}`);
    }
    for (const c of cases) {
      const res = await c.send(api);
      if (
        !c.codes.includes(res.status) ||
        res.body?.kind !== 'Status' ||
        res.body?.status !== 'Failure' ||
        res.body?.code !== res.status
      ) {
        wrong.push(`${c.what}: got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      }
    }
    expect(
      wrong,
      `seed ${seed}: ${wrong.length} wrong answers, first: ${wrong.slice(0, 5).join('\n')}`,
    ).to.deep.equal([]);
    await request(api.handler).get('/healthz').expect(200);
    const after = (await request(api.handler).get('/api/v1/namespaces/ns1/pods').expect(200)).body;
    expect(after.items).to.deep.equal(before.items);
  });
});
