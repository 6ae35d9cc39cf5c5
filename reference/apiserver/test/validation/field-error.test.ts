// Expected texts follow k8s.io/apimachinery/pkg/util/validation/field/errors.go (ErrorBody,
// ErrorType.String) and pkg/api/errors/errors.go (NewInvalid); Go formatting per fmt/strconv.
import { expect } from 'chai';
import {
  aggregateMessage,
  badRequestStatus,
  duplicate,
  errorBody,
  errorMessage,
  FieldPath,
  forbidden,
  internalError,
  invalid,
  invalidStatus,
  notFound,
  notSupported,
  required,
  tooLong,
  tooMany,
  typeInvalid,
} from '../../src/validation/field-error.ts';
import { goFloat, goQuote, goStringMap, goStringSlice } from '../../src/validation/go-format.ts';

describe('validation: field errors', () => {
  it('prints paths as upstream field.Path does, including NewPath("") as []', () => {
    const p = FieldPath.of('spec').child('containers').index(0).child('resources', 'limits').key('cpu');
    expect(p.toString()).to.equal('spec.containers[0].resources.limits[cpu]');
    expect(FieldPath.of('').toString()).to.equal('[]');
    expect(FieldPath.of('metadata', 'labels').toString()).to.equal('metadata.labels');
  });

  it('writes each error type as upstream ErrorBody does', () => {
    const path = 'spec.x';
    expect(errorMessage(required(path))).to.equal('spec.x: Required value');
    expect(errorMessage(required(path, 'name or generateName is required'))).to.equal(
      'spec.x: Required value: name or generateName is required',
    );
    expect(errorMessage(invalid(path, 'Foo_bar', 'bad'))).to.equal('spec.x: Invalid value: "Foo_bar": bad');
    expect(errorMessage(invalid(path, 70000, 'must be between 1 and 65535, inclusive'))).to.equal(
      'spec.x: Invalid value: 70000: must be between 1 and 65535, inclusive',
    );
    expect(errorMessage(invalid(path, true, 'no'))).to.equal('spec.x: Invalid value: true: no');
    expect(
      errorMessage(invalid(path, null, 'must not update from a positive integer to nil value')),
    ).to.equal('spec.x: Invalid value: "null": must not update from a positive integer to nil value');
    expect(errorMessage(notSupported(path, 'SCTPX', ['SCTP', 'TCP', 'UDP']))).to.equal(
      'spec.x: Unsupported value: "SCTPX": supported values: "SCTP", "TCP", "UDP"',
    );
    expect(errorMessage(duplicate(path, 'app'))).to.equal('spec.x: Duplicate value: "app"');
    expect(errorMessage(notFound(path, 'data'))).to.equal('spec.x: Not found: "data"');
    expect(errorMessage(forbidden(path, 'not allowed on this type'))).to.equal(
      'spec.x: Forbidden: not allowed on this type',
    );
    expect(errorMessage(tooLong(path, 262144))).to.equal('spec.x: Too long: must have at most 262144 bytes');
    expect(errorMessage(tooMany(path, 5, 3))).to.equal('spec.x: Too many: 5: must have at most 3 items');
    expect(errorMessage(tooMany(path, -1, -1))).to.equal('spec.x: Too many: has too many items');
    expect(errorMessage(internalError(path, 'boom'))).to.equal('spec.x: Internal error: boom');
    expect(errorMessage(typeInvalid(path, 'x', 'must be an int'))).to.equal(
      'spec.x: Invalid value: "x": must be an int',
    );
    expect(invalid(path, 1, 'd').type).to.equal('FieldValueInvalid');
    expect(typeInvalid(path, 1, 'd').type).to.equal('FieldValueTypeInvalid');
  });

  it('formats values with Go verbs: %q strings, %v numbers, %#v slices and maps', () => {
    expect(goQuote('a"b\\c\n\t\x01é')).to.equal('"a\\"b\\\\c\\n\\t\\x01é"');
    expect(goQuote('\u00a0\u200b')).to.equal('"\\u00a0\\u200b"');
    expect(goFloat(1.5)).to.equal('1.5');
    expect(goFloat(0.00001)).to.equal('1e-05');
    expect(goFloat(1234567.5)).to.equal('1.2345675e+06');
    expect(goStringSlice(['10.0.0.1', '::1']).repr).to.equal('[]string{"10.0.0.1", "::1"}');
    expect(goStringSlice(null).repr).to.equal('[]string(nil)');
    expect(goStringMap({ b: '2', a: '1' }).repr).to.equal('map[string]string{"a":"1", "b":"2"}');
    expect(errorBody(invalid('x', ['a'], 'd'))).to.equal('Invalid value: []string{"a"}: d');
  });

  it('aggregates like utilerrors: one message alone, several in brackets, duplicates once', () => {
    const a = required('spec.a');
    const b = invalid('spec.b', 'x', 'bad');
    expect(aggregateMessage([])).to.equal('');
    expect(aggregateMessage([a])).to.equal('spec.a: Required value');
    expect(aggregateMessage([a, b, a])).to.equal('[spec.a: Required value, spec.b: Invalid value: "x": bad]');
  });

  it('builds the whole 422 Status of NewInvalid, causes without the field in their message', () => {
    const errs = [required('spec.containers[0].image'), required('spec.containers[0].image')];
    expect(invalidStatus('Pod', '', 'x', errs)).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Pod "x" is invalid: spec.containers[0].image: Required value',
      reason: 'Invalid',
      details: {
        name: 'x',
        kind: 'Pod',
        causes: [
          { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' },
          { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' },
        ],
      },
      code: 422,
    });
    const grouped = invalidStatus('Deployment', 'apps', 'd', [invalid('metadata.name', 'D', 'bad')]);
    expect(grouped.message).to.equal(
      'Deployment.apps "d" is invalid: metadata.name: Invalid value: "D": bad',
    );
    expect(grouped.details?.group).to.equal('apps');
    expect(Object.keys(grouped.details ?? {})).to.deep.equal(['name', 'group', 'kind', 'causes']);
    expect(invalidStatus('Pod', '', 'x', []).message).to.equal('Pod "x" is invalid');
  });

  it('builds the 400 Status of NewBadRequest', () => {
    expect(badRequestStatus('nope')).to.deep.equal({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'nope',
      reason: 'BadRequest',
      code: 400,
    });
  });
});
