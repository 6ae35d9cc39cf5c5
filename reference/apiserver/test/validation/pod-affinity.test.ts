// Pod affinity terms: the matchLabelKeys/mismatchLabelKeys merge a pod gets at creation
// (pkg/registry/core/pod/strategy.go applyMatchLabelKeysAndMismatchLabelKeys) and the terms'
// validation, with texts from pkg/apis/core/validation/validation.go (validatePodAffinityTerm,
// validateWeightedPodAffinityTerms, validateMatchLabelKeysAndMismatchLabelKeys).
import { expect } from 'chai';
import { validate } from '../../src/validation/core-v1.ts';
import { mergeMatchLabelKeys } from '../../src/validation/pod-affinity.ts';
import { at, edited, messages, pod, type Obj } from './fixtures.ts';

const REQ = 'requiredDuringSchedulingIgnoredDuringExecution';
const PREF = 'preferredDuringSchedulingIgnoredDuringExecution';
const create = (p: Obj): string[] => messages(validate('Pod', p));
const withAffinity = (affinity: Obj, labels: Record<string, string> = {}): Obj =>
  edited(pod(), (p) => {
    at(p, 'metadata').labels = labels;
    at(p, 'spec').affinity = affinity;
  });
/** What the apiserver does on create: merge, then validate. */
const created = (p: Obj): { pod: Obj; errors: string[] } => {
  mergeMatchLabelKeys(p);
  return { pod: p, errors: create(p) };
};

describe('validation: pod affinity terms and matchLabelKeys', () => {
  it('merges matchLabelKeys as In and mismatchLabelKeys as NotIn, for keys the pod carries', () => {
    const term = {
      labelSelector: { matchLabels: { app: 'web' } },
      topologyKey: 'kubernetes.io/hostname',
      matchLabelKeys: ['rev', 'absent'],
      mismatchLabelKeys: ['tenant'],
    };
    const { pod: p, errors } = created(
      withAffinity(
        {
          podAntiAffinity: {
            [REQ]: [structuredClone(term)],
            [PREF]: [{ weight: 10, podAffinityTerm: structuredClone(term) }],
          },
        },
        { app: 'web', rev: 'abc', tenant: 't1' },
      ),
    );
    expect(errors).to.deep.equal([]);
    const merged = [
      { key: 'rev', operator: 'In', values: ['abc'] },
      { key: 'tenant', operator: 'NotIn', values: ['t1'] },
    ];
    const anti = at(p, 'spec', 'affinity', 'podAntiAffinity');
    expect(at(anti, REQ, 0, 'labelSelector')).to.deep.equal({
      matchLabels: { app: 'web' },
      matchExpressions: merged,
    });
    expect(at(anti, PREF, 0, 'podAffinityTerm', 'labelSelector', 'matchExpressions')).to.deep.equal(merged);
    // The keys themselves stay, as upstream keeps them.
    expect(at(anti, REQ, 0).matchLabelKeys).to.deep.equal(['rev', 'absent']);
  });

  it('refuses label keys without a labelSelector, in both lists, or already in the selector', () => {
    const { errors } = created(
      withAffinity(
        {
          podAffinity: {
            [REQ]: [
              { topologyKey: 'zone', matchLabelKeys: ['rev'] },
              {
                labelSelector: { matchLabels: { rev: 'x' } },
                topologyKey: 'zone',
                matchLabelKeys: ['rev', 'both'],
                mismatchLabelKeys: ['both', 'Bad Key'],
              },
            ],
          },
        },
        { rev: 'abc', both: 'b' },
      ),
    );
    const term = `spec.affinity.podAffinity.${REQ}`;
    expect(errors).to.deep.equal([
      `${term}[0].matchLabelKeys: Forbidden: must not be specified when labelSelector is not set`,
      `${term}[1].mismatchLabelKeys[1]: Invalid value: "Bad Key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
      `${term}[1][0]: Invalid value: "rev": exists in both matchLabelKeys and labelSelector`,
      // upstream's loop also meets the merged `both NotIn` after the merged `both In`
      `${term}[1][1]: Invalid value: "both": exists in both matchLabelKeys and labelSelector`,
      `${term}[1].matchLabelKeys[1]: Invalid value: "both": exists in both matchLabelKeys and mismatchLabelKeys`,
    ]);
  });

  it('requires a topologyKey and checks weights and namespaces as upstream', () => {
    const errors = create(
      withAffinity({
        podAntiAffinity: {
          [REQ]: [{ labelSelector: {}, namespaces: ['Bad_NS'] }],
          [PREF]: [{ weight: 0, podAffinityTerm: { labelSelector: {}, topologyKey: 'zone' } }],
        },
      }),
    );
    expect(errors).to.include(
      `spec.affinity.podAntiAffinity.${REQ}[0].topologyKey: Required value: can not be empty`,
    );
    expect(errors).to.include(
      `spec.affinity.podAntiAffinity.${PREF}[0].weight: Invalid value: 0: must be in the range 1-100`,
    );
    expect(
      errors.filter((e) =>
        e.startsWith(`spec.affinity.podAntiAffinity.${REQ}[0].namespace: Invalid value: "Bad_NS"`),
      ),
      'the namespace error',
    ).to.have.lengthOf(1);
  });
});
