// Node affinity and PersistentVolume node affinity: the node selector checks with texts from
// pkg/apis/core/validation/validation.go (validateNodeAffinity, ValidateNodeSelector,
// ValidateNodeSelectorRequirement, ValidateNodeFieldSelectorRequirement,
// ValidatePreferredSchedulingTerms).
import { expect } from 'chai';
import { validate } from '../../src/validation/core-v1.ts';
import { at, edited, messages, pod, type Obj } from './fixtures.ts';

const REQ = 'requiredDuringSchedulingIgnoredDuringExecution';
const PREF = 'preferredDuringSchedulingIgnoredDuringExecution';
const withNodeAffinity = (nodeAffinity: Obj): string[] =>
  messages(
    validate(
      'Pod',
      edited(pod(), (p) => {
        at(p, 'spec').affinity = { nodeAffinity };
      }),
    ),
  );

describe('validation: node affinity', () => {
  it('accepts every operator used as upstream allows, on labels and on metadata.name', () => {
    const errors = withNodeAffinity({
      [REQ]: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: 'zone', operator: 'In', values: ['a', 'b'] },
              { key: 'example.com/gpu', operator: 'Exists' },
              { key: 'cores', operator: 'Gt', values: ['4'] },
            ],
            matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['node-1'] }],
          },
        ],
      },
      [PREF]: [
        { weight: 100, preference: { matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] } },
      ],
    });
    expect(errors).to.deep.equal([]);
  });

  it('refuses a required selector without terms, and bad operators, values and keys at their paths', () => {
    expect(withNodeAffinity({ [REQ]: { nodeSelectorTerms: [] } })).to.deep.equal([
      `spec.affinity.nodeAffinity.${REQ}.nodeSelectorTerms: Required value: must have at least one node selector term`,
    ]);
    const term = `spec.affinity.nodeAffinity.${REQ}.nodeSelectorTerms[0]`;
    const errors = withNodeAffinity({
      [REQ]: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: 'zone', operator: 'In', values: [] },
              { key: 'zone', operator: 'Exists', values: ['a'] },
              { key: 'cores', operator: 'Lt', values: ['1', '2'] },
              { key: 'zone', operator: 'Equals', values: ['a'] },
              { key: 'Bad Key', operator: 'Exists' },
            ],
            matchFields: [
              { key: 'metadata.name', operator: 'In', values: ['a', 'b'] },
              { key: 'metadata.labels', operator: 'Exists' },
              { key: 'metadata.name', operator: 'In', values: ['Bad_Name'] },
            ],
          },
        ],
      },
    });
    expect(errors.slice(0, 4)).to.deep.equal([
      `${term}.matchExpressions[0].values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`,
      `${term}.matchExpressions[1].values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`,
      `${term}.matchExpressions[2].values: Required value: must be specified single value when \`operator\` is 'Lt' or 'Gt'`,
      `${term}.matchExpressions[3].operator: Invalid value: "Equals": not a valid selector operator`,
    ]);
    expect(errors[4]).to.match(
      new RegExp(
        `^${escape(term)}\\.matchExpressions\\[4\\]\\.key: Invalid value: "Bad Key": name part must consist of`,
      ),
    );
    expect(errors.slice(5)).to.deep.equal([
      `${term}.matchFields[0].values: Required value: must be only one value when \`operator\` is 'In' or 'NotIn' for node field selector`,
      `${term}.matchFields[1].operator: Invalid value: "Exists": not a valid selector operator`,
      `${term}.matchFields[1].key: Invalid value: "metadata.labels": not a valid field selector key`,
      `${term}.matchFields[2].values[0]: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ]);
  });

  it('checks preferred terms’ weights and preferences', () => {
    const pref = `spec.affinity.nodeAffinity.${PREF}`;
    expect(
      withNodeAffinity({
        [PREF]: [
          { weight: 0, preference: { matchExpressions: [{ key: 'zone', operator: 'Exists' }] } },
          { weight: 101, preference: { matchExpressions: [{ key: 'zone', operator: 'In' }] } },
        ],
      }),
    ).to.deep.equal([
      `${pref}[0].weight: Invalid value: 0: must be in the range 1-100`,
      `${pref}[1].weight: Invalid value: 101: must be in the range 1-100`,
      `${pref}[1].preference.matchExpressions[0].values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`,
    ]);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
