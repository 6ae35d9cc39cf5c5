// Cases from upstream's k8s.io/apimachinery/pkg/util/strategicpatch/patch_test.go, applying the
// `twoWay` patch to `original` and expecting `modified` (or `twoWayResult`), with upstream's test type
// MergeItem: mergingList (merge by name), mergingIntList (merge, scalars), nonMergingList,
// nonMergingIntList, simpleMap, retainKeysMap (retainKeys), retainKeysMergingList (merge,retainKeys).
import { expect } from 'chai';
import type { JsonObject } from '../../src/patch/json-value.ts';
import type { PatchMeta } from '../../src/patch/merge-keys.ts';
import { GENERIC_INVALID_MESSAGE, PatchError } from '../../src/patch/patch-error.ts';
import { applyStrategicMergePatch } from '../../src/patch/strategic-merge-patch.ts';
import { deepFreeze, thrown } from './deep-freeze.ts';

const MERGE_ITEM: Record<string, PatchMeta> = {
  mergingList: { strategy: 'merge', mergeKey: 'name' },
  mergingIntList: { strategy: 'merge' },
  retainKeysMap: { strategy: 'retainKeys' },
  retainKeysMergingList: { strategy: 'merge,retainKeys', mergeKey: 'name' },
};

/** MergeItem is recursive, so a field's metadata depends only on its name. */
const mergeItem = (path: string): PatchMeta | undefined =>
  MERGE_ITEM[path.split('.').pop()?.replace('[]', '') ?? ''];

const smp = (original: JsonObject, patch: JsonObject): JsonObject =>
  applyStrategicMergePatch(deepFreeze(original), deepFreeze(patch), mergeItem);

type Case = [description: string, original: JsonObject, patch: JsonObject, result: JsonObject];

const n = (name: number, rest: JsonObject = {}): JsonObject => ({ name, ...rest });

// customStrategicMergePatchTestCaseData and customStrategicMergePatchRawTestCases.
const customCases: Case[] = [
  [
    'unique scalars when merging lists',
    { mergingIntList: [1, 2] },
    { mergingIntList: [2, 3] },
    { mergingIntList: [1, 2, 3] },
  ],
  [
    'delete map from nested map',
    { simpleMap: { key1: 1, key2: 1 } },
    { simpleMap: { $patch: 'delete' } },
    { simpleMap: {} },
  ],
  [
    'delete all items from merging list',
    { mergingList: [n(1), n(2)] },
    { mergingList: [{ $patch: 'replace' }] },
    { mergingList: [] },
  ],
  ['merge empty merging lists', { mergingList: [] }, { mergingList: [] }, { mergingList: [] }],
  ['delete all keys from map', { name: 1, value: 1 }, { $patch: 'replace' }, {}],
  [
    'add key and delete all keys from map',
    { name: 1, value: 1 },
    { other: 'a', $patch: 'replace' },
    { other: 'a' },
  ],
  [
    'delete all duplicate entries in a merging list',
    { mergingList: [n(1), n(1), n(2, { value: 'a' }), n(3), n(3)] },
    { mergingList: [n(1, { $patch: 'delete' }), n(3, { $patch: 'delete' })] },
    { mergingList: [n(2, { value: 'a' })] },
  ],
  [
    'retainKeys map can delete a field when no retainKeys directive present',
    { retainKeysMap: { name: 'foo', value: 'a' } },
    { retainKeysMap: { value: null } },
    { retainKeysMap: { name: 'foo' } },
  ],
  [
    'retainKeys list can change a field when no retainKeys directive present',
    { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'a' }] },
    { retainKeysMergingList: [{ name: 'foo', value: 'b' }] },
    { retainKeysMergingList: [{ name: 'bar' }, { name: 'foo', value: 'b' }] },
  ],
  [
    'preserve the order from the patch in a merging list',
    { mergingList: [n(1), n(2, { value: 'b' }), n(3)] },
    { mergingList: [n(3, { value: 'c' }), n(1, { value: 'a' }), n(2, { other: 'x' })] },
    { mergingList: [n(3, { value: 'c' }), n(1, { value: 'a' }), n(2, { value: 'b', other: 'x' })] },
  ],
  [
    'preserve the order from the patch in a merging list 2',
    { mergingList: [n(1), n(2, { value: 'b' }), n(3)] },
    { mergingList: [n(3, { value: 'c' }), n(1, { value: 'a' })] },
    { mergingList: [n(2, { value: 'b' }), n(3, { value: 'c' }), n(1, { value: 'a' })] },
  ],
  [
    'preserve the order from the patch in a merging int list',
    { mergingIntList: [1, 2, 3] },
    { mergingIntList: [3, 1, 2] },
    { mergingIntList: [3, 1, 2] },
  ],
  [
    'preserve the order from the patch in a merging int list 2',
    { mergingIntList: [1, 2, 3] },
    { mergingIntList: [3, 1] },
    { mergingIntList: [2, 3, 1] },
  ],
  [
    '$setElementOrder contains item that is not present in the list to be merged',
    { mergingList: [n(1), n(3)] },
    {
      '$setElementOrder/mergingList': [n(3), n(2), n(1)],
      mergingList: [n(3, { value: 3 }), n(1, { value: 1 })],
    },
    { mergingList: [n(3, { value: 3 }), n(1, { value: 1 })] },
  ],
  [
    '$setElementOrder contains item that is not present in the int list to be merged',
    { mergingIntList: [1, 3] },
    { '$setElementOrder/mergingIntList': [3, 2, 1] },
    { mergingIntList: [3, 1] },
  ],
  [
    '$deleteFromPrimitiveList of nonexistent item in primitive list should not add the item to the list',
    { mergingIntList: [1, 2] },
    { '$deleteFromPrimitiveList/mergingIntList': [3] },
    { mergingIntList: [1, 2] },
  ],
  [
    '$deleteFromPrimitiveList on nonexistent primitive list should not add the primitive list',
    { foo: ['bar'] },
    { '$deleteFromPrimitiveList/mergingIntList': [3] },
    { foo: ['bar'] },
  ],
  [
    '$deleteFromPrimitiveList should delete item from a list without merge patch strategy',
    { nonMergingIntList: [1, 2, 3] },
    { '$deleteFromPrimitiveList/nonMergingIntList': [2] },
    { nonMergingIntList: [1, 3] },
  ],
];

// createStrategicMergePatchTestCaseData and strategicMergePatchRawTestCases (two-way half).
const createCases: Case[] = [
  ['add field and delete field from map', { name: 1 }, { name: null, value: 1 }, { value: 1 }],
  [
    'delete field from nested map',
    { simpleMap: { key1: 1, key2: 1 } },
    { simpleMap: { key2: null } },
    { simpleMap: { key1: 1 } },
  ],
  [
    'replace list of scalars',
    { nonMergingIntList: [1, 2] },
    { nonMergingIntList: [2, 3] },
    { nonMergingIntList: [2, 3] },
  ],
  [
    'delete all maps from merging list',
    { mergingList: [n(1), n(2)] },
    { mergingList: [n(1, { $patch: 'delete' }), n(2, { $patch: 'delete' })] },
    { mergingList: [] },
  ],
  [
    'defined null values should propagate overwrite current fields',
    { name: 2 },
    { name: 1, value: 1, other: null },
    { name: 1, value: 1 },
  ],
  [
    'nested patch merge with empty list',
    { name: 'hi' },
    { mergingList: [{ name: 'hello' }, { $patch: 'delete', name: 'doesntexist' }] },
    { name: 'hi', mergingList: [{ name: 'hello' }] },
  ],
  [
    'delete items in lists of scalars (three-way result)',
    { mergingIntList: [1, 2, 3, 4] },
    { '$setElementOrder/mergingIntList': [1, 2], '$deleteFromPrimitiveList/mergingIntList': [3] },
    { mergingIntList: [1, 2, 4] },
  ],
  [
    'add and delete items in lists of scalars',
    { mergingIntList: [1, 2, 3] },
    {
      '$setElementOrder/mergingIntList': [1, 2, 4],
      '$deleteFromPrimitiveList/mergingIntList': [3],
      mergingIntList: [4],
    },
    { mergingIntList: [1, 2, 4] },
  ],
  [
    'merge lists of maps',
    { mergingList: [n(1), n(2, { value: 2 })] },
    {
      '$setElementOrder/mergingList': [n(4), n(1), n(2), n(3)],
      mergingList: [n(4, { value: 4 }), n(3, { value: 3 })],
    },
    { mergingList: [n(4, { value: 4 }), n(1), n(2, { value: 2 }), n(3, { value: 3 })] },
  ],
  [
    'merge lists of maps (three-way result, server-side fields kept)',
    { mergingList: [n(1, { other: 'a' }), n(2, { value: 2, other: 'b' })] },
    {
      '$setElementOrder/mergingList': [n(4), n(1), n(2), n(3)],
      mergingList: [n(4, { value: 4 }), n(3, { value: 3 })],
    },
    {
      mergingList: [
        n(4, { value: 4 }),
        n(1, { other: 'a' }),
        n(2, { value: 2, other: 'b' }),
        n(3, { value: 3 }),
      ],
    },
  ],
];

describe('strategic merge patch: upstream test cases (patch_test.go)', () => {
  for (const [description, original, patch, result] of [...customCases, ...createCases]) {
    it(description, () => {
      expect(smp(original, patch)).to.deep.equal(result);
    });
  }
});

describe('strategic merge patch: errors, with the status upstream gives them', () => {
  function failure(original: JsonObject, patch: unknown): PatchError {
    const err = thrown(() => applyStrategicMergePatch(deepFreeze(original), deepFreeze(patch), mergeItem));
    expect(err).to.be.instanceOf(PatchError);
    return err as PatchError;
  }

  it('500 when the order in $setElementOrder and the patch list do not match (upstream case)', () => {
    const err = failure(
      { mergingList: [n(1), n(3), n(2)] },
      {
        '$setElementOrder/mergingList': [n(1), n(2), n(3)],
        mergingList: [n(3, { value: 3 }), n(1, { value: 1 })],
      },
    );
    expect([err.status, err.reason]).to.deep.equal([500, '']);
    expect(err.message).to.equal(
      "the order in patch list:\n[map[name:3 value:3] map[name:1 value:1]]\n doesn't match $setElementOrder list:\n[map[name:1] map[name:2] map[name:3]]",
    );
  });

  it('500 when an item lacks the merge key (upstream case)', () => {
    const err = failure({ mergingList: [n(1, { value: 'a' })] }, { mergingList: [{ value: 'b' }] });
    expect([err.status, err.message]).to.deep.equal([
      500,
      'map: map[value:b] does not contain declared merge key: name',
    ]);
  });

  it('400 for a malformed $retainKeys, $setElementOrder or $deleteFromPrimitiveList', () => {
    const retain = failure(
      { retainKeysMap: { name: 'a' } },
      { retainKeysMap: { $retainKeys: ['name'], value: 'b' } },
    );
    expect([retain.status, retain.reason, retain.message]).to.deep.equal([
      400,
      'BadRequest',
      'invalid patch format of retainKeys',
    ]);
    expect(failure({}, { $retainKeys: 'name' }).message).to.equal('invalid patch format of retainKeys');
    expect(failure({}, { $setElementOrder: [] }).message).to.equal(
      'invalid patch format of setElementOrder list',
    );
    expect(failure({}, { $deleteFromPrimitiveList: [1] }).message).to.equal(
      'invalid patch format of primitive list',
    );
  });

  it('422 with the generic message for a list of lists', () => {
    const err = failure({ mergingIntList: [[1]] }, { mergingIntList: [[2]] });
    expect([err.status, err.reason, err.message, err.detail]).to.deep.equal([
      422,
      'Invalid',
      GENERIC_INVALID_MESSAGE,
      'lists of lists are not supported',
    ]);
  });

  it('500 for $patch: merge in a list and an unknown $patch in a map', () => {
    expect(failure({ mergingList: [n(1)] }, { mergingList: [{ $patch: 'merge' }] }).message).to.equal(
      'merging lists cannot yet be specified in the patch',
    );
    expect(failure({ simpleMap: { a: 'b' } }, { simpleMap: { $patch: 'merge' } }).message).to.equal(
      'unknown patch type: merge in map: map[$patch:merge]',
    );
  });

  it('400 for a patch that is not an object; null changes nothing', () => {
    const err = failure({}, ['a']);
    expect([err.status, err.message]).to.deep.equal([
      400,
      'json: cannot unmarshal array into Go value of type map[string]interface {}',
    ]);
    expect(applyStrategicMergePatch(deepFreeze({ a: 1 }), null, mergeItem)).to.deep.equal({ a: 1 });
  });
});
