// What each suite file holds, read from its source without loading it: the spec id every `it()`
// cites, in order. The traceability check (conformance/test/traceability.test.ts) makes every test
// title a fixed string beginning `[SPEC-ID]`, so reading the source is exact, and the scheduler can
// place a file and count its tests before any mocha process starts.
import { readFileSync } from 'node:fs';
import { CITED_ID } from '../../../conformance/lib/specs.ts';

export interface SuiteFile {
  /** Absolute path. */
  file: string;
  /** The spec id each test cites, in source order (an id appears once per test citing it). */
  citations: string[];
}

// `it(` (not `.it(` or `xit(`), optional white space and new lines, a quote, then `[SPEC-ID]`.
const CITING_TEST = new RegExp(String.raw`(?<![\w.$])it\s*\(\s*['"\x60]` + CITED_ID.source, 'g');

/** The spec ids cited by the tests of one file's source. */
export function citationsIn(source: string): string[] {
  return [...source.matchAll(CITING_TEST)].map((match) => match[1]!);
}

/** Reads every file; throws (with the path) when one cannot be read. */
export function indexSuite(files: readonly string[]): SuiteFile[] {
  return files.map((file) => ({ file, citations: citationsIn(readFileSync(file, 'utf8')) }));
}
