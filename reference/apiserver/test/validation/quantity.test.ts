// Expected canonical forms follow k8s.io/apimachinery/pkg/api/resource/quantity.go
// (CanonicalizeBytes) after SetDefaults_ResourceList's RoundUp(-3), as kubectl shows them.
import { expect } from 'chai';
import {
  canonicalQuantity,
  compareQuantities,
  parseQuantity,
  quantityOf,
} from '../../src/validation/quantity.ts';

const canon = (s: string | number): string => {
  const q = quantityOf(s);
  if (!q) throw new Error(`does not parse: ${s}`);
  return canonicalQuantity(q);
};

describe('validation: quantities', () => {
  it('prints canonical forms', () => {
    expect(canon('0.5')).to.equal('500m');
    expect(canon('1000m')).to.equal('1');
    expect(canon('1500')).to.equal('1500');
    expect(canon('2000')).to.equal('2k');
    expect(canon('1024Mi')).to.equal('1Gi');
    expect(canon('1536Mi')).to.equal('1536Mi');
    expect(canon('1.5Gi')).to.equal('1536Mi');
    expect(canon('512')).to.equal('512');
    expect(canon('0.0001')).to.equal('1m');
    expect(canon('1e3')).to.equal('1e3');
    expect(canon('0')).to.equal('0');
    expect(canon(2)).to.equal('2');
    expect(canon('100M')).to.equal('100M');
  });

  it('compares by value and reports bad input with upstream texts', () => {
    const a = quantityOf('1Gi');
    const b = quantityOf('1073741824');
    expect(a && b && compareQuantities(a, b)).to.equal(0);
    expect(parseQuantity('abc')).to.deep.equal({
      error: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    });
    expect(parseQuantity('5Zi')).to.deep.equal({
      error: "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    });
    expect(parseQuantity('5ki')).to.deep.equal({ error: "unable to parse quantity's suffix" });
  });
});
