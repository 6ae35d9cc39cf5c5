// `kconform certify`: a vendor's certification run and its bundle. Runs the suite with
// `--mode certify` (every stable spec of the declared features, nothing narrowed) and packs the
// reports, the full log, kconform's version, the spec catalogue's hash, a PRODUCT.yaml and a
// SHA256SUMS file into one .tar.gz; or, with --from, packs the report folder of an earlier
// certification run without touching a cluster.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createLogger, LOG_LEVELS, type Logger } from '../../../common/src/log.ts';
import { loadSpecs } from '../../../conformance/lib/specs.ts';
import { nonEmpty, usageError } from '../args.ts';
import { catalogueHash } from '../run/catalogue-hash.ts';
import { BundleError, writeBundle } from '../run/certify-bundle.ts';
import { kconformVersion } from '../run/run.ts';
import { runCommandVerb } from './cluster.ts';
import type { Command, CommandIO } from './command.ts';
import type { ParsedOptions } from '../args.ts';

/** The options that choose and run the suite; none of them goes with --from. */
const RUN_OPTIONS = [
  'kubeconfig',
  'context',
  'features',
  'profile',
  'parallel',
  'retries',
  'timeout-scale',
  'events',
] as const;

const DEBUG_LOG = 'debug.log';

/**
 * A logger that writes every record (debug and up) to `file`, and passes on to `outer`'s sink the
 * records at or above `outer`'s level, so the bundle keeps the whole log and stderr stays as quiet
 * as the user asked.
 */
function teeLogger(file: string, outerLevel: Logger['level'], stderr: (line: string) => void) {
  const fd = openSync(file, 'w');
  const threshold = LOG_LEVELS.indexOf(outerLevel);
  const log = createLogger({
    level: 'debug',
    fields: { verb: 'certify' },
    sink: (line) => {
      writeSync(fd, line + '\n');
      const level = (JSON.parse(line) as { level: Logger['level'] }).level;
      if (LOG_LEVELS.indexOf(level) >= threshold) stderr(line);
    },
  });
  return { log, close: () => closeSync(fd) };
}

export const certifyCommand: Command = {
  name: 'certify',
  summary:
    'Run the suite for certification (--mode certify) and write a bundle for a reviewer: results.json,\n' +
    "JUnit, TAP, the run's full log, kconform's version and the spec catalogue's hash, a PRODUCT.yaml\n" +
    'to fill in and a SHA256SUMS file, packed as one .tar.gz. With --from, bundle the report folder\n' +
    'of an earlier certification run instead. Exit code 0 only when the certification passed.',
  options: {
    from: {
      type: 'string',
      value: 'DIR',
      description: 'bundle this report folder of an earlier --mode certify run; run nothing',
      validate: nonEmpty,
    },
    output: {
      type: 'string',
      value: 'FILE',
      description: 'the bundle to write',
      default: 'kconform-certify.tar.gz',
      validate: (value) => (/\.(tar\.gz|tgz)$/.test(value) ? undefined : 'must end in .tar.gz or .tgz'),
    },
    product: {
      type: 'string',
      value: 'FILE',
      description: 'a filled-in PRODUCT.yaml to include instead of the template',
      validate: nonEmpty,
    },
    'report-dir': {
      type: 'string',
      value: 'DIR',
      description: 'where the run writes its reports (and the log) before they are bundled',
      default: 'kconform-certify-results',
      validate: nonEmpty,
    },
    kubeconfig: runCommandVerb.options.kubeconfig!,
    context: runCommandVerb.options.context!,
    features: runCommandVerb.options.features!,
    profile: runCommandVerb.options.profile!,
    parallel: runCommandVerb.options.parallel!,
    retries: runCommandVerb.options.retries!,
    'timeout-scale': runCommandVerb.options['timeout-scale']!,
    events: runCommandVerb.options.events!,
  },
  async run(options, io) {
    const from = options.from as string | undefined;
    const reportDir = resolve(io.cwd, from ?? String(options['report-dir']));
    if (from !== undefined) {
      // Options with defaults count as given only when they differ from the default.
      const given = RUN_OPTIONS.filter(
        (name) => options[name] !== undefined && options[name] !== certifyCommand.options[name]?.default,
      );
      if (given.length > 0) {
        throw usageError(
          'certify',
          `--from bundles an earlier run; it does not go with ${given.map((n) => `--${n}`).join(', ')}`,
        );
      }
      return bundle(reportDir, options, io);
    }
    mkdirSync(reportDir, { recursive: true });
    const debug = teeLogger(join(reportDir, DEBUG_LOG), io.log.level, (line) =>
      process.stderr.write(line + '\n'),
    );
    let code: number;
    try {
      // Through `kconform run` itself, so the target, the reference's start and stop and the
      // reports are exactly those of a run.
      code = await runCommandVerb.run(
        {
          ...Object.fromEntries(RUN_OPTIONS.map((name) => [name, options[name]])),
          mode: 'certify',
          list: false,
          strict: false,
          'report-dir': reportDir,
        },
        { ...io, log: debug.log },
      );
    } finally {
      debug.close();
    }
    if (code === 130) {
      io.out('kconform: certify: the run was interrupted; no bundle written');
      return code;
    }
    return bundle(reportDir, options, io);
  },
};

async function bundle(reportDir: string, options: ParsedOptions, io: CommandIO): Promise<number> {
  const output = resolve(io.cwd, String(options.output));
  const product = options.product === undefined ? undefined : resolve(io.cwd, String(options.product));
  let made;
  try {
    made = await writeBundle({
      reportDir,
      output,
      catalogue: [...loadSpecs().values()],
      catalogueHash: catalogueHash(),
      kconformVersion: kconformVersion(),
      ...(product ? { product } : {}),
    });
  } catch (err) {
    if (err instanceof BundleError) throw usageError('certify', err.message);
    throw err;
  }
  io.out(`bundle: ${made.archive} (sha256 ${made.archiveSha256})`);
  io.out(`  ${made.folder}/{${made.files.join(',')}}`);
  if (product === undefined)
    io.out(`  fill in ${made.folder}/PRODUCT.yaml and rebuild with --from and --product`);
  io.out(`certification: ${made.certification.result}`);
  for (const reason of made.certification.reasons) io.out(`  ${reason}`);
  return made.certification.result === 'passed' ? 0 : 1;
}
