import { expect } from 'chai';
import {
  JSON_TREE_SCALAR,
  JsonTreeArray,
  parseJsonTree,
  type JsonTreeObject,
  type JsonTreeValue,
} from '../../src/openapi/json-tree.ts';

/** The tree as plain data: objects as [key, value] lists (duplicates kept), scalars as 's'. */
function shape(node: JsonTreeValue): unknown {
  if (node === JSON_TREE_SCALAR) return 's';
  if (node instanceof JsonTreeArray) return node.items.map(shape);
  return (node as JsonTreeObject).members.map(([key, value]) => [key, shape(value)]);
}

describe('parseJsonTree', () => {
  it('keeps every member in document order, repeated keys included', () => {
    const tree = parseJsonTree('{"a":1,"b":{"c":"x","c":"y"},"a":[true,null,{"d":-1.5e3}]}');
    expect(shape(tree)).to.deep.equal([
      ['a', 's'],
      [
        'b',
        [
          ['c', 's'],
          ['c', 's'],
        ],
      ],
      ['a', ['s', 's', [['d', 's']]]],
    ]);
  });

  it('takes whitespace, empty containers, escaped keys and strings with brackets and quotes', () => {
    const text = ' {\n\t"\\u0061" : "}\\"]{" , "e": {}, "f": [ ], "g\\n": [[]] }\r\n';
    expect(shape(parseJsonTree(text))).to.deep.equal([
      ['a', 's'],
      ['e', []],
      ['f', []],
      ['g\n', [[]]],
    ]);
    expect(shape(parseJsonTree('"just a string"'))).to.equal('s');
  });

  it('follows deep nesting without growing the call stack', () => {
    const depth = 200_000;
    const tree = parseJsonTree('['.repeat(depth) + ']'.repeat(depth));
    let node: JsonTreeValue = tree;
    let levels = 0;
    while (node instanceof JsonTreeArray && node.items.length) {
      node = node.items[0]!;
      levels++;
    }
    expect(levels).to.equal(depth - 1);
  });

  it('refuses text it cannot follow with a SyntaxError', () => {
    for (const bad of ['{"a":1', '{"a" 1}', '[1,]x', '{"a":1} extra', '', '{"a":"open']) {
      expect(() => parseJsonTree(bad), bad).to.throw(SyntaxError);
    }
  });
});
