import { expect } from 'chai';
import {
  acceptedPatchContentTypes,
  STRATEGIC_MERGE_KEYS,
  supportsStrategicMergePatch,
} from '../../src/patch/merge-keys.ts';
import { GENERIC_INVALID_MESSAGE, PATCH_ERRORS, PatchError } from '../../src/patch/patch-error.ts';
import type { PatchErrorCode } from '../../src/patch/patch-error.ts';

describe('strategic merge keys table', () => {
  const tables = Object.entries(STRATEGIC_MERGE_KEYS);

  it('covers the built-in kinds the reference apiserver serves', () => {
    for (const kind of [
      'Pod',
      'Service',
      'Node',
      'ConfigMap',
      'Deployment',
      'StatefulSet',
      'EndpointSlice',
      'Lease',
      'CSINode',
    ]) {
      expect(supportsStrategicMergePatch(kind), kind).to.equal(true);
    }
    expect(supportsStrategicMergePatch('Widget')).to.equal(false);
    expect(supportsStrategicMergePatch('toString')).to.equal(false);
  });

  it('gives every kind ObjectMeta: finalizers as a merged set, ownerReferences by uid', () => {
    for (const [kind, table] of tables) {
      expect(table['metadata.finalizers'], kind).to.deep.equal({ strategy: 'merge' });
      expect(table['metadata.ownerReferences'], kind).to.deep.equal({ strategy: 'merge', mergeKey: 'uid' });
    }
  });

  it('only steps into items ([]) of lists merged by a key', () => {
    for (const [kind, table] of tables) {
      for (const path of Object.keys(table)) {
        const list = path.includes('[]') ? path.slice(0, path.lastIndexOf('[]')) : undefined;
        if (list !== undefined) expect(table[list]?.mergeKey, `${kind} ${path}`).to.be.a('string');
      }
    }
  });

  it('has the pod template fields upstream tags, and none for tolerations', () => {
    const deployment = STRATEGIC_MERGE_KEYS.Deployment ?? {};
    expect(deployment['spec.template.spec.containers']).to.deep.equal({
      strategy: 'merge',
      mergeKey: 'name',
    });
    expect(deployment['spec.template.spec.volumes']).to.deep.equal({
      strategy: 'merge,retainKeys',
      mergeKey: 'name',
    });
    expect(deployment['spec.template.spec.containers[].ports']).to.deep.equal({
      strategy: 'merge',
      mergeKey: 'containerPort',
    });
    expect(deployment['spec.template.spec.initContainers[].env']).to.deep.equal({
      strategy: 'merge',
      mergeKey: 'name',
    });
    expect(deployment['spec.template.spec.tolerations']).to.equal(undefined);
    expect(STRATEGIC_MERGE_KEYS.Pod?.['spec.hostAliases']).to.deep.equal({
      strategy: 'merge',
      mergeKey: 'ip',
    });
  });

  it('lists the patch content types upstream accepts, without strategic merge for CRDs', () => {
    expect(acceptedPatchContentTypes('Pod')).to.deep.equal([
      'application/json-patch+json',
      'application/merge-patch+json',
      'application/strategic-merge-patch+json',
      'application/apply-patch+yaml',
    ]);
    expect(acceptedPatchContentTypes('Widget')).to.not.include('application/strategic-merge-patch+json');
  });
});

describe('patch error catalogue', () => {
  it('turns every code into a Status with its status and reason', () => {
    for (const code of Object.keys(PATCH_ERRORS) as PatchErrorCode[]) {
      const status = new PatchError(code, 'why').toApiError().status;
      expect([status.code, status.reason], code).to.deep.equal([
        PATCH_ERRORS[code].status,
        PATCH_ERRORS[code].reason,
      ]);
      expect(status.message).to.equal('why');
    }
  });

  it("gives a failed JSON patch upstream's 422: generic message, empty details", () => {
    const err = new PatchError(
      'JsonPatchFailed',
      GENERIC_INVALID_MESSAGE,
      'testing value /a failed: test failed',
    );
    expect(err.toApiError().status).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'the server rejected our request due to an error in our request',
      reason: 'Invalid',
      details: {},
      code: 422,
    });
    expect(err.detail).to.equal('testing value /a failed: test failed');
  });
});
