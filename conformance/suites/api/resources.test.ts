// The lifecycles of the other plain API objects clients rely on: Secret, Lease and both Event APIs.
import type { CoreV1Event, EventsV1Event, V1Lease, V1Secret } from '@kubernetes/client-node';
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { useSpecTimeouts } from '../../lib/specs.ts';
import { bodyOf, rejection } from '../../lib/status.ts';

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const MICRO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe('api: secrets, leases and events', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('api-resources');

  it('[API-SECRET-DATA] a Secret stores data and stringData base64-encoded and never returns stringData', async () => {
    const namespace = ns.name;
    const path = `/api/v1/namespaces/${namespace}/secrets`;
    const created = bodyOf<V1Secret & { stringData?: unknown }>(
      'create a secret',
      await ns.cluster.request({
        method: 'POST',
        path,
        body: {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'creds', labels: { 'secret-test': 'yes' } },
          type: 'Opaque',
          data: { password: b64('s3cret'), user: b64('overridden') },
          stringData: { user: 'admin' },
        },
      }),
      [201],
    );
    expect(
      created.data,
      `data after create is ${JSON.stringify(created.data)}; a stringData key must win over a data key`,
    ).to.deep.equal({ password: b64('s3cret'), user: b64('admin') });
    expect(created, 'stringData is write-only').to.not.have.property('stringData');

    const patched = bodyOf<V1Secret & { stringData?: unknown }>(
      'merge patch adding stringData',
      await ns.cluster.request({
        method: 'PATCH',
        path: `${path}/creds`,
        contentType: 'application/merge-patch+json',
        body: { stringData: { token: 'abc' } },
      }),
      [200],
    );
    expect(
      patched.data,
      `data after a merge patch adding stringData is ${JSON.stringify(patched.data)}`,
    ).to.deep.equal({
      password: b64('s3cret'),
      user: b64('admin'),
      token: b64('abc'),
    });
    expect(patched).to.not.have.property('stringData');

    const read = bodyOf<V1Secret>(
      'get the secret',
      await ns.cluster.request({ method: 'GET', path: `${path}/creds` }),
      [200],
    );
    expect(read.data).to.deep.equal(patched.data);
    expect(read).to.not.have.property('stringData');

    const listed = await ns.cluster.core.listNamespacedSecret({
      namespace,
      labelSelector: 'secret-test=yes',
    });
    expect(listed.items.map((s) => s.metadata?.name)).to.deep.equal(['creds']);
    await ns.cluster.core.deleteNamespacedSecret({ name: 'creds', namespace });
    expect(
      (
        await rejection(
          'get after delete',
          ns.cluster.core.readNamespacedSecret({ name: 'creds', namespace }),
        )
      ).code,
    ).to.equal(404);
  });

  it('[API-LEASE-LIFECYCLE] a Lease can be created, read, updated, patched, listed and deleted', async () => {
    const namespace = ns.name;
    const path = `/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`;
    const acquire = '2024-05-01T10:00:00.123456Z';
    const renew = '2024-05-01T10:00:05.654321Z';
    const created = bodyOf<V1Lease>(
      'create a lease',
      await ns.cluster.request({
        method: 'POST',
        path,
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: 'lease', labels: { 'lease-test': 'yes' } },
          spec: {
            holderIdentity: 'holder-1',
            leaseDurationSeconds: 30,
            acquireTime: acquire,
            renewTime: renew,
          },
        },
      }),
      [201],
    );
    expect(created.spec).to.deep.include({ holderIdentity: 'holder-1', leaseDurationSeconds: 30 });
    const read = bodyOf<{ spec: Record<string, unknown>; metadata: Record<string, unknown> }>(
      'get the lease',
      await ns.cluster.request({ method: 'GET', path: `${path}/lease` }),
      [200],
    );
    expect(read.spec.acquireTime, 'acquireTime').to.equal(acquire);
    expect(read.spec.renewTime, 'renewTime').to.equal(renew);
    expect(read.spec.renewTime, 'MicroTime format').to.match(MICRO_TIME);

    const renewedAt = '2024-05-01T10:00:10.000001Z';
    const updated = bodyOf<{ spec: Record<string, unknown> }>(
      'update the lease',
      await ns.cluster.request({
        method: 'PUT',
        path: `${path}/lease`,
        body: { ...read, spec: { ...read.spec, holderIdentity: 'holder-2', renewTime: renewedAt } },
      }),
      [200],
    );
    expect(updated.spec).to.deep.include({
      holderIdentity: 'holder-2',
      renewTime: renewedAt,
      acquireTime: acquire,
    });

    const patched = bodyOf<{ spec: Record<string, unknown> }>(
      'merge patch the lease',
      await ns.cluster.request({
        method: 'PATCH',
        path: `${path}/lease`,
        contentType: 'application/merge-patch+json',
        body: { spec: { holderIdentity: 'holder-3', leaseDurationSeconds: 60 } },
      }),
      [200],
    );
    expect(patched.spec).to.deep.include({
      holderIdentity: 'holder-3',
      leaseDurationSeconds: 60,
      renewTime: renewedAt,
    });

    const listed = await ns.cluster.coordination.listNamespacedLease({
      namespace,
      labelSelector: 'lease-test=yes',
    });
    expect(listed.items.map((l) => l.metadata?.name)).to.deep.equal(['lease']);
    await ns.cluster.coordination.deleteNamespacedLease({ name: 'lease', namespace });
    expect(
      (
        await rejection(
          'get after delete',
          ns.cluster.coordination.readNamespacedLease({ name: 'lease', namespace }),
        )
      ).code,
    ).to.equal(404);
  });

  it('[API-EVENT-LIFECYCLE] a core/v1 Event can be created, read, listed, patched and deleted', async () => {
    const { core } = ns.cluster;
    const namespace = ns.name;
    const involvedObject = { kind: 'ConfigMap', apiVersion: 'v1', namespace, name: 'subject' };
    const body: CoreV1Event = {
      metadata: { name: 'core-event', labels: { 'event-test': 'yes' } },
      involvedObject,
      reason: 'Testing',
      message: 'first message',
      type: 'Normal',
      count: 1,
      source: { component: 'kconform-conformance' },
      firstTimestamp: new Date('2024-05-01T10:00:00Z'),
      lastTimestamp: new Date('2024-05-01T10:00:00Z'),
    };
    await core.createNamespacedEvent({ namespace, body });
    const read = await core.readNamespacedEvent({ name: 'core-event', namespace });
    expect(read.involvedObject).to.deep.include(involvedObject);
    expect(read.reason).to.equal('Testing');
    expect(read.message).to.equal('first message');
    expect(read.type).to.equal('Normal');
    expect(read.count).to.equal(1);

    const listed = await core.listNamespacedEvent({ namespace, labelSelector: 'event-test=yes' });
    expect(listed.items.map((e) => e.metadata?.name)).to.deep.equal(['core-event']);

    const patched = bodyOf<CoreV1Event>(
      'merge patch the event message',
      await ns.cluster.request({
        method: 'PATCH',
        path: `/api/v1/namespaces/${namespace}/events/core-event`,
        contentType: 'application/merge-patch+json',
        body: { message: 'patched message' },
      }),
      [200],
    );
    expect(patched.message).to.equal('patched message');
    expect((await core.readNamespacedEvent({ name: 'core-event', namespace })).message).to.equal(
      'patched message',
    );

    await core.deleteNamespacedEvent({ name: 'core-event', namespace });
    expect(
      (await rejection('get after delete', core.readNamespacedEvent({ name: 'core-event', namespace }))).code,
    ).to.equal(404);
  });

  it('[API-EVENTS-V1-LIFECYCLE] an events.k8s.io/v1 Event is also readable through core/v1 and follows its changes', async () => {
    const { core, events } = ns.cluster;
    const namespace = ns.name;
    const regarding = { kind: 'ConfigMap', apiVersion: 'v1', namespace, name: 'subject' };
    // Sent raw: eventTime is a MicroTime, which upstream parses only with exactly six fractional
    // digits, while the typed client would send a JavaScript Date's three.
    bodyOf(
      'create an events.k8s.io/v1 event',
      await ns.cluster.request({
        method: 'POST',
        path: `/apis/events.k8s.io/v1/namespaces/${namespace}/events`,
        body: {
          apiVersion: 'events.k8s.io/v1',
          kind: 'Event',
          metadata: { name: 'new-event', labels: { 'event-test': 'v1' } },
          eventTime: '2024-05-01T10:00:00.123456Z',
          reportingController: 'kconform.io/conformance',
          reportingInstance: 'kconform-conformance-1',
          action: 'Testing',
          reason: 'Testing',
          note: 'first note',
          type: 'Normal',
          regarding,
        },
      }),
      [201],
    );
    const read = await events.readNamespacedEvent({ name: 'new-event', namespace });
    expect(read.note).to.equal('first note');
    expect(read.regarding).to.deep.include(regarding);
    expect(read.reportingController).to.equal('kconform.io/conformance');

    const asCore = await core.readNamespacedEvent({ name: 'new-event', namespace });
    expect(asCore.message, 'core/v1 message is the note').to.equal('first note');
    expect(asCore.reason).to.equal('Testing');
    expect(asCore.involvedObject, 'core/v1 involvedObject is the regarding object').to.deep.include(
      regarding,
    );

    const patched = bodyOf<EventsV1Event>(
      'merge patch the event note',
      await ns.cluster.request({
        method: 'PATCH',
        path: `/apis/events.k8s.io/v1/namespaces/${namespace}/events/new-event`,
        contentType: 'application/merge-patch+json',
        body: { note: 'patched note' },
      }),
      [200],
    );
    expect(patched.note).to.equal('patched note');
    expect((await core.readNamespacedEvent({ name: 'new-event', namespace })).message).to.equal(
      'patched note',
    );

    const listed = await events.listNamespacedEvent({ namespace, labelSelector: 'event-test=v1' });
    expect(listed.items.map((e) => e.metadata?.name)).to.deep.equal(['new-event']);

    await events.deleteNamespacedEvent({ name: 'new-event', namespace });
    expect(
      (
        await rejection(
          'events.k8s.io get after delete',
          events.readNamespacedEvent({ name: 'new-event', namespace }),
        )
      ).code,
    ).to.equal(404);
    expect(
      (
        await rejection(
          'core/v1 get after delete',
          core.readNamespacedEvent({ name: 'new-event', namespace }),
        )
      ).code,
    ).to.equal(404);
  });
});
