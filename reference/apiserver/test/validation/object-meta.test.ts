// Expected texts are copied from k8s.io/apimachinery/pkg/api/validation/objectmeta.go,
// k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go and
// pkg/apis/core/validation/validation.go (validateKubeFinalizerName).
import { expect } from 'chai';
import { FieldPath } from '../../src/validation/field-error.ts';
import { nameIsDNSLabel, nameIsDNSSubdomain } from '../../src/validation/names.ts';
import {
  prepareObjectMetaForUpdate,
  validateAnnotations,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateOwnerReferences,
} from '../../src/validation/object-meta.ts';
import { messages, SUBDOMAIN_MSG } from './fixtures.ts';

const NAMESPACED = { namespaced: true, nameFn: nameIsDNSSubdomain, coreFinalizers: true };
const CLUSTER = { namespaced: false, nameFn: nameIsDNSLabel, coreFinalizers: true };

describe('validation: ObjectMeta', () => {
  it('requires a name or generateName, and checks both against the name rule', () => {
    expect(messages(validateObjectMeta({ namespace: 'default' }, NAMESPACED))).to.deep.equal([
      'metadata.name: Required value: name or generateName is required',
    ]);
    expect(messages(validateObjectMeta({ name: 'Foo_bar', namespace: 'default' }, NAMESPACED))).to.deep.equal(
      [`metadata.name: Invalid value: "Foo_bar": ${SUBDOMAIN_MSG}`],
    );
    expect(
      messages(validateObjectMeta({ generateName: 'Web-', name: 'Web-abcde', namespace: 'd' }, NAMESPACED)),
    ).to.deep.equal([
      `metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_MSG}`,
      `metadata.name: Invalid value: "Web-abcde": ${SUBDOMAIN_MSG}`,
    ]);
  });

  it('requires the namespace of namespaced kinds and forbids it on cluster-scoped ones', () => {
    expect(messages(validateObjectMeta({ name: 'a' }, NAMESPACED))).to.deep.equal([
      'metadata.namespace: Required value',
    ]);
    expect(messages(validateObjectMeta({ name: 'a', namespace: 'x' }, CLUSTER))).to.deep.equal([
      'metadata.namespace: Forbidden: not allowed on this type',
    ]);
  });

  it('checks labels, annotations, generation and finalizers', () => {
    const errs = validateObjectMeta(
      {
        name: 'a',
        namespace: 'default',
        generation: -1,
        labels: { 'app/': 'x', ok: 'bad value' },
        finalizers: ['foo', 'example.com/ok'],
      },
      NAMESPACED,
    );
    expect(messages(errs)).to.deep.equal([
      'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
      'metadata.labels: Invalid value: "app/": name part must be non-empty',
      "metadata.labels: Invalid value: \"app/\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      "metadata.labels: Invalid value: \"bad value\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      'metadata.finalizers[0]: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });

  it('limits the annotations to 256 KiB in total', () => {
    const errs = validateAnnotations(
      { big: 'x'.repeat(256 * 1024) },
      FieldPath.of('metadata', 'annotations'),
    );
    expect(messages(errs)).to.deep.equal(['metadata.annotations: Too long: must have at most 262144 bytes']);
  });

  it('checks owner references as upstream, errors on the list path', () => {
    const path = FieldPath.of('metadata', 'ownerReferences');
    expect(
      messages(validateOwnerReferences([{ apiVersion: '', kind: '', name: '', uid: '' }], path)),
    ).to.deep.equal([
      'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
    ]);
    const two = [
      { apiVersion: 'v1', kind: 'ReplicationController', name: 'a', uid: '1', controller: true },
      { apiVersion: 'v1', kind: 'ReplicationController', name: 'b', uid: '2', controller: true },
    ];
    const [err] = validateOwnerReferences(two, path);
    expect(err?.detail).to.equal(
      'Only one reference can have Controller set to true. Found "true" in references for ReplicationController/a and ReplicationController/b',
    );
  });

  it('on update: resourceVersion required, identity fields immutable', () => {
    const old = {
      name: 'a',
      namespace: 'default',
      uid: 'u1',
      resourceVersion: '3',
      creationTimestamp: '2024-05-01T10:00:00Z',
    };
    const errs = validateObjectMetaUpdate(
      { name: 'b', namespace: 'other', uid: 'u2', creationTimestamp: '2024-05-02T10:00:00Z', generation: 0 },
      { ...old, generation: 2 },
    );
    expect(messages(errs)).to.deep.equal([
      'metadata.resourceVersion: Invalid value: "": must be specified for an update',
      'metadata.generation: Invalid value: 0: must not be decremented',
      'metadata.name: Invalid value: "b": field is immutable',
      'metadata.namespace: Invalid value: "other": field is immutable',
      'metadata.uid: Invalid value: "u2": field is immutable',
      'metadata.creationTimestamp: Invalid value: 2024-05-02 10:00:00 +0000 UTC: field is immutable',
    ]);
  });

  it('on update while deleting: no new finalizers', () => {
    const old = {
      name: 'a',
      resourceVersion: '1',
      deletionTimestamp: '2024-05-01T10:00:00Z',
      finalizers: ['a.io/x'],
    };
    const errs = validateObjectMetaUpdate({ ...old, finalizers: ['a.io/x', 'b.io/y'] }, old);
    expect(messages(errs)).to.deep.equal([
      'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}',
    ]);
  });

  it('carries system fields over from the stored object, without touching its input', () => {
    const fresh = { metadata: { name: 'a', generation: 9 } };
    const old = {
      metadata: { name: 'a', uid: 'u', generation: 2, creationTimestamp: '2024-05-01T10:00:00Z' },
    };
    const out = prepareObjectMetaForUpdate(fresh, old);
    expect(out).to.deep.equal({
      metadata: { name: 'a', generation: 2, uid: 'u', creationTimestamp: '2024-05-01T10:00:00Z' },
    });
    expect(fresh).to.deep.equal({ metadata: { name: 'a', generation: 9 } });
  });
});
