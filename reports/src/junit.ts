// JUnit XML from TAP, through the tap-junit package (run as its own process, which is how it is
// built to be used). tap-junit's exit status says whether a test failed, not whether it worked, so
// the XML on its stdout is what counts: no XML is an error, whatever the status.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { KconformError } from '../../common/src/errors.ts';
import type { RunCommand } from '../../common/src/exec.ts';
import { runCommand } from '../../common/src/exec.ts';

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
