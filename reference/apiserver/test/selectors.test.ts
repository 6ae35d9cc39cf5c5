import { expect } from 'chai';
import { ApiError } from '../src/api-error.ts';
import { labelSelectorFromObject, parseFieldSelector, parseLabelSelector } from '../src/selectors.ts';

function rejects(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected a BadRequest');
}

describe('label selectors', () => {
  const web = { app: 'web', tier: 'front', replicas: '3' };

  const cases: Array<[string, Record<string, string> | undefined, boolean]> = [
    ['', web, true],
    ['app=web', web, true],
    ['app==web', web, true],
    ['app=db', web, false],
    ['app!=db', web, true],
    ['app!=web', web, false],
    ['missing!=x', web, true],
    ['app', web, true],
    ['!app', web, false],
    ['!missing', web, true],
    ['app in (web,db)', web, true],
    ['app in (db)', web, false],
    ['app notin (db, cache)', web, true],
    ['missing notin (x)', web, true],
    ['app=web,tier=front', web, true],
    ['app=web,tier=back', web, false],
    ['replicas>2', web, true],
    ['replicas<3', web, false],
    ['app=web', undefined, false],
    ['!app', undefined, true],
    ['example.com/role=x', { 'example.com/role': 'x' }, true],
    ['app=', { app: '' }, true],
  ];
  for (const [selector, labels, expected] of cases) {
    it(`"${selector}" ${expected ? 'matches' : 'does not match'} ${JSON.stringify(labels)}`, () => {
      expect(parseLabelSelector(selector).matches(labels)).to.equal(expected);
    });
  }

  it('refuses malformed selectors with a BadRequest naming what it found', () => {
    expect(rejects(() => parseLabelSelector('app in web')).status).to.include({
      code: 400,
      reason: 'BadRequest',
      message: "unable to parse requirement: found 'web', expected: '('",
    });
    expect(rejects(() => parseLabelSelector('app=web tier=x')).status.message).to.equal(
      "found 'tier', expected: ',' or 'end of string'",
    );
    expect(rejects(() => parseLabelSelector('app=%')).status.message).to.equal(
      "unable to parse requirement: found '%', expected: identifier",
    );
    expect(rejects(() => parseLabelSelector('replicas>x')).status.message).to.equal(
      "unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer",
    );
    expect(rejects(() => parseLabelSelector('-bad=x')).status.code).to.equal(400);
    expect(rejects(() => parseLabelSelector('a=' + 'v'.repeat(64))).status.code).to.equal(400);
  });

  it('builds a selector from matchLabels and matchExpressions', () => {
    const s = labelSelectorFromObject({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front'] },
        { key: 'canary', operator: 'DoesNotExist' },
      ],
    });
    expect(s.matches({ app: 'web', tier: 'front' })).to.equal(true);
    expect(s.matches({ app: 'web', tier: 'front', canary: 'y' })).to.equal(false);
  });

  it('prints as labels.Selector.String(): requirements by key, value lists sorted', () => {
    const s = labelSelectorFromObject({
      matchLabels: { tier: 'front', app: 'web' },
      matchExpressions: [
        { key: 'zone', operator: 'NotIn', values: ['b', 'a'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'env', operator: 'Exists' },
        { key: 'band', operator: 'In', values: ['x'] },
      ],
    });
    expect(s.toString()).to.equal('app=web,band in (x),!canary,env,tier=front,zone notin (a,b)');
    expect(parseLabelSelector('b!=1,a').toString()).to.equal('a,b!=1');
  });
});

describe('field selectors', () => {
  const supported = ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase'];

  it('matches =, == and != against the object fields', () => {
    const fields = {
      'metadata.name': 'web',
      'spec.nodeName': 'n1',
      'status.phase': 'Running',
      'metadata.namespace': 'a',
    };
    expect(parseFieldSelector('spec.nodeName=n1', supported).matches(fields)).to.equal(true);
    expect(parseFieldSelector('spec.nodeName==n2', supported).matches(fields)).to.equal(false);
    expect(parseFieldSelector('status.phase!=Pending,metadata.name=web', supported).matches(fields)).to.equal(
      true,
    );
    expect(
      parseFieldSelector('spec.nodeName=', supported).matches({ ...fields, 'spec.nodeName': '' }),
    ).to.equal(true);
  });

  it('unescapes values and refuses unknown fields as upstream does', () => {
    expect(parseFieldSelector('metadata.name=a\\,b', supported).requirements[0]!.value).to.equal('a,b');
    expect(rejects(() => parseFieldSelector('spec.foo=x', supported)).status.message).to.equal(
      'field label not supported: spec.foo',
    );
    expect(rejects(() => parseFieldSelector('nonsense', supported)).status.message).to.equal(
      "invalid selector: 'nonsense'; can't understand 'nonsense'",
    );
  });
});
