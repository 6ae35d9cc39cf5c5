// The garbage collector's decisions and graph, and the namespace controller's conditions.
import { expect } from 'chai';
import type * as k8s from '@kubernetes/client-node';
import {
  blockingDependents,
  decide,
  ownerRefsPatch,
  type OwnerState,
} from '../src/garbage-collector/decide.ts';
import { OwnershipGraph } from '../src/garbage-collector/graph.ts';
import { failureConditions, mergeConditions } from '../src/namespace/namespace-conditions.ts';

const ref = (uid: string, block = false): k8s.V1OwnerReference => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  name: uid,
  uid,
  ...(block ? { blockOwnerDeletion: true } : {}),
});
const obj = (owners: k8s.V1OwnerReference[], extra: Partial<k8s.V1ObjectMeta> = {}) => ({
  metadata: { name: 'o', uid: 'me', resourceVersion: '7', ownerReferences: owners, ...extra },
});
const states = (entries: Record<string, OwnerState>) => new Map(Object.entries(entries));

describe('garbage collector: decisions', () => {
  it('keeps an object while one owner is solid, dropping dangling references and unblocking waiting owners', () => {
    expect(decide(obj([ref('a')]), states({ a: 'solid' }), false)).to.deep.equal({
      do: 'nothing',
      why: 'an owner exists',
    });
    expect(
      decide(
        obj([ref('a'), ref('b'), ref('c', true)]),
        states({ a: 'solid', b: 'dangling', c: 'waiting' }),
        false,
      ),
    ).to.deep.equal({
      do: 'patch-owner-refs',
      remove: ['b'],
      unblock: ['c'],
    });
  });

  it('deletes in the background once every owner is gone, honouring its own finalizers', () => {
    expect(decide(obj([ref('a')]), states({ a: 'dangling' }), false)).to.deep.equal({
      do: 'delete',
      policy: 'Background',
      unblockFirst: [],
    });
    expect(decide(obj([ref('a')], { finalizers: ['orphan'] }), states({ a: 'dangling' }), true)).to.include({
      policy: 'Orphan',
    });
  });

  it('deletes in the foreground when a waiting owner needs it gone and it has dependents of its own', () => {
    expect(decide(obj([ref('a', true)]), states({ a: 'waiting' }), true)).to.deep.equal({
      do: 'delete',
      policy: 'Foreground',
      unblockFirst: ['a'],
    });
    expect(decide(obj([ref('a', true)]), states({ a: 'waiting' }), false)).to.include({
      policy: 'Background',
    });
  });

  it('leaves objects being deleted and objects without owners alone', () => {
    expect(
      decide(obj([ref('a')], { deletionTimestamp: new Date() }), states({ a: 'dangling' }), false).do,
    ).to.equal('nothing');
    expect(decide(obj([]), new Map(), false).do).to.equal('nothing');
  });

  it('counts only dependents with blockOwnerDeletion as blocking, and patches against the version read', () => {
    expect(blockingDependents('a', [obj([ref('a', true)]), obj([ref('a')])])).to.have.length(1);
    expect(ownerRefsPatch(obj([ref('a'), ref('b', true)]), ['a'], ['b'])).to.deep.equal({
      metadata: { resourceVersion: '7', ownerReferences: [{ ...ref('b'), blockOwnerDeletion: false }] },
    });
  });
});

describe('garbage collector: graph', () => {
  it('indexes dependents by owner uid and follows reference changes and removals', () => {
    const g = new OwnershipGraph();
    const node = (uid: string) => ({
      resource: 'configmaps',
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'ns',
      name: uid,
      uid,
    });
    g.upsert(node('d1'), [ref('o1')]);
    g.upsert(node('d2'), [ref('o1'), ref('o2')]);
    expect(g.dependents('o1').sort()).to.deep.equal(['d1', 'd2']);
    g.upsert(node('d2'), [ref('o2')]);
    expect(g.dependents('o1')).to.deep.equal(['d1']);
    expect(g.remove('d1')).to.deep.equal(['o1']);
    expect(g.dependents('o1')).to.deep.equal([]);
    expect(g.get('d2')?.name).to.equal('d2');
  });
});

describe('namespace controller: conditions', () => {
  const now = new Date('2026-01-01T00:00:00Z');
  it('reports what remains with upstream reasons and messages, and the ok variants otherwise', () => {
    const failures = failureConditions(
      {
        deleteErrors: [],
        remaining: new Map([
          ['pods.', 2],
          ['configmaps.', 0],
        ]),
        finalizers: new Map([['example.com/hold', 1]]),
      },
      now,
    );
    const { conditions, changed } = mergeConditions(undefined, failures, now);
    expect(changed).to.equal(true);
    const byType = Object.fromEntries(conditions.map((c) => [c.type, [c.status, c.reason, c.message]]));
    expect(byType).to.deep.equal({
      NamespaceDeletionDiscoveryFailure: [
        'False',
        'ResourcesDiscovered',
        'All resources successfully discovered',
      ],
      NamespaceDeletionGroupVersionParsingFailure: [
        'False',
        'ParsedGroupVersions',
        'All legacy kube types successfully parsed',
      ],
      NamespaceDeletionContentFailure: [
        'False',
        'ContentDeleted',
        'All content successfully deleted, may be waiting on finalization',
      ],
      NamespaceContentRemaining: [
        'True',
        'SomeResourcesRemain',
        'Some resources are remaining: pods. has 2 resource instances',
      ],
      NamespaceFinalizersRemaining: [
        'True',
        'SomeFinalizerRemain',
        'Some finalizers are remaining: example.com/hold in 1 resource instances',
      ],
    });
    expect(mergeConditions(conditions, failures, new Date()).changed, 'same again: no write').to.equal(false);
  });

  it('reports failed deletions as NamespaceDeletionContentFailure', () => {
    const [failure] = failureConditions(
      { deleteErrors: ['b: no', 'a: denied'], remaining: new Map(), finalizers: new Map() },
      now,
    );
    expect(failure).to.include({
      type: 'NamespaceDeletionContentFailure',
      reason: 'ContentDeletionFailed',
      message: 'Failed to delete all resource types, 2 remaining: a: denied, b: no',
    });
  });
});
