// Expected texts are copied from k8s.io/apimachinery/pkg/util/validation/validation.go (v1.32:
// MaxLenError says "characters"; IsQualifiedName's "a qualified name ..." wording) and
// k8s.io/apimachinery/pkg/api/validation/{generic.go,path/name.go}.
import { expect } from 'chai';
import {
  generateName,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPortName,
  isValidPortNum,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  pathSegmentName,
} from '../../src/validation/names.ts';
import { DNS1035_MSG, LABEL_MSG, SUBDOMAIN_MSG } from './fixtures.ts';

const QUALIFIED_NAME_PART =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

describe('validation: names', () => {
  it('DNS-1123 subdomain: regex message with its example, and the 253 limit', () => {
    expect(isDNS1123Subdomain('my.app-1')).to.deep.equal([]);
    expect(isDNS1123Subdomain('Foo_bar')).to.deep.equal([SUBDOMAIN_MSG]);
    expect(isDNS1123Subdomain('a'.repeat(254))).to.deep.equal(['must be no more than 253 characters']);
  });

  it('DNS-1123 label: the double-spaced examples, and "must not contain dots" for subdomains', () => {
    expect(isDNS1123Label('web-1')).to.deep.equal([]);
    expect(isDNS1123Label('Web')).to.deep.equal([LABEL_MSG]);
    expect(isDNS1123Label('a.b')).to.deep.equal(['must not contain dots']);
    expect(isDNS1123Label('a'.repeat(64))).to.deep.equal(['must be no more than 63 characters']);
  });

  it('DNS-1035 label: must start with a letter', () => {
    expect(isDNS1035Label('web')).to.deep.equal([]);
    expect(isDNS1035Label('1web')).to.deep.equal([DNS1035_MSG]);
  });

  it('qualified names: prefix and name parts checked separately', () => {
    expect(isQualifiedName('example.com/My_name-1')).to.deep.equal([]);
    expect(isQualifiedName('-bad')).to.deep.equal([QUALIFIED_NAME_PART]);
    expect(isQualifiedName('/x')).to.deep.equal(['prefix part must be non-empty']);
    expect(isQualifiedName('Example.com/x')).to.deep.equal(['prefix part ' + SUBDOMAIN_MSG]);
    expect(isQualifiedName('a/')).to.deep.equal(['name part must be non-empty', QUALIFIED_NAME_PART]);
    expect(isQualifiedName('x'.repeat(64))).to.deep.equal(['name part must be no more than 63 characters']);
    expect(isQualifiedName('a/b/c')).to.deep.equal([
      "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ]);
  });

  it('label values: empty is fine, 63 at most', () => {
    expect(isValidLabelValue('')).to.deep.equal([]);
    expect(isValidLabelValue('a b')).to.deep.equal([
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    ]);
    expect(isValidLabelValue('v'.repeat(64))).to.deep.equal(['must be no more than 63 characters']);
  });

  it('config keys, env var names (strict and relaxed), port names and numbers', () => {
    expect(isConfigMapKey('..a')).to.deep.equal(["must not start with '..'"]);
    expect(isConfigMapKey('a b')).to.deep.equal([
      "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
    expect(isEnvVarName('1ABC')).to.deep.equal([
      "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')",
    ]);
    expect(isRelaxedEnvVarName('1 ABC')).to.deep.equal([]);
    expect(isRelaxedEnvVarName('A=B')).to.deep.equal([
      "a valid environment variable name must consist only of printable ASCII characters other than '='",
    ]);
    expect(isValidPortName('HTTP--')).to.deep.equal([
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'must contain at least one letter (a-z)',
      'must not contain consecutive hyphens',
      'must not begin or end with a hyphen',
    ]);
    expect(isValidPortName('http-metrics-port')).to.deep.equal(['must be no more than 15 characters']);
    expect(isValidPortNum(0)).to.deep.equal(['must be between 1 and 65535, inclusive']);
    expect(isValidPortNum(65535)).to.deep.equal([]);
  });

  it('name functions mask a generateName trailing dash, with upstream quirk', () => {
    expect(nameIsDNSSubdomain('web-', true)).to.deep.equal([]);
    expect(nameIsDNSSubdomain('web-', false)).to.deep.equal([SUBDOMAIN_MSG]);
    expect(nameIsDNSLabel('a.b-', true)).to.deep.equal(['must not contain dots']); // masked to "a.a"
    expect(nameIsDNSLabel('-', true)).to.deep.equal([]);
  });

  it('path segment names: no ".", "..", "/" or "%"', () => {
    expect(isValidPathSegmentName('..')).to.deep.equal(["may not be '..'"]);
    expect(isValidPathSegmentName('a/b%')).to.deep.equal(["may not contain '/'", "may not contain '%'"]);
    expect(pathSegmentName('.', true)).to.deep.equal([]);
  });

  it('generateName: base cut to 58 characters plus 5 characters of upstream alphabet', () => {
    let i = 0;
    const seq = [0, 0.5, 0.99, 0.1, 0.3];
    expect(generateName('web-', () => seq[i++ % seq.length] ?? 0)).to.equal('web-br9dl');
    const long = generateName('x'.repeat(80), () => 0);
    expect(long).to.have.length(63);
    expect(long.endsWith('bbbbb')).to.equal(true);
  });
});
