import { expect } from 'chai';
import { WireFormatError, WireReader, WireType } from '../../src/protobuf/wire-reader.ts';
import { message, varint } from './support/wire-writer.ts';

const reader = (...bytes: number[]) => new WireReader(Uint8Array.from(bytes));

function failure(fn: () => unknown): WireFormatError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(WireFormatError);
    return err as WireFormatError;
  }
  throw new Error('expected a WireFormatError');
}

describe('protobuf wire reader', () => {
  describe('varints', () => {
    const cases: Array<[string, bigint]> = [
      ['zero', 0n],
      ['one byte', 127n],
      ['two bytes', 300n],
      ['28 bits, the last of the fast path', 2n ** 28n - 1n],
      ['just past 32 bits', 2n ** 32n + 5n],
      ['2^53 + 1, past float precision', 2n ** 53n + 1n],
      ['int64 max', 2n ** 63n - 1n],
      ['uint64 max (int64 -1)', 2n ** 64n - 1n],
    ];
    for (const [name, value] of cases) {
      it(`reads ${name}`, () => {
        const r = new WireReader(Uint8Array.from(varint(value)));
        expect(r.readVarint()).to.equal(value);
        expect(r.done).to.equal(true);
      });
    }

    it('reads the canonical encodings byte for byte', () => {
      expect(reader(0x96, 0x01).readVarint()).to.equal(150n);
      // -1 as int32 is sign-extended to ten bytes on the wire.
      expect(varint(-1)).to.deep.equal([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
      expect(BigInt.asIntN(64, reader(...varint(-1)).readVarint())).to.equal(-1n);
    });

    it('refuses a varint that ends with the input', () => {
      const err = failure(() => reader(0x96).readVarint());
      expect(err.reason).to.equal('Truncated');
      expect(err.message).to.equal('truncated varint at offset 0');
    });

    it('refuses a varint longer than 64 bits', () => {
      const eleven = [...Array(10).fill(0xff), 0x01];
      expect(failure(() => reader(...eleven).readVarint()).reason).to.equal('Malformed');
      const tenthTooBig = [...Array(9).fill(0xff), 0x02];
      expect(failure(() => reader(...tenthTooBig).readVarint()).message).to.equal(
        'varint longer than 64 bits at offset 0',
      );
    });
  });

  describe('tags', () => {
    it('splits field number and wire type', () => {
      expect(reader(0x0a).readTag()).to.deep.equal({ fieldNumber: 1, wireType: WireType.LengthDelimited });
      expect(reader(...varint((300n << 3n) | 5n)).readTag()).to.deep.equal({ fieldNumber: 300, wireType: 5 });
    });

    it('refuses field number 0 and wire types 6 and 7', () => {
      expect(failure(() => reader(0x02).readTag()).message).to.equal('invalid field number 0 at offset 0');
      expect(failure(() => reader(0x0e).readTag()).message).to.equal('invalid wire type 6 at offset 0');
      expect(failure(() => reader(0x0f).readTag()).reason).to.equal('Malformed');
    });
  });

  describe('length-delimited fields', () => {
    it('returns a view of exactly the declared length', () => {
      const r = new WireReader(
        message([
          { no: 1, bytes: 'kc' },
          { no: 2, varint: 7 },
        ]),
      );
      r.readTag();
      expect(Buffer.from(r.readLengthDelimited()).toString()).to.equal('kc');
      expect(r.readTag()).to.deep.equal({ fieldNumber: 2, wireType: WireType.Varint });
      expect(r.readVarint()).to.equal(7n);
      expect(r.done).to.equal(true);
    });

    it('reads an empty payload', () => {
      expect(reader(0x00).readLengthDelimited()).to.have.length(0);
    });

    it('refuses a length that runs past the end', () => {
      const err = failure(() => reader(0x05, 0x61, 0x62).readLengthDelimited());
      expect(err.reason).to.equal('Truncated');
      expect(err.message).to.equal('truncated message: length at offset 0 declares 5 bytes but 2 remain');
    });

    it('refuses a length beyond any buffer without overflowing', () => {
      expect(failure(() => reader(...varint(2n ** 63n), 0x61).readLengthDelimited()).reason).to.equal(
        'Truncated',
      );
    });
  });

  describe('skipping unknown fields', () => {
    it('skips each wire type and lands on the next field', () => {
      const r = new WireReader(
        message([
          { no: 9, varint: 2n ** 40n },
          { no: 10, fixed64: 0x0102030405060708n },
          { no: 11, bytes: 'ignored' },
          { no: 12, fixed32: 42 },
          { no: 1, bytes: 'x' },
        ]),
      );
      for (let i = 0; i < 4; i++) r.skip(r.readTag().wireType);
      expect(r.readTag().fieldNumber).to.equal(1);
      expect(Buffer.from(r.readLengthDelimited()).toString()).to.equal('x');
    });

    it('refuses truncated fixed fields', () => {
      expect(failure(() => reader(1, 2, 3).skip(WireType.Fixed32)).message).to.equal(
        'truncated message: 4-byte fixed field at offset 0 but 3 remain',
      );
      expect(failure(() => reader(1, 2, 3, 4, 5, 6, 7).skip(WireType.Fixed64)).reason).to.equal('Truncated');
    });

    it('refuses groups', () => {
      expect(failure(() => reader().skip(WireType.StartGroup)).message).to.equal(
        'unsupported wire type 3 (start-group) at offset 0',
      );
    });
  });
});
