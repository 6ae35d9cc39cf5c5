// Property-style robustness: hundreds of generated bad objects (wrong types, missing fields,
// huge strings, bad names) thrown at validate, applyDefaults and checkTypes. They must never
// throw: they return errors (validate), a copy (applyDefaults) or a decode error (checkTypes),
// and never change their input. A seeded generator keeps failures reproducible.
import { expect } from 'chai';
import { validate, validateDecoded, VALIDATED_KINDS } from '../../src/validation/core-v1.ts';
import { applyDefaults } from '../../src/validation/defaults.ts';
import { errorMessage, FieldErrorType, invalidStatus } from '../../src/validation/field-error.ts';
import { checkTypes } from '../../src/validation/types-check.ts';
import {
  defaulted,
  persistentVolume,
  persistentVolumeClaim,
  pod,
  replicationController,
  service,
  stored,
  type Obj,
} from './fixtures.ts';

/** mulberry32: small, seeded, good enough to pick mutations. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEEDS: Record<string, () => Obj> = {
  Pod: pod,
  Service: service,
  PersistentVolume: persistentVolume,
  PersistentVolumeClaim: persistentVolumeClaim,
  ReplicationController: replicationController,
  Namespace: () => defaulted('Namespace', { metadata: { name: 'ns' } }),
  ConfigMap: () => ({ metadata: { name: 'c', namespace: 'd' }, data: { a: 'b' } }),
  Secret: () => defaulted('Secret', { metadata: { name: 's', namespace: 'd' }, data: { a: 'Yg==' } }),
  Node: () => ({ metadata: { name: 'n' }, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }),
  Endpoints: () => ({
    metadata: { name: 'e', namespace: 'd' },
    subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 1 }] }],
  }),
  ServiceAccount: () => ({ metadata: { name: 'sa', namespace: 'd' } }),
  Event: () => ({ metadata: { name: 'e', namespace: 'd' }, involvedObject: { namespace: 'd' } }),
};

function randomValue(r: () => number, depth = 0): unknown {
  const pick = Math.floor(r() * 14);
  switch (pick) {
    case 0:
      return 'x'.repeat(Math.floor(r() * 70000));
    case 1:
      return 'Bad_Name/..%\u0000\ud800é';
    case 2:
      return Math.floor(r() * 2 ** 40) - 2 ** 39;
    case 3:
      return r() * 1e6 - 5e5;
    case 4:
      return r() < 0.5;
    case 5:
      return null;
    case 6:
      return [];
    case 7:
      return {};
    case 8:
      return depth < 3 ? [randomValue(r, depth + 1), randomValue(r, depth + 1)] : 'leaf';
    case 9:
      return depth < 3 ? { name: randomValue(r, depth + 1), [String(r())]: randomValue(r, depth + 1) } : 0;
    case 10:
      return '';
    case 11:
      return -1;
    case 12:
      return Number.NaN;
    default:
      return '1e309Gi';
  }
}

/** All container paths (objects and arrays) inside a JSON value. */
function containers(v: unknown, out: (Obj | unknown[])[] = []): (Obj | unknown[])[] {
  if (Array.isArray(v)) {
    out.push(v);
    v.forEach((e) => containers(e, out));
  } else if (typeof v === 'object' && v !== null) {
    out.push(v as Obj);
    Object.values(v).forEach((e) => containers(e, out));
  }
  return out;
}

/** A few random edits: replace, delete or add a field anywhere in the object. */
function mutate(o: Obj, r: () => number): Obj {
  const copy = structuredClone(o);
  const edits = 1 + Math.floor(r() * 4);
  for (let i = 0; i < edits; i++) {
    const all = containers(copy);
    const target = all[Math.floor(r() * all.length)];
    if (!target) continue;
    if (Array.isArray(target)) {
      if (target.length > 0 && r() < 0.3) target.splice(Math.floor(r() * target.length), 1);
      else target.push(randomValue(r));
      continue;
    }
    const keys = Object.keys(target);
    const key = keys.length > 0 && r() < 0.8 ? (keys[Math.floor(r() * keys.length)] ?? 'k') : `extra${i}`;
    if (r() < 0.2) delete target[key];
    else target[key] = randomValue(r);
  }
  return copy;
}

function assertWellFormed(kind: string, errs: unknown): void {
  expect(errs, kind).to.be.an('array');
  const types = new Set<string>(Object.values(FieldErrorType));
  for (const e of errs as { type: string; field: unknown }[]) {
    expect(types.has(e.type), `${kind}: ${e.type}`).to.equal(true);
    expect(e.field).to.be.a('string');
    expect(errorMessage(e as never)).to.be.a('string');
  }
  expect(invalidStatus(kind, '', 'x', errs as never).code).to.equal(422);
}

describe('validation: never throws on generated bad objects', () => {
  const ROUNDS = 40;

  it(`survives ${ROUNDS} mutations of each of ${VALIDATED_KINDS.length} kinds, on create and update`, function () {
    this.timeout(60000);
    const r = rng(20240501);
    let checked = 0;
    for (const kind of VALIDATED_KINDS) {
      const seed = SEEDS[kind];
      if (!seed) throw new Error(`no seed object for ${kind}`);
      for (let i = 0; i < ROUNDS; i++) {
        const bad = mutate(seed(), r);
        const snapshot = structuredClone(bad);
        const old = stored(seed());
        expect(() => checkTypes(kind, bad)).not.to.throw();
        const defaultedBad = applyDefaults(kind, bad);
        expect(applyDefaults(kind, bad), `${kind} defaults are deterministic`).to.deep.equal(defaultedBad);
        assertWellFormed(kind, validate(kind, bad));
        assertWellFormed(kind, validate(kind, defaultedBad));
        assertWellFormed(kind, validate(kind, bad, old));
        assertWellFormed(kind, validate(kind, old, mutate(old, r)));
        // Past the decode check, so every validator meets the wrong types itself.
        assertWellFormed(kind, validateDecoded(kind, bad));
        assertWellFormed(kind, validateDecoded(kind, defaultedBad, old));
        assertWellFormed(kind, validateDecoded(kind, old, bad));
        expect(bad, `${kind} input unchanged`).to.deep.equal(snapshot);
        checked++;
      }
    }
    expect(checked).to.equal(ROUNDS * VALIDATED_KINDS.length);
  });

  it('survives arbitrary top-level values for every kind', () => {
    const r = rng(7);
    for (const kind of VALIDATED_KINDS) {
      for (let i = 0; i < 15; i++) {
        const value = randomValue(r);
        expect(() => applyDefaults(kind, value)).not.to.throw();
        assertWellFormed(kind, validate(kind, value));
        assertWellFormed(kind, validate(kind, value, value));
        assertWellFormed(kind, validateDecoded(kind, value, value));
      }
    }
  });

  it('reports a decode error, not a crash, when a field has the wrong JSON type', () => {
    const errs = validate('Pod', {
      metadata: { name: 'p', namespace: 'd' },
      spec: { containers: [{ ports: 'all' }] },
    });
    expect(errs).to.have.length(1);
    expect(errs[0]?.type).to.equal('FieldValueTypeInvalid');
  });
});
