// Specs and tests keep each other honest: every spec has a test, every test cites exactly one
// existing spec, ids are unique, suites stay portable (nothing from reference/, nothing skipped),
// and the spec loader refuses a bad file with a message naming the file and the field.
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CITED_ID, citedSpecId, loadSpecFile, loadSpecs, SPECS_DIR, SpecError } from '../lib/specs.ts';

const CONFORMANCE = fileURLToPath(new URL('..', import.meta.url));
const SUITES = join(CONFORMANCE, 'suites');
const FIXTURES = fileURLToPath(new URL('fixtures/', import.meta.url));

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return testFiles(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

interface CitingTest {
  file: string;
  line: number;
  /** The title literal, or undefined when the first argument is not a string literal. */
  title: string | undefined;
  /** Source from this `it(` to the next one (or the end of the file). */
  body: string;
}

/** Reads a JavaScript string literal starting at `start` (a quote); undefined if there is none. */
function stringLiteral(source: string, start: number): string | undefined {
  const quote = source[start];
  if (quote !== "'" && quote !== '"' && quote !== '`') return undefined;
  let value = '';
  for (let i = start + 1; i < source.length; i += 1) {
    const ch = source[i]!;
    if (ch === '\\') {
      value += source[i + 1] ?? '';
      i += 1;
    } else if (ch === quote) {
      return value;
    } else if (quote === '`' && ch === '$' && source[i + 1] === '{') {
      return undefined; // a template with substitutions is not a fixed title
    } else {
      value += ch;
    }
  }
  return undefined;
}

function citingTests(file: string): CitingTest[] {
  const source = readFileSync(file, 'utf8');
  const calls = [...source.matchAll(/(?<![\w.$])it\s*\(\s*/g)];
  return calls.map((call, index) => {
    const start = call.index;
    const end = calls[index + 1]?.index ?? source.length;
    return {
      file: relative(CONFORMANCE, file),
      line: source.slice(0, start).split('\n').length,
      title: stringLiteral(source, start + call[0].length),
      body: source.slice(start, end),
    };
  });
}

describe('conformance traceability', () => {
  const specs = loadSpecs();
  const files = testFiles(SUITES);
  const tests = files.flatMap(citingTests);

  it('finds spec files and suite tests to check', () => {
    expect(specs.size, 'specs').to.be.greaterThan(0);
    expect(files.length, 'suite files').to.be.greaterThan(0);
    expect(tests.length, 'it() calls').to.be.greaterThan(0);
  });

  it('gives every spec id once across all spec files', () => {
    const ids = readdirSync(SPECS_DIR)
      .filter((name) => /\.ya?ml$/.test(name))
      .flatMap((name) => loadSpecFile(join(SPECS_DIR, name)).map((spec) => spec.id));
    const repeated = ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(repeated, 'ids used more than once').to.deep.equal([]);
    expect(ids.length).to.equal(specs.size);
  });

  it('has every it() in conformance/suites cite exactly one existing spec id at the start of its title', () => {
    const problems: string[] = [];
    for (const test of tests) {
      const where = `${test.file}:${test.line}`;
      if (test.title === undefined) {
        problems.push(`${where}: the title must be a fixed string literal`);
        continue;
      }
      const cited = [...test.title.matchAll(CITED_ID)].map((m) => m[1]!);
      if (cited.length !== 1) {
        problems.push(`${where}: "${test.title}" cites ${cited.length} spec ids; it must cite exactly one`);
        continue;
      }
      try {
        citedSpecId(test.title);
      } catch (err) {
        problems.push(`${where}: ${(err as Error).message}`);
        continue;
      }
      const id = cited[0]!;
      if (!specs.has(id)) problems.push(`${where}: "${test.title}" cites ${id}, which no spec file defines`);
      for (const other of test.body.matchAll(/\bspec\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        if (other[1] !== id) problems.push(`${where}: the test for ${id} uses the timeout of ${other[1]}`);
      }
    }
    expect(problems).to.deep.equal([]);
  });

  it('has at least one test for every spec', () => {
    const cited = new Set(
      tests.flatMap((test) => [...(test.title ?? '').matchAll(CITED_ID)].map((m) => m[1]!)),
    );
    const untested = [...specs.keys()].filter((id) => !cited.has(id));
    expect(untested, 'specs without a test').to.deep.equal([]);
  });

  it('keeps the suites portable: spec timeouts applied, nothing skipped, nothing from reference/', () => {
    const problems: string[] = [];
    for (const file of files) {
      const source = readFileSync(file, 'utf8');
      const name = relative(CONFORMANCE, file);
      if (!/\buseSpecTimeouts\(\)/.test(source)) problems.push(`${name}: does not call useSpecTimeouts()`);
      if (
        /(?<![\w$])(it|describe|context|specify)\.(skip|only)\b|(?<![\w.$])x(it|describe)\s*\(|\bthis\.skip\(/.test(
          source,
        )
      ) {
        problems.push(`${name}: skips or focuses tests; the runner alone decides what is skipped`);
      }
      for (const imported of source.matchAll(/\bfrom\s+['"]([^'"]+)['"]/g)) {
        if (/(^|\/)reference\//.test(imported[1]!)) {
          problems.push(
            `${name}: imports ${imported[1]}; a suite knows the cluster only through its kubeconfig`,
          );
        }
      }
    }
    expect(problems).to.deep.equal([]);
  });

  describe('spec loader', () => {
    const cases: Array<[string, RegExp]> = [
      [
        'bad-level',
        /entry 2 \(API-FIXTURE-BAD-LEVEL\): field "level": must be one of MUST, SHOULD, got "MAY"/,
      ],
      ['missing-timeout', /entry 1 \(API-FIXTURE-NO-TIMEOUT\): field "timeout": missing/],
      ['unknown-field', /entry 1 \(API-FIXTURE-UNKNOWN-FIELD\): field "timeout_ms": unknown field/],
      [
        'wrong-area',
        /entry 1 \(API-FIXTURE-WRONG-AREA\): field "area": "pods" must match the file name \(api\)/,
      ],
      ['duplicate-id', /entry 2 \(API-FIXTURE-TWICE\): field "id": API-FIXTURE-TWICE is used twice/],
    ];
    for (const [fixture, message] of cases) {
      it(`refuses ${fixture}/api.yaml naming the file and the field`, () => {
        const file = join(FIXTURES, fixture, 'api.yaml');
        let error: unknown;
        try {
          loadSpecFile(file);
        } catch (err) {
          error = err;
        }
        expect(error, `loading ${fixture}/api.yaml`).to.be.instanceOf(SpecError);
        const text = (error as Error).message;
        expect(text.startsWith(`${file}: `), `"${text}" begins with the file`).to.equal(true);
        expect(text).to.match(message);
      });
    }

    it('refuses a directory holding a bad file, naming that file', () => {
      expect(() => loadSpecs(join(FIXTURES, 'bad-level'))).to.throw(
        SpecError,
        join(FIXTURES, 'bad-level', 'api.yaml'),
      );
    });

    it('finds the title of a test only when it begins with one bracketed id', () => {
      expect(citedSpecId('[API-CRUD-CONFIGMAP] does things')).to.equal('API-CRUD-CONFIGMAP');
      expect(() => citedSpecId('does [API-CRUD-CONFIGMAP] things')).to.throw(SpecError);
      expect(() => citedSpecId('[API-A-B] and [API-C-D]')).to.throw(SpecError);
      expect(() => citedSpecId('no id at all')).to.throw(SpecError);
    });
  });
});
