import { expect } from 'chai';
import type { JsonValue } from '../../src/patch/json-value.ts';
import { applyMergePatch } from '../../src/patch/merge-patch.ts';
import { PatchError } from '../../src/patch/patch-error.ts';
import { deepFreeze, thrown } from './deep-freeze.ts';

const merge = (document: JsonValue, patch: JsonValue): JsonValue =>
  applyMergePatch(deepFreeze(document), deepFreeze(patch));

describe('JSON merge patch: RFC 7386 appendix A', () => {
  // [original, patch, result]; the two rows whose patch is not a container are below, as upstream refuses them.
  const examples: [JsonValue, JsonValue, JsonValue][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [original, patch, result] of examples) {
    it(`${JSON.stringify(original)} + ${JSON.stringify(patch)} = ${JSON.stringify(result)}`, () => {
      expect(merge(original, patch)).to.deep.equal(result);
    });
  }

  it('refuses a null or scalar patch with 400 "Invalid JSON Patch", as upstream does (the RFC would replace)', () => {
    for (const patch of [null, 'bar', 1, true]) {
      const err = thrown(() => merge({ a: 'foo' }, patch)) as PatchError;
      expect([err.code, err.status, err.message]).to.deep.equal([
        'MergePatchMalformed',
        400,
        'Invalid JSON Patch',
      ]);
    }
  });
});

describe('JSON merge patch: upstream details', () => {
  it('removes a label with null, as kubectl patch --type merge does', () => {
    const pod = {
      metadata: { name: 'web', labels: { app: 'web', foo: 'bar' } },
      spec: { containers: [{ name: 'c' }] },
    };
    expect(merge(pod, { metadata: { labels: { foo: null } } })).to.deep.equal({
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { containers: [{ name: 'c' }] },
    });
  });

  it('replaces lists whole (no merge keys)', () => {
    const pod: JsonValue = { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b' }] } };
    expect(merge(pod, { spec: { containers: [{ name: 'a', image: 'y' }] } })).to.deep.equal({
      spec: { containers: [{ name: 'a', image: 'y' }] },
    });
  });

  it('prunes nulls from values it adds, list items included; keeps them in a list that replaces one', () => {
    expect(merge({}, { a: [1, null, { b: null, c: 2 }] })).to.deep.equal({ a: [1, { c: 2 }] });
    expect(merge({ a: { x: 1 } }, { a: [1, null] })).to.deep.equal({ a: [1, null] });
  });

  it('leaves its inputs alone', () => {
    const doc = deepFreeze({ a: { b: 1, c: 2 } });
    const patch = deepFreeze({ a: { b: null, d: 3 } });
    expect(applyMergePatch(doc, patch)).to.deep.equal({ a: { c: 2, d: 3 } });
    expect(doc).to.deep.equal({ a: { b: 1, c: 2 } });
  });

  it('refuses a null document with 500 "Invalid JSON Document"', () => {
    expect(() => applyMergePatch(null, {}))
      .to.throw(PatchError, 'Invalid JSON Document')
      .with.property('status', 500);
  });
});
