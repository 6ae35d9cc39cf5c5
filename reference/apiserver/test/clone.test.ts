// The apiserver's deep copy of JSON values (validation/access.ts `clone`): a copy that shares
// nothing with its source, as structuredClone made, without its cost.
import { expect } from 'chai';
import { clone } from '../src/validation/access.ts';

describe('apiserver: clone of JSON values', () => {
  it('copies nested objects and arrays so that changing the copy leaves the source alone', () => {
    const source = {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', ports: [{ port: 80 }] }] },
    };
    const copy = clone(source);
    expect(copy).to.deep.equal(source);
    copy.metadata.labels.app = 'db';
    copy.spec.containers[0]!.ports[0]!.port = 81;
    copy.spec.containers.push({ name: 'd', ports: [] });
    expect(source).to.deep.equal({
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'c', ports: [{ port: 80 }] }] },
    });
  });

  it('keeps primitives, null and undefined members, and a "__proto__" key as data', () => {
    expect(clone(null)).to.equal(null);
    expect(clone('x')).to.equal('x');
    const withUndefined = clone({ a: undefined, b: null, c: 0 });
    expect(Object.keys(withUndefined)).to.deep.equal(['a', 'b', 'c']);
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "x": 1}') as Record<string, unknown>;
    const copy = clone(hostile);
    expect(Object.getPrototypeOf(copy)).to.equal(Object.prototype);
    expect(Object.keys(copy)).to.deep.equal(['__proto__', 'x']);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
  });

  it('copies what is not a plain object (a Date) as structuredClone does', () => {
    const when = new Date('2026-11-24T00:00:00Z');
    const copy = clone({ when });
    expect(copy.when).to.be.instanceOf(Date);
    expect(copy.when).to.not.equal(when);
    expect(copy.when.getTime()).to.equal(when.getTime());
  });
});
