// JUnit XML from TAP, through the tap-junit package (run as its own process, which is how it is
// built to be used). tap-junit's exit status says whether a test failed, not whether it worked, so
// the XML on its stdout is what counts: no XML is an error, whatever the status. tap-junit writes
// only a failure's message, so `addDiagnostics` then gives each <failure> a body with the
// diagnostics (stacks, pods, events, logs) and each flaky case a <system-out> saying so.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { KconformError } from '../../common/src/errors.ts';
import type { RunCommand } from '../../common/src/exec.ts';
import { runCommand } from '../../common/src/exec.ts';
import { formatSpecDiagnostics } from './diagnostics-text.ts';
import type { RunResults } from './results.ts';

const TAP_JUNIT_BIN = join(
  dirname(createRequire(import.meta.url).resolve('tap-junit/package.json')),
  'bin',
  'tap-junit',
);

export interface JunitOptions {
  /** The <testsuites> name. */
  name?: string;
  /** The <testsuite> name. */
  suite?: string;
  run?: RunCommand;
}

/** Converts TAP 13 text to pretty-printed JUnit XML; throws COMMAND_FAILED when tap-junit wrote none. */
export async function tapToJunit(tap: string, options: JunitOptions = {}): Promise<string> {
  const args = [
    TAP_JUNIT_BIN,
    '--pretty',
    '--name',
    options.name ?? 'kconform',
    '--classname',
    options.suite ?? 'conformance',
  ];
  const result = await (options.run ?? runCommand)(process.execPath, args, {
    input: tap,
    allowFailure: true,
  });
  const start = result.stdout.indexOf('<?xml');
  if (start < 0) {
    throw new KconformError('COMMAND_FAILED', {
      command: 'tap-junit',
      code: result.code,
      output: (result.stderr || result.stdout).trim() || 'no XML on its output',
    });
  }
  return result.stdout.slice(start).trimEnd() + '\n';
}

/** Characters XML 1.0 does not allow at all (container logs may hold terminal escapes). */
// eslint-disable-next-line no-control-regex
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export const xmlText = (text: string): string =>
  text.replace(NOT_XML, '�').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Puts each failed spec's diagnostics in its <failure> element's body and each flaky spec's in a
 * <system-out>, in the XML tap-junit made from `renderTap(results)` (test case N is spec N).
 */
export function addDiagnostics(xml: string, results: RunResults): string {
  let out = xml;
  results.specs.forEach((spec, index) => {
    const text = formatSpecDiagnostics(spec);
    const head = `<testcase name="${spec.id}" id="${index + 1}"`;
    if (spec.status === 'failed' && text) {
      const failure = new RegExp(`(${escapeRegExp(head)}>\\s*<failure [^>]*?)/>`);
      out = out.replace(failure, (_whole, open: string) => `${open}>${xmlText(text)}</failure>`);
    } else if (spec.status === 'flaky') {
      const body = `flaky: ${spec.message}${text ? `\n\n${text}` : ''}`;
      out = out.replace(
        `${head}/>`,
        `${head}>\n      <system-out>${xmlText(body)}</system-out>\n    </testcase>`,
      );
    }
  });
  return out;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
