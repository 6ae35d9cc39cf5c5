// Validation and field validation: what a refused write answers, with upstream's field paths.
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { createInertServiceAccount, inertPod } from '../../lib/pods.ts';
import { useSpecTimeouts } from '../../lib/specs.ts';
import { bodyOf, rejection, statusOf } from '../../lib/status.ts';

describe('api: validation', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('api-validation');
  const configMaps = () => `/api/v1/namespaces/${ns.name}/configmaps`;

  before(async function () {
    this.timeout(60_000);
    await createInertServiceAccount(ns.cluster, ns.name);
  });

  it('[API-VALIDATION-INVALID] an invalid object is refused with 422 Invalid naming the field path', async () => {
    const { core } = ns.cluster;
    const namespace = ns.name;
    const pod = inertPod('no-image');
    delete pod.spec!.containers[0]!.image;
    const podRefusal = await rejection(
      'create a pod without an image',
      core.createNamespacedPod({ namespace, body: pod }),
    );
    expect(podRefusal.code).to.equal(422);
    expect(podRefusal.status).to.deep.include({
      kind: 'Status',
      status: 'Failure',
      reason: 'Invalid',
      code: 422,
    });
    expect(podRefusal.status.details).to.deep.include({ name: 'no-image', kind: 'Pod' });
    expect(podRefusal.status.details?.causes ?? []).to.deep.include({
      reason: 'FieldValueRequired',
      message: 'Required value',
      field: 'spec.containers[0].image',
    });
    expect(podRefusal.status.message).to.equal(
      'Pod "no-image" is invalid: spec.containers[0].image: Required value',
    );
    expect(
      (await rejection('get the refused pod', core.readNamespacedPod({ name: 'no-image', namespace }))).code,
    ).to.equal(404);

    const nameRefusal = await rejection(
      'create a configmap named Bad_Name',
      core.createNamespacedConfigMap({ namespace, body: { metadata: { name: 'Bad_Name' } } }),
    );
    expect(nameRefusal.code).to.equal(422);
    expect(nameRefusal.status.reason).to.equal('Invalid');
    expect(nameRefusal.status.details).to.deep.include({ name: 'Bad_Name', kind: 'ConfigMap' });
    const causes = nameRefusal.status.details?.causes ?? [];
    expect(
      causes.map((c) => `${c.field} ${c.reason}`),
      'causes',
    ).to.include('metadata.name FieldValueInvalid');
    expect(nameRefusal.status.message).to.match(
      /^ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name"/,
    );
  });

  it('[API-VALIDATION-CONFIGMAP-EMPTY-KEY] a ConfigMap with an empty data key is refused with 422', async () => {
    const refusal = await rejection(
      'create a configmap with an empty key',
      ns.cluster.core.createNamespacedConfigMap({
        namespace: ns.name,
        body: { metadata: { name: 'empty-key' }, data: { '': 'value' } },
      }),
    );
    expect(refusal.code).to.equal(422);
    expect(refusal.status.reason).to.equal('Invalid');
    expect((refusal.status.details?.causes ?? []).map((c) => `${c.field} ${c.reason}`)).to.include(
      'data[] FieldValueInvalid',
    );
  });

  it('[API-VALIDATION-STRICT-UNKNOWN-FIELD] fieldValidation=Strict refuses unknown and duplicate fields with 400', async () => {
    const unknown = await ns.cluster.request({
      method: 'POST',
      path: configMaps(),
      query: { fieldValidation: 'Strict' },
      body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"strict-unknown","unknownMeta":"x"},"data":{"a":"1"}}',
    });
    const unknownStatus = statusOf('strict create with an unknown field', unknown, 400);
    expect(unknownStatus.reason).to.equal('BadRequest');
    expect(unknownStatus.message).to.include('strict decoding error:');
    expect(unknownStatus.message).to.include('unknown field "metadata.unknownMeta"');

    const duplicate = await ns.cluster.request({
      method: 'POST',
      path: configMaps(),
      query: { fieldValidation: 'Strict' },
      body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"strict-duplicate"},"data":{"a":"1"},"data":{"b":"2"}}',
    });
    const duplicateStatus = statusOf('strict create with a duplicate field', duplicate, 400);
    expect(duplicateStatus.reason).to.equal('BadRequest');
    expect(duplicateStatus.message).to.include('strict decoding error:');
    expect(duplicateStatus.message).to.include('duplicate field "data"');

    for (const name of ['strict-unknown', 'strict-duplicate']) {
      const res = await ns.cluster.request({ method: 'GET', path: `${configMaps()}/${name}` });
      expect(res.status, `${name} was not stored`).to.equal(404);
    }
  });

  it('[API-VALIDATION-WARN-UNKNOWN-FIELD] by default an unknown field is dropped with a Warning header', async () => {
    const warned = await ns.cluster.request({
      method: 'POST',
      path: configMaps(),
      body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"warn-unknown","unknownMeta":"x"},"data":{"a":"1"}}',
    });
    const stored = bodyOf<Record<string, unknown>>(
      'create with an unknown field (default Warn)',
      warned,
      [201],
    );
    expect(stored.metadata).to.not.have.property('unknownMeta');
    const warning = String(warned.headers.warning ?? '');
    expect(warning, 'Warning header').to.match(/^299 /);
    expect(warning, 'Warning header').to.include('unknown field \\"metadata.unknownMeta\\"');

    const ignored = await ns.cluster.request({
      method: 'POST',
      path: configMaps(),
      query: { fieldValidation: 'Ignore' },
      body: '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"ignore-unknown","unknownMeta":"x"},"data":{"a":"1"}}',
    });
    bodyOf('create with an unknown field (Ignore)', ignored, [201]);
    expect(String(ignored.headers.warning ?? ''), 'Warning header with Ignore').to.not.include(
      'unknown field',
    );
  });
});
