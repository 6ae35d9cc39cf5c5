import { expect } from 'chai';
import { defineMessage, defineMessages, parseFieldRow } from '../../src/protobuf/field-table.ts';
import { PROTOBUF_KINDS, PROTOBUF_MESSAGES } from '../../src/protobuf/kubernetes-protobuf.ts';

describe('protobuf field tables', () => {
  it('define every message a field or a registered kind refers to', () => {
    const missing: string[] = [];
    for (const table of PROTOBUF_MESSAGES.values()) {
      for (const field of table.fields) {
        if (field.value.kind === 'message' && !PROTOBUF_MESSAGES.has(field.value.message)) {
          missing.push(`${table.name}.${field.json} -> ${field.value.message}`);
        }
      }
    }
    for (const { kind, message } of PROTOBUF_KINDS) if (!PROTOBUF_MESSAGES.has(message)) missing.push(kind);
    expect(missing).to.deep.equal([]);
  });

  it('use each JSON name once per object, counting inlined fields', () => {
    const clashes: string[] = [];
    const jsonNames = (name: string): string[] =>
      PROTOBUF_MESSAGES.get(name)!.fields.flatMap((f) =>
        f.inline && f.value.kind === 'message' ? jsonNames(f.value.message) : [f.json],
      );
    for (const name of PROTOBUF_MESSAGES.keys()) {
      const names = jsonNames(name);
      const twice = names.filter((n, i) => names.indexOf(n) !== i);
      if (twice.length) clashes.push(`${name}: ${twice.join(', ')}`);
    }
    expect(clashes).to.deep.equal([]);
  });

  it('parse the Go-like row grammar', () => {
    expect(parseFieldRow('9 deletionTimestamp *Time')).to.deep.equal({
      number: 9,
      json: 'deletionTimestamp',
      value: { kind: 'special', special: 'Time' },
      shape: 'single',
      pointer: true,
      always: false,
      inline: false,
    });
    expect(parseFieldRow('3 binaryData map[string][]byte')).to.include({ shape: 'map', pointer: false });
    expect(parseFieldRow('3 binaryData map[string][]byte').value).to.deep.equal({
      kind: 'scalar',
      scalar: 'bytes',
    });
    expect(parseFieldRow('2 raw []byte')).to.include({ shape: 'single' });
    expect(parseFieldRow('2 containers []Container always')).to.deep.include({
      shape: 'repeated',
      always: true,
      value: { kind: 'message', message: 'Container' },
    });
  });

  it('refuse rows that do not fit, naming them', () => {
    expect(() => parseFieldRow('x name string')).to.throw('field row "x name string": expected');
    expect(() => parseFieldRow('1 name uint32')).to.throw('field row "1 name uint32": unknown type "uint32"');
    expect(() => parseFieldRow('1 name string sometimes')).to.throw('unknown flag "sometimes"');
    expect(() => parseFieldRow('1 ref *LocalObjectReference inline')).to.throw(
      'only a plain embedded message',
    );
    expect(() => defineMessage('Twice', ['1 a string', '1 b string'])).to.throw(
      'message Twice: field number 1 twice',
    );
    expect(() => defineMessages({ A: [] }, { A: [] })).to.throw('message A defined twice');
  });
});
