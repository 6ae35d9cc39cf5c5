import { expect } from 'chai';
import { applyJsonPatch, decodeJsonPatch, MAX_JSON_PATCH_OPERATIONS } from '../../src/patch/json-patch.ts';
import type { JsonPatchOperation } from '../../src/patch/json-patch.ts';
import type { JsonValue } from '../../src/patch/json-value.ts';
import { GENERIC_INVALID_MESSAGE, PatchError } from '../../src/patch/patch-error.ts';
import { deepFreeze, thrown } from './deep-freeze.ts';

/** Applies with frozen inputs: any mutation of the document or the patch throws. */
function apply(document: JsonValue, patch: JsonPatchOperation[]): JsonValue {
  return applyJsonPatch(deepFreeze(document), decodeJsonPatch(deepFreeze(patch)));
}

/** The library text of the 422 a patch fails with (upstream's json-patch error, word for word). */
function failure(document: JsonValue, patch: JsonPatchOperation[]): string {
  const err = thrown(() => apply(document, patch));
  expect(err).to.be.instanceOf(PatchError);
  const patchError = err as PatchError;
  expect([patchError.code, patchError.status, patchError.message]).to.deep.equal([
    'JsonPatchFailed',
    422,
    GENERIC_INVALID_MESSAGE,
  ]);
  return patchError.detail;
}

// RFC 6902 Appendix A. A.13 (duplicate "op" members) cannot be expressed once the body is decoded.
describe('JSON patch: RFC 6902 appendix A', () => {
  it('A.1 adds an object member', () => {
    expect(apply({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }])).to.deep.equal({
      baz: 'qux',
      foo: 'bar',
    });
  });

  it('A.2 adds an array element', () => {
    expect(apply({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }])).to.deep.equal({
      foo: ['bar', 'qux', 'baz'],
    });
  });

  it('A.3 removes an object member', () => {
    expect(apply({ baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }])).to.deep.equal({ foo: 'bar' });
  });

  it('A.4 removes an array element', () => {
    expect(apply({ foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }])).to.deep.equal({
      foo: ['bar', 'baz'],
    });
  });

  it('A.5 replaces a value', () => {
    expect(apply({ baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }])).to.deep.equal({
      baz: 'boo',
      foo: 'bar',
    });
  });

  it('A.6 moves a value', () => {
    const doc = { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } };
    expect(apply(doc, [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }])).to.deep.equal({
      foo: { bar: 'baz' },
      qux: { corge: 'grault', thud: 'fred' },
    });
  });

  it('A.7 moves an array element', () => {
    const doc = { foo: ['all', 'grass', 'cows', 'eat'] };
    expect(apply(doc, [{ op: 'move', from: '/foo/1', path: '/foo/3' }])).to.deep.equal({
      foo: ['all', 'cows', 'eat', 'grass'],
    });
  });

  it('A.8 tests values successfully', () => {
    const doc = { baz: 'qux', foo: ['a', 2, 'c'] };
    const patch = [
      { op: 'test', path: '/baz', value: 'qux' },
      { op: 'test', path: '/foo/1', value: 2 },
    ];
    expect(apply(doc, patch)).to.deep.equal(doc);
  });

  it('A.9 fails a test: 422 with the generic message, the library text as detail', () => {
    expect(failure({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }])).to.equal(
      'testing value /baz failed: test failed',
    );
  });

  it('A.10 adds a nested member object', () => {
    expect(apply({ foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }])).to.deep.equal({
      foo: 'bar',
      child: { grandchild: {} },
    });
  });

  it('A.11 ignores unrecognized members', () => {
    expect(apply({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }])).to.deep.equal({
      foo: 'bar',
      baz: 'qux',
    });
  });

  it('A.12 refuses to add to a nonexistent target', () => {
    expect(failure({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }])).to.equal(
      'add operation does not apply: doc is missing path: "/baz/bat": missing value',
    );
  });

  it('A.14 unescapes ~01 as "~1", not "/"', () => {
    const doc = { '/': 9, '~1': 10 };
    expect(apply(doc, [{ op: 'test', path: '/~01', value: 10 }])).to.deep.equal(doc);
  });

  it('A.15 compares strings and numbers strictly', () => {
    expect(failure({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }])).to.equal(
      'testing value /~01 failed: test failed',
    );
  });

  it('A.16 appends an array value with "-"', () => {
    expect(apply({ foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }])).to.deep.equal({
      foo: ['bar', ['abc', 'def']],
    });
  });
});

describe('JSON patch: as upstream (evanphx/json-patch v4) applies it', () => {
  it('resolves ~1 to "/" inside a token', () => {
    const doc = { metadata: { annotations: { 'example.com/owner': 'a' } } };
    const patch = [{ op: 'replace', path: '/metadata/annotations/example.com~1owner', value: 'b' }];
    expect(apply(doc, patch)).to.deep.equal({ metadata: { annotations: { 'example.com/owner': 'b' } } });
  });

  it('replaces a missing object member by adding it, as the library does', () => {
    expect(apply({ a: 1 }, [{ op: 'replace', path: '/b', value: 2 }])).to.deep.equal({ a: 1, b: 2 });
  });

  it('counts negative indices from the end (SupportNegativeIndices defaults to true)', () => {
    expect(apply({ a: [1, 2, 3] }, [{ op: 'remove', path: '/a/-1' }])).to.deep.equal({ a: [1, 2] });
    expect(apply({ a: [1, 2] }, [{ op: 'add', path: '/a/-1', value: 3 }])).to.deep.equal({ a: [1, 2, 3] });
    expect(() =>
      applyJsonPatch({ a: [1] }, [{ op: 'remove', path: '/a/-1' }], { supportNegativeIndices: false }),
    )
      .to.throw(PatchError)
      .with.property(
        'detail',
        "error in remove for path: '/a/-1': Unable to access invalid index: -1: invalid index referenced",
      );
  });

  it('copies deeply and replaces the whole document on path ""', () => {
    const copied = apply({ a: { b: [1] } }, [{ op: 'copy', from: '/a', path: '/c' }]) as {
      a: unknown;
      c: unknown;
    };
    expect(copied).to.deep.equal({ a: { b: [1] }, c: { b: [1] } });
    expect(copied.c).to.not.equal(copied.a);
    expect(apply({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }])).to.deep.equal({ b: 2 });
  });

  it('treats a missing "value" as null and a test of a missing member against null as passing', () => {
    expect(apply({}, [{ op: 'add', path: '/a' }])).to.deep.equal({ a: null });
    expect(apply({ a: 1 }, [{ op: 'test', path: '/b', value: null }])).to.deep.equal({ a: 1 });
  });

  it('is all or nothing and leaves its inputs alone', () => {
    const doc = deepFreeze({ a: [1], b: 'x' });
    const patch = deepFreeze([
      { op: 'add', path: '/a/-', value: 2 },
      { op: 'test', path: '/b', value: 'y' },
    ]);
    expect(() => applyJsonPatch(doc, patch)).to.throw(PatchError);
    expect(doc).to.deep.equal({ a: [1], b: 'x' });
  });

  const failures: [string, JsonValue, JsonPatchOperation[], string][] = [
    ['unknown op', {}, [{ op: 'frobnicate', path: '/a' }], 'Unexpected kind: frobnicate'],
    ['missing op', {}, [{ path: '/a' }], 'Unexpected kind: unknown'],
    ['null operation', {}, [null], 'Unexpected kind: unknown'],
    ['add without path', {}, [{ op: 'add', value: 1 }], 'add operation failed to decode path: missing value'],
    [
      'replace without path',
      {},
      [{ op: 'replace', value: 1 }],
      'replace operation failed to decode path: operation missing path field: missing value',
    ],
    [
      'move without from',
      {},
      [{ op: 'move', path: '/a' }],
      'move operation failed to decode from: operation, missing from field: missing value',
    ],
    [
      'test with a numeric path',
      {},
      [{ op: 'test', path: 1, value: 1 }],
      'test operation failed to decode path: json: cannot unmarshal number into Go value of type string',
    ],
    [
      'remove of a missing member',
      { a: {} },
      [{ op: 'remove', path: '/a/b' }],
      "error in remove for path: '/a/b': Unable to remove nonexistent key: b: missing value",
    ],
    [
      'add past the end of a list',
      { a: [1] },
      [{ op: 'add', path: '/a/5', value: 2 }],
      "error in add for path: '/a/5': Unable to access invalid index: 5: invalid index referenced",
    ],
    [
      'add at a non-numeric list index',
      { a: [1] },
      [{ op: 'add', path: '/a/x', value: 2 }],
      `error in add for path: '/a/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
    ],
    [
      'replace of a missing list item',
      { a: [1] },
      [{ op: 'replace', path: '/a/3', value: 2 }],
      'replace operation does not apply: doc is missing key: /a/3: missing value',
    ],
    [
      'move from a missing member',
      { a: {} },
      [{ op: 'move', from: '/a/b', path: '/c' }],
      "error in move for path: 'b': Unable to remove nonexistent key: b: missing value",
    ],
    [
      'copy to a missing parent',
      { a: 1 },
      [{ op: 'copy', from: '/a', path: '/x/y' }],
      'copy operation does not apply: doc is missing destination path: /x/y: missing value',
    ],
    [
      'test through a scalar',
      { a: 1 },
      [{ op: 'test', path: '/a/b', value: 1 }],
      'test operation does not apply: is missing path: /a/b: missing value',
    ],
    [
      'replace of the root by a scalar',
      { a: 1 },
      [{ op: 'replace', path: '', value: 1 }],
      'replace operation value must be object or array: %!w(<nil>)',
    ],
  ];
  for (const [what, doc, patch, detail] of failures) {
    it(`fails ${what} with upstream's text`, () => {
      expect(failure(doc, patch)).to.equal(detail);
    });
  }
});

describe('JSON patch: decoding the body', () => {
  it('refuses a body that is not a list of objects with 400 and the Go decoder text', () => {
    const notAList = thrown(() => decodeJsonPatch({ op: 'add' })) as PatchError;
    expect([notAList.code, notAList.status, notAList.message]).to.deep.equal([
      'JsonPatchMalformed',
      400,
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    ]);
    expect(() => decodeJsonPatch(['add'])).to.throw(
      PatchError,
      'json: cannot unmarshal string into Go value of type jsonpatch.Operation',
    );
  });

  it('takes null as an empty patch, as Go decodes it', () => {
    expect(decodeJsonPatch(null)).to.deep.equal([]);
  });

  it('refuses more than 10000 operations with 413', () => {
    const ops = Array.from({ length: MAX_JSON_PATCH_OPERATIONS + 1 }, () => ({
      op: 'test',
      path: '/a',
      value: 1,
    }));
    const err = thrown(() => decodeJsonPatch(ops)) as PatchError;
    expect([err.status, err.reason, err.message]).to.deep.equal([
      413,
      'RequestEntityTooLarge',
      'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    ]);
    expect(decodeJsonPatch(ops.slice(1))).to.have.length(MAX_JSON_PATCH_OPERATIONS);
  });
});
