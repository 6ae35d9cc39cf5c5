// apps/v1 ReplicaSets and Deployments in the apiserver, in-process through supertest over the real
// embedded store: discovery, upstream's v1 defaults, validation messages and field paths, selector
// immutability, generation, status and scale subresources, and the kubectl table columns.
import { expect } from 'chai';
import request from 'supertest';
import { startTestApi, type TestApi } from './support/test-api.ts';

const RS_PATH = '/apis/apps/v1/namespaces/ns1/replicasets';
const DEPLOY_PATH = '/apis/apps/v1/namespaces/ns1/deployments';
const TABLE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

const template = (labels: Record<string, string> | undefined) => ({
  metadata: labels ? { labels } : {},
  spec: { containers: [{ name: 'main', image: 'kconform/busybox:test' }] },
});
const replicaSet = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, template: template({ app: name }), ...spec },
});
const deployment = (name: string, spec: Record<string, unknown> = {}) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name },
  spec: { selector: { matchLabels: { app: name } }, template: template({ app: name }), ...spec },
});

describe('apiserver: apps/v1 ReplicaSets and Deployments', () => {
  let api: TestApi;
  beforeEach(async () => {
    api = await startTestApi();
    await request(api.handler)
      .post('/api/v1/namespaces')
      .send({ metadata: { name: 'ns1' } })
      .expect(201);
  });
  afterEach(async () => api.close());

  it('lists apps/v1 in /apis and its resources, with scale and status subresources, in /apis/apps/v1', async () => {
    const groups = (await request(api.handler).get('/apis').expect(200)).body;
    expect(groups.groups.map((g: { name: string }) => g.name)).to.include('apps');
    const apps = (await request(api.handler).get('/apis/apps').expect(200)).body;
    expect(apps.preferredVersion).to.deep.equal({ groupVersion: 'apps/v1', version: 'v1' });
    const list = (await request(api.handler).get('/apis/apps/v1').expect(200)).body;
    const byName = new Map(list.resources.map((r: { name: string }) => [r.name, r]));
    expect(byName.get('replicasets')).to.deep.include({
      kind: 'ReplicaSet',
      namespaced: true,
      shortNames: ['rs'],
      categories: ['all'],
    });
    expect(byName.get('deployments')).to.deep.include({ kind: 'Deployment', shortNames: ['deploy'] });
    expect(byName.get('deployments/scale')).to.deep.include({
      kind: 'Scale',
      group: 'autoscaling',
      version: 'v1',
    });
    expect(byName.has('replicasets/status')).to.equal(true);
  });

  it("fills upstream's ReplicaSet defaults: replicas 1, the template's pod defaults, status replicas 0, generation 1", async () => {
    const body = replicaSet('web');
    const res = await request(api.handler).post(RS_PATH).send(body).expect(201);
    expect(res.body.spec.replicas).to.equal(1);
    expect(res.body.spec.template.spec).to.include({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
    });
    expect(res.body.spec.template.spec.containers[0]).to.include({
      terminationMessagePath: '/dev/termination-log',
      imagePullPolicy: 'IfNotPresent',
    });
    expect(res.body.status).to.deep.equal({ replicas: 0 });
    expect(res.body.metadata.generation).to.equal(1);
  });

  it("fills upstream's Deployment defaults: RollingUpdate 25%/25%, revisionHistoryLimit 10, progressDeadlineSeconds 600", async () => {
    const res = await request(api.handler).post(DEPLOY_PATH).send(deployment('web')).expect(201);
    expect(res.body.spec).to.deep.include({
      replicas: 1,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    });
    expect(res.body.status).to.deep.equal({});
    const recreate = await request(api.handler)
      .post(DEPLOY_PATH)
      .send(deployment('re', { strategy: { type: 'Recreate' } }))
      .expect(201);
    expect(recreate.body.spec.strategy).to.deep.equal({ type: 'Recreate' });
  });

  it('refuses a ReplicaSet without a selector, and one whose selector misses the template labels, as upstream words it', async () => {
    const noSelector = replicaSet('a');
    delete (noSelector.spec as Record<string, unknown>).selector;
    const res = await request(api.handler).post(RS_PATH).send(noSelector).expect(422);
    expect(res.body.reason).to.equal('Invalid');
    expect(res.body.message).to.equal(
      'ReplicaSet.apps "a" is invalid: [spec.selector: Required value, ' +
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"a"}: `selector` does not match template `labels`]',
    );
    expect(res.body.details).to.deep.include({ name: 'a', group: 'apps', kind: 'ReplicaSet' });

    const mismatch = replicaSet('b', { template: template({ app: 'other' }) });
    const res2 = await request(api.handler).post(RS_PATH).send(mismatch).expect(422);
    expect(res2.body.message).to.equal(
      'ReplicaSet.apps "b" is invalid: spec.template.metadata.labels: Invalid value: ' +
        'map[string]string{"app":"other"}: `selector` does not match template `labels`',
    );
    expect(res2.body.details.causes).to.deep.equal([
      {
        reason: 'FieldValueInvalid',
        message:
          'Invalid value: map[string]string{"app":"other"}: `selector` does not match template `labels`',
        field: 'spec.template.metadata.labels',
      },
    ]);
  });

  it('matches matchExpressions against the template labels and validates the requirements', async () => {
    const ok = replicaSet('expr', {
      selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['expr', 'x'] }] },
    });
    await request(api.handler).post(RS_PATH).send(ok).expect(201);
    const bad = replicaSet('bad', {
      selector: { matchLabels: { app: 'bad' }, matchExpressions: [{ key: 'tier', operator: 'In' }] },
    });
    const res = await request(api.handler).post(RS_PATH).send(bad).expect(422);
    expect(res.body.message).to.equal(
      'ReplicaSet.apps "bad" is invalid: [spec.selector.matchExpressions[0].values: Required value: ' +
        "must be specified when `operator` is 'In' or 'NotIn', spec.selector: Invalid value: " +
        'v1.LabelSelector{MatchLabels:map[string]string{"app":"bad"}, MatchExpressions:[]v1.LabelSelectorRequirement' +
        '{v1.LabelSelectorRequirement{Key:"tier", Operator:"In", Values:[]string(nil)}}}: invalid label selector]',
    );
  });

  it('refuses a Deployment with a bad rolling update and a template restartPolicy other than Always', async () => {
    const body = deployment('d', {
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } },
    });
    (body.spec.template.spec as Record<string, unknown>).restartPolicy = 'Never';
    const res = await request(api.handler).post(DEPLOY_PATH).send(body).expect(422);
    expect(res.body.message).to.equal(
      'Deployment.apps "d" is invalid: [spec.template.spec.restartPolicy: Unsupported value: "Never": ' +
        'supported values: "Always", spec.strategy.rollingUpdate.maxUnavailable: Invalid value: ' +
        'intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}: may not be 0 when `maxSurge` is 0]',
    );
  });

  it('answers a wrongly typed field with the decoder’s 400', async () => {
    const body = replicaSet('t', { replicas: 'three' });
    const res = await request(api.handler).post(RS_PATH).send(body).expect(400);
    expect(res.body.message).to.equal(
      'ReplicaSet in version "v1" cannot be handled as a ReplicaSet: json: cannot unmarshal string into ' +
        'Go struct field ReplicaSetSpec.spec.replicas of type int32',
    );
  });

  it('keeps the selector immutable and bumps generation on a spec change only', async () => {
    await request(api.handler).post(DEPLOY_PATH).send(deployment('web')).expect(201);
    const changed = await request(api.handler)
      .patch(`${DEPLOY_PATH}/web`)
      .set('Content-Type', 'application/strategic-merge-patch+json')
      .send({
        spec: { template: { spec: { containers: [{ name: 'main', image: 'kconform/busybox:v2' }] } } },
      })
      .expect(200);
    expect(changed.body.metadata.generation).to.equal(2);
    expect(changed.body.spec.template.spec.containers).to.have.length(1);
    expect(changed.body.spec.template.spec.containers[0].image).to.equal('kconform/busybox:v2');
    const labelled = await request(api.handler)
      .patch(`${DEPLOY_PATH}/web`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ metadata: { labels: { x: 'y' } } })
      .expect(200);
    expect(labelled.body.metadata.generation).to.equal(2);
    const res = await request(api.handler)
      .patch(`${DEPLOY_PATH}/web`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({
        spec: {
          selector: { matchLabels: { app: 'web', v: '2' } },
          template: { metadata: { labels: { v: '2' } } },
        },
      })
      .expect(422);
    expect(res.body.message).to.equal(
      'Deployment.apps "web" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:' +
        'map[string]string{"app":"web", "v":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    );
  });

  it('serves status (a main-resource write leaves it alone) and scale with the selector as a string', async () => {
    const body = replicaSet('web', {
      replicas: 2,
      selector: {
        matchLabels: { app: 'web' },
        matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['z', 'b'] }],
      },
    });
    const created = (await request(api.handler).post(RS_PATH).send(body).expect(201)).body;
    const status = await request(api.handler)
      .put(`${RS_PATH}/web/status`)
      .send({ ...created, status: { replicas: 2, readyReplicas: 1, observedGeneration: 1 } })
      .expect(200);
    expect(status.body.status).to.deep.equal({ replicas: 2, readyReplicas: 1, observedGeneration: 1 });
    const main = await request(api.handler)
      .put(`${RS_PATH}/web`)
      .send({ ...status.body, status: { replicas: 7 } })
      .expect(200);
    expect(main.body.status.replicas).to.equal(2);

    const scale = (await request(api.handler).get(`${RS_PATH}/web/scale`).expect(200)).body;
    expect(scale).to.deep.include({ kind: 'Scale', apiVersion: 'autoscaling/v1' });
    expect(scale.spec).to.deep.equal({ replicas: 2 });
    expect(scale.status).to.deep.equal({ replicas: 2, selector: 'app=web,tier notin (b,z)' });
    await request(api.handler)
      .patch(`${RS_PATH}/web/scale`)
      .set('Content-Type', 'application/merge-patch+json')
      .send({ spec: { replicas: 5 } })
      .expect(200);
    const after = (await request(api.handler).get(`${RS_PATH}/web`).expect(200)).body;
    expect(after.spec.replicas).to.equal(5);
    expect(after.metadata.generation).to.equal(2);
  });

  it("prints upstream's kubectl get columns", async () => {
    await request(api.handler)
      .post(RS_PATH)
      .send(replicaSet('web', { replicas: 3 }))
      .expect(201);
    await request(api.handler)
      .post(DEPLOY_PATH)
      .send(deployment('web', { replicas: 2 }))
      .expect(201);
    const rs = (await request(api.handler).get(RS_PATH).set('Accept', TABLE).expect(200)).body;
    expect(rs.columnDefinitions.map((c: { name: string }) => c.name)).to.deep.equal([
      'Name',
      'Desired',
      'Current',
      'Ready',
      'Age',
      'Containers',
      'Images',
      'Selector',
    ]);
    expect(rs.rows[0].cells.slice(0, 4)).to.deep.equal(['web', 3, 0, 0]);
    expect(rs.rows[0].cells.slice(5)).to.deep.equal(['main', 'kconform/busybox:test', 'app=web']);
    const d = (await request(api.handler).get(DEPLOY_PATH).set('Accept', TABLE).expect(200)).body;
    expect(d.columnDefinitions.map((c: { name: string }) => c.name).slice(0, 5)).to.deep.equal([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
    ]);
    expect(d.rows[0].cells.slice(0, 4)).to.deep.equal(['web', '0/2', 0, 0]);
  });
});
