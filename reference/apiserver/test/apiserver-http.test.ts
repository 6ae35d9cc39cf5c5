// The apiserver's REST behaviour, in-process through supertest over the real embedded store:
// every status code the issue names, and the object lifecycle semantics upstream has.
import { expect } from 'chai';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/test-api.ts';

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: 'web' } },
  spec: { containers: [{ name: 'main', image: 'kconform/busybox:test' }] },
  ...extra,
});

describe('apiserver REST (in-process, embedded store)', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
    await request(api.handler)
      .post('/api/v1/namespaces')
      .send({ metadata: { name: 'ns1' } })
      .expect(201);
  });
  afterEach(async () => api.close());

  describe('create and get', () => {
    it('creates with 201, stamping uid, creationTimestamp, resourceVersion, defaults and Pending status', async () => {
      const res = await request(api.handler).post('/api/v1/namespaces/ns1/pods').send(pod('web')).expect(201);
      expect(res.headers['content-type']).to.equal('application/json');
      const meta = res.body.metadata;
      expect(meta.uid).to.match(/^[0-9a-f-]{36}$/);
      expect(meta.creationTimestamp).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(meta.resourceVersion).to.match(/^\d+$/);
      expect(meta.namespace).to.equal('ns1');
      expect(res.body.spec.restartPolicy).to.equal('Always');
      expect(res.body.status.phase).to.equal('Pending');
      const got = await request(api.handler).get('/api/v1/namespaces/ns1/pods/web').expect(200);
      expect(got.body.metadata.resourceVersion).to.equal(meta.resourceVersion);
      expect(got.body.kind).to.equal('Pod');
      expect(got.body.apiVersion).to.equal('v1');
    });

    it('generateName makes a unique name with a 5-character suffix', async () => {
      const body = pod('');
      body.metadata = { generateName: 'web-' } as never;
      const a = await request(api.handler).post('/api/v1/namespaces/ns1/pods').send(body).expect(201);
      const b = await request(api.handler).post('/api/v1/namespaces/ns1/pods').send(body).expect(201);
      expect(a.body.metadata.name).to.match(/^web-[a-z0-9]{5}$/);
      expect(a.body.metadata.name).not.to.equal(b.body.metadata.name);
    });

    it('409 AlreadyExists for a second create of the same name', async () => {
      await request(api.handler).post('/api/v1/namespaces/ns1/pods').send(pod('web')).expect(201);
      const res = await request(api.handler).post('/api/v1/namespaces/ns1/pods').send(pod('web')).expect(409);
      expect(res.body).to.deep.include({
        kind: 'Status',
        reason: 'AlreadyExists',
        message: 'pods "web" already exists',
        code: 409,
      });
      expect(res.body.details).to.deep.equal({ name: 'web', kind: 'pods' });
    });

    it('404 NotFound for a missing object, a missing namespace and an unknown path', async () => {
      const missing = await request(api.handler).get('/api/v1/namespaces/ns1/pods/nope').expect(404);
      expect(missing.body).to.deep.include({ reason: 'NotFound', message: 'pods "nope" not found' });
      const noNs = await request(api.handler)
        .post('/api/v1/namespaces/ghost/pods')
        .send(pod('web'))
        .expect(404);
      expect(noNs.body.message).to.equal('namespaces "ghost" not found');
      const path = await request(api.handler).get('/api/v1/widgets').expect(404);
      expect(path.body.message).to.equal('the server could not find the requested resource');
      const grouped = await request(api.handler)
        .get('/apis/coordination.k8s.io/v1/namespaces/ns1/leases/x')
        .expect(404);
      expect(grouped.body.message).to.equal('leases.coordination.k8s.io "x" not found');
    });

    it('dryRun=All validates and answers without storing', async () => {
      await request(api.handler).post('/api/v1/namespaces/ns1/pods?dryRun=All').send(pod('dry')).expect(201);
      await request(api.handler).get('/api/v1/namespaces/ns1/pods/dry').expect(404);
    });
  });

  describe('bad input', () => {
    it('400 for malformed JSON, and nothing is stored', async () => {
      const res = await request(api.handler)
        .post('/api/v1/namespaces/ns1/pods')
        .set('Content-Type', 'application/json')
        .send('{"metadata": {"name": "x"')
        .expect(400);
      expect(res.body.reason).to.equal('BadRequest');
      expect(res.body.message).to.match(
        /^the object provided is unrecognized: couldn't get version\/kind; json parse error: /,
      );
      const list = await request(api.handler).get('/api/v1/namespaces/ns1/pods').expect(200);
      expect(list.body.items).to.deep.equal([]);
    });

    it('400 for a body of another kind', async () => {
      const res = await request(api.handler)
        .post('/api/v1/namespaces/ns1/pods')
        .send({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' } })
        .expect(400);
      expect(res.body.message).to.match(/^Service in version "v1" cannot be handled as a Pod/);
    });

    it('413 for a body over 3 MiB', async () => {
      const huge = pod('big', { metadata: { name: 'big', annotations: { a: 'x'.repeat(3 * 1024 * 1024) } } });
      const res = await request(api.handler).post('/api/v1/namespaces/ns1/pods').send(huge).expect(413);
      expect(res.body).to.deep.include({
        reason: 'RequestEntityTooLarge',
        message: 'Request entity too large: limit is 3145728',
      });
    });

    it('415 for an unknown content type, on create and on patch', async () => {
      const create = await request(api.handler)
        .post('/api/v1/namespaces/ns1/pods')
        .set('Content-Type', 'text/plain')
        .send('hello')
        .expect(415);
      expect(create.body.reason).to.equal('UnsupportedMediaType');
      await request(api.handler).post('/api/v1/namespaces/ns1/pods').send(pod('web')).expect(201);
      const patch = await request(api.handler)
        .patch('/api/v1/namespaces/ns1/pods/web')
        .set('Content-Type', 'application/xml')
        .send('<x/>')
        .expect(415);
      expect(patch.body.message).to.equal(
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json',
      );
    });

    it('405 for a verb the path does not take', async () => {
      const res = await request(api.handler).put('/api/v1/namespaces/ns1/pods').send(pod('x')).expect(405);
      expect(res.body).to.deep.include({
        reason: 'MethodNotAllowed',
        message: 'update is not supported on resources of kind "pods"',
      });
    });

    it('422 Invalid with upstream field paths for an invalid object', async () => {
      const bad = pod('web');
      (bad.spec.containers[0] as Record<string, unknown>).image = '';
      const res = await request(api.handler).post('/api/v1/namespaces/ns1/pods').send(bad).expect(422);
      expect(res.body.reason).to.equal('Invalid');
      expect(res.body.message).to.equal('Pod "web" is invalid: spec.containers[0].image: Required value');
      expect(res.body.details.causes).to.deep.include({
        reason: 'FieldValueRequired',
        message: 'Required value',
        field: 'spec.containers[0].image',
      });
    });

    it('400 for a bad label selector', async () => {
      const res = await request(api.handler)
        .get('/api/v1/namespaces/ns1/pods')
        .query({ labelSelector: 'app in web' })
        .expect(400);
      expect(res.body.message).to.equal("unable to parse requirement: found 'web', expected: '('");
    });
  });

  describe('update and optimistic concurrency', () => {
    it('409 Conflict for a stale resourceVersion, and the stored object is unchanged', async () => {
      const created = (
        await request(api.handler).post('/api/v1/namespaces/ns1/pods').send(pod('web')).expect(201)
      ).body;
      const first = { ...created, metadata: { ...created.metadata, labels: { app: 'web', v: '1' } } };
      const updated = (
        await request(api.handler).put('/api/v1/namespaces/ns1/pods/web').send(first).expect(200)
      ).body;
      expect(Number(updated.metadata.resourceVersion)).to.be.greaterThan(
        Number(created.metadata.resourceVersion),
      );
      const stale = { ...created, metadata: { ...created.metadata, labels: { app: 'web', v: '2' } } };
      const res = await request(api.handler).put('/api/v1/namespaces/ns1/pods/web').send(stale).expect(409);
      expect(res.body.reason).to.equal('Conflict');
      expect(res.body.message).to.equal(
        'Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again',
      );
      const now = (await request(api.handler).get('/api/v1/namespaces/ns1/pods/web').expect(200)).body;
      expect(now.metadata.labels).to.deep.equal({ app: 'web', v: '1' });
    });

    it('a main-resource update leaves status alone; a status update leaves spec alone', async () => {
      const created = (
        await request(api.handler).post('/api/v1/namespaces/ns1/pods').send(pod('web')).expect(201)
      ).body;
      const withStatus = { ...created, status: { phase: 'Running' } };
      const main = (
        await request(api.handler).put('/api/v1/namespaces/ns1/pods/web').send(withStatus).expect(200)
      ).body;
      expect(main.status.phase).to.equal('Pending');
      const statusBody = {
        ...main,
        spec: { ...main.spec, activeDeadlineSeconds: 5 },
        status: { phase: 'Running' },
      };
      const status = (
        await request(api.handler).put('/api/v1/namespaces/ns1/pods/web/status').send(statusBody).expect(200)
      ).body;
      expect(status.status.phase).to.equal('Running');
      expect(status.spec.activeDeadlineSeconds).to.equal(undefined);
    });

    it('patch: merge patch, JSON patch and strategic merge patch', async () => {
      await request(api.handler).post('/api/v1/namespaces/ns1/pods').send(pod('web')).expect(201);
      const merge = await request(api.handler)
        .patch('/api/v1/namespaces/ns1/pods/web')
        .set('Content-Type', 'application/merge-patch+json')
        .send({ metadata: { labels: { tier: 'front' } } })
        .expect(200);
      expect(merge.body.metadata.labels).to.deep.equal({ app: 'web', tier: 'front' });
      const json = await request(api.handler)
        .patch('/api/v1/namespaces/ns1/pods/web')
        .set('Content-Type', 'application/json-patch+json')
        .send([{ op: 'remove', path: '/metadata/labels/tier' }])
        .expect(200);
      expect(json.body.metadata.labels).to.deep.equal({ app: 'web' });
      const smp = await request(api.handler)
        .patch('/api/v1/namespaces/ns1/pods/web')
        .set('Content-Type', 'application/strategic-merge-patch+json')
        .send({ spec: { containers: [{ name: 'main', image: 'kconform/busybox:v2' }] } })
        .expect(200);
      expect(smp.body.spec.containers).to.have.length(1);
      expect(smp.body.spec.containers[0].image).to.equal('kconform/busybox:v2');
      expect(smp.body.spec.containers[0].terminationMessagePath).to.equal('/dev/termination-log');
    });
  });

  describe('delete', () => {
    it('a pod bound to a node is deleted gracefully: deletionTimestamp and grace set, then removed with grace 0', async () => {
      await request(api.handler).post('/api/v1/namespaces/ns1/pods').send(pod('web')).expect(201);
      await request(api.handler)
        .post('/api/v1/namespaces/ns1/pods/web/binding')
        .send({
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name: 'web' },
          target: { kind: 'Node', name: 'n1' },
        })
        .expect(201);
      const graceful = await request(api.handler).delete('/api/v1/namespaces/ns1/pods/web').expect(202);
      expect(graceful.body.metadata.deletionGracePeriodSeconds).to.equal(30);
      expect(graceful.body.metadata.deletionTimestamp).to.match(/Z$/);
      await request(api.handler).get('/api/v1/namespaces/ns1/pods/web').expect(200);
      await request(api.handler).delete('/api/v1/namespaces/ns1/pods/web?gracePeriodSeconds=0').expect(200);
      await request(api.handler).get('/api/v1/namespaces/ns1/pods/web').expect(404);
    });

    it('an unscheduled pod is deleted at once', async () => {
      await request(api.handler).post('/api/v1/namespaces/ns1/pods').send(pod('web')).expect(201);
      await request(api.handler).delete('/api/v1/namespaces/ns1/pods/web').expect(200);
      await request(api.handler).get('/api/v1/namespaces/ns1/pods/web').expect(404);
    });

    it('finalizers hold an object until the last one is removed', async () => {
      const cm = { metadata: { name: 'held', finalizers: ['example.com/hold'] }, data: { a: '1' } };
      await request(api.handler).post('/api/v1/namespaces/ns1/configmaps').send(cm).expect(201);
      const marked = (await request(api.handler).delete('/api/v1/namespaces/ns1/configmaps/held').expect(202))
        .body;
      expect(marked.metadata.deletionTimestamp).to.be.a('string');
      const released = { ...marked, metadata: { ...marked.metadata, finalizers: [] } };
      await request(api.handler).put('/api/v1/namespaces/ns1/configmaps/held').send(released).expect(200);
      await request(api.handler).get('/api/v1/namespaces/ns1/configmaps/held').expect(404);
    });

    it('a uid precondition that does not match is a 409', async () => {
      await request(api.handler)
        .post('/api/v1/namespaces/ns1/configmaps')
        .send({ metadata: { name: 'c' } })
        .expect(201);
      const res = await request(api.handler)
        .delete('/api/v1/namespaces/ns1/configmaps/c')
        .send({ kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: 'other' } })
        .expect(409);
      expect(res.body.message).to.match(
        /Precondition failed: UID in precondition: other, UID in object meta: /,
      );
    });

    it('deletecollection removes what the selector matches', async () => {
      for (const [name, app] of [
        ['a', 'x'],
        ['b', 'x'],
        ['c', 'y'],
      ]) {
        await request(api.handler)
          .post('/api/v1/namespaces/ns1/configmaps')
          .send({ metadata: { name, labels: { app } } })
          .expect(201);
      }
      await request(api.handler)
        .delete('/api/v1/namespaces/ns1/configmaps?labelSelector=app%3Dx')
        .expect(200);
      const left = (await request(api.handler).get('/api/v1/namespaces/ns1/configmaps').expect(200)).body;
      expect(left.items.map((i: { metadata: { name: string } }) => i.metadata.name)).to.deep.equal(['c']);
    });

    it('a terminating namespace refuses new content with 403', async () => {
      await request(api.handler).delete('/api/v1/namespaces/ns1').expect(202);
      const res = await request(api.handler)
        .post('/api/v1/namespaces/ns1/configmaps')
        .send({ metadata: { name: 'late' } })
        .expect(403);
      expect(res.body.message).to.equal(
        'configmaps "late" is forbidden: unable to create new content in namespace ns1 because it is being terminated',
      );
    });
  });

  describe('services', () => {
    const svc = (name: string, spec: Record<string, unknown> = {}) => ({
      metadata: { name },
      spec: { selector: { app: 'web' }, ports: [{ port: 80 }], ...spec },
    });

    it('allocates a cluster IP in the service range and refuses one already taken, until it is freed', async () => {
      const a = (
        await request(api.handler).post('/api/v1/namespaces/ns1/services').send(svc('a')).expect(201)
      ).body;
      expect(a.spec.clusterIP).to.match(/^10\.96\.\d+\.\d+$/);
      expect(a.spec.clusterIPs).to.deep.equal([a.spec.clusterIP]);
      expect(a.spec.ports[0]).to.deep.include({ protocol: 'TCP', targetPort: 80 });
      const clash = await request(api.handler)
        .post('/api/v1/namespaces/ns1/services')
        .send(svc('b', { clusterIP: a.spec.clusterIP }))
        .expect(422);
      expect(clash.body.message).to.equal(
        `Service "b" is invalid: spec.clusterIPs: Invalid value: []string{"${a.spec.clusterIP}"}: failed to allocate IP ${a.spec.clusterIP}: provided IP is already allocated`,
      );
      await request(api.handler).delete('/api/v1/namespaces/ns1/services/a').expect(200);
      const b = (
        await request(api.handler)
          .post('/api/v1/namespaces/ns1/services')
          .send(svc('b', { clusterIP: a.spec.clusterIP }))
          .expect(201)
      ).body;
      expect(b.spec.clusterIP).to.equal(a.spec.clusterIP);
    });

    it('headless services get no IP; NodePort services get a node port in range; an update keeps them', async () => {
      const headless = (
        await request(api.handler)
          .post('/api/v1/namespaces/ns1/services')
          .send(svc('h', { clusterIP: 'None' }))
          .expect(201)
      ).body;
      expect(headless.spec.clusterIP).to.equal('None');
      const np = (
        await request(api.handler)
          .post('/api/v1/namespaces/ns1/services')
          .send(svc('np', { type: 'NodePort' }))
          .expect(201)
      ).body;
      expect(np.spec.ports[0].nodePort).to.be.within(30000, 32767);
      const edited = {
        ...np,
        spec: { ...np.spec, clusterIP: undefined, clusterIPs: undefined, ports: [{ port: 80 }] },
      };
      const after = (
        await request(api.handler).put('/api/v1/namespaces/ns1/services/np').send(edited).expect(200)
      ).body;
      expect(after.spec.clusterIP).to.equal(np.spec.clusterIP);
      expect(after.spec.ports[0].nodePort).to.equal(np.spec.ports[0].nodePort);
      const out = await request(api.handler)
        .post('/api/v1/namespaces/ns1/services')
        .send(svc('bad', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }))
        .expect(422);
      expect(out.body.message).to.include('spec.ports[0].nodePort: Invalid value: 80');
    });

    it('the kubernetes Service sits at the first address of the range', async () => {
      const k = (await request(api.handler).get('/api/v1/namespaces/default/services/kubernetes').expect(200))
        .body;
      expect(k.spec.clusterIP).to.equal('10.96.0.1');
    });
  });

  describe('subresources', () => {
    const rc = {
      metadata: { name: 'rc1' },
      spec: {
        replicas: 1,
        selector: { app: 'web' },
        template: { metadata: { labels: { app: 'web' } }, spec: pod('x').spec },
      },
    };

    it('replicationcontrollers/scale reads and writes spec.replicas as an autoscaling/v1 Scale', async () => {
      await request(api.handler).post('/api/v1/namespaces/ns1/replicationcontrollers').send(rc).expect(201);
      const scale = (
        await request(api.handler).get('/api/v1/namespaces/ns1/replicationcontrollers/rc1/scale').expect(200)
      ).body;
      expect(scale).to.deep.include({ kind: 'Scale', apiVersion: 'autoscaling/v1' });
      expect(scale.spec).to.deep.equal({ replicas: 1 });
      expect(scale.status.selector).to.equal('app=web');
      await request(api.handler)
        .patch('/api/v1/namespaces/ns1/replicationcontrollers/rc1/scale')
        .set('Content-Type', 'application/merge-patch+json')
        .send({ spec: { replicas: 3 } })
        .expect(200);
      const after = (
        await request(api.handler).get('/api/v1/namespaces/ns1/replicationcontrollers/rc1').expect(200)
      ).body;
      expect(after.spec.replicas).to.equal(3);
      expect(after.metadata.generation).to.equal(2);
      const bad = await request(api.handler)
        .put('/api/v1/namespaces/ns1/replicationcontrollers/rc1/scale')
        .send({
          ...scale,
          metadata: { ...scale.metadata, resourceVersion: undefined },
          spec: { replicas: -1 },
        })
        .expect(422);
      expect(bad.body.message).to.equal(
        'Scale.autoscaling "rc1" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
      );
      const stale = await request(api.handler)
        .put('/api/v1/namespaces/ns1/replicationcontrollers/rc1/scale')
        .send({ ...scale, spec: { replicas: 5 } });
      expect(stale.status).to.equal(409);
    });

    it('a namespace stays Terminating until namespaces/finalize empties spec.finalizers, then goes', async () => {
      await request(api.handler)
        .post('/api/v1/namespaces')
        .send({ metadata: { name: 'doomed' } })
        .expect(201);
      const terminating = (await request(api.handler).delete('/api/v1/namespaces/doomed').expect(202)).body;
      expect(terminating.status.phase).to.equal('Terminating');
      expect(terminating.spec.finalizers).to.deep.equal(['kubernetes']);
      const status = { ...terminating, status: { ...terminating.status, conditions: [] } };
      await request(api.handler).put('/api/v1/namespaces/doomed/status').send(status).expect(200);
      await request(api.handler).get('/api/v1/namespaces/doomed').expect(200);
      const finalize = {
        ...terminating,
        metadata: { ...terminating.metadata, resourceVersion: undefined },
        spec: { finalizers: [] },
      };
      await request(api.handler).put('/api/v1/namespaces/doomed/finalize').send(finalize).expect(200);
      await request(api.handler).get('/api/v1/namespaces/doomed').expect(404);
    });
  });

  describe('server-side printing', () => {
    const TABLE =
      'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

    it('answers kubectl get with a meta.k8s.io/v1 Table with upstream columns', async () => {
      await request(api.handler).post('/api/v1/namespaces/ns1/pods').send(pod('web')).expect(201);
      const table = (
        await request(api.handler).get('/api/v1/namespaces/ns1/pods').set('Accept', TABLE).expect(200)
      ).body;
      expect(table).to.deep.include({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
      expect(table.columnDefinitions.map((c: { name: string }) => c.name)).to.deep.equal([
        'Name',
        'Ready',
        'Status',
        'Restarts',
        'Age',
        'IP',
        'Node',
        'Nominated Node',
        'Readiness Gates',
      ]);
      expect(table.rows).to.have.length(1);
      expect(table.rows[0].cells.slice(0, 4)).to.deep.equal(['web', '0/1', 'Pending', '0']);
      expect(table.rows[0].cells[4]).to.match(/^\d+s$/);
      expect(table.rows[0].object.metadata.name).to.equal('web');
    });

    it('prints ages as upstream does', async () => {
      const { humanDuration } = await import('../src/http/table.ts');
      const s = 1000;
      expect(
        [59 * s, 119 * s, 125 * s, 600 * s, 3 * 3600 * s + 5 * 60 * s, 50 * 3600 * s, 400 * 86400 * s].map(
          humanDuration,
        ),
      ).to.deep.equal(['59s', '119s', '2m5s', '10m', '3h5m', '2d2h', '400d']);
    });
  });

  describe('list', () => {
    beforeEach(async () => {
      for (let i = 0; i < 7; i++) {
        await request(api.handler)
          .post('/api/v1/namespaces/ns1/configmaps')
          .send({ metadata: { name: `cm-${i}`, labels: { parity: i % 2 ? 'odd' : 'even' } } })
          .expect(201);
      }
    });

    it('filters by label and field selectors', async () => {
      const odd = (
        await request(api.handler)
          .get('/api/v1/namespaces/ns1/configmaps?labelSelector=parity%3Dodd')
          .expect(200)
      ).body;
      expect(odd.kind).to.equal('ConfigMapList');
      expect(odd.items.map((i: { metadata: { name: string } }) => i.metadata.name)).to.deep.equal([
        'cm-1',
        'cm-3',
        'cm-5',
      ]);
      const one = (
        await request(api.handler).get('/api/v1/configmaps?fieldSelector=metadata.name%3Dcm-4').expect(200)
      ).body;
      expect(one.items).to.have.length(1);
    });

    it('pages with limit and continue at one consistent revision', async () => {
      const first = (await request(api.handler).get('/api/v1/namespaces/ns1/configmaps?limit=3').expect(200))
        .body;
      expect(first.items).to.have.length(3);
      expect(first.metadata.continue).to.be.a('string');
      // A write between pages is not seen by the rest of the list.
      await request(api.handler)
        .post('/api/v1/namespaces/ns1/configmaps')
        .send({ metadata: { name: 'cm-zz' } })
        .expect(201);
      const names = first.items.map((i: { metadata: { name: string } }) => i.metadata.name);
      let token = first.metadata.continue;
      while (token) {
        const page = (
          await request(api.handler)
            .get(`/api/v1/namespaces/ns1/configmaps?limit=3&continue=${encodeURIComponent(token)}`)
            .expect(200)
        ).body;
        expect(page.metadata.resourceVersion).to.equal(first.metadata.resourceVersion);
        names.push(...page.items.map((i: { metadata: { name: string } }) => i.metadata.name));
        token = page.metadata.continue;
      }
      expect(names).to.deep.equal(['cm-0', 'cm-1', 'cm-2', 'cm-3', 'cm-4', 'cm-5', 'cm-6']);
    });

    it('a bad continue token is a 400', async () => {
      const res = await request(api.handler)
        .get('/api/v1/namespaces/ns1/configmaps?limit=3&continue=garbage')
        .expect(400);
      expect(res.body.message).to.match(/^continue key is not valid/);
    });
  });
});
