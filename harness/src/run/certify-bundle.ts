// A certification bundle: what a vendor hands a reviewer after `kconform certify`. From a report
// folder of a `--mode certify` run it packs, under one top folder of a .tar.gz: the results
// (results.json, junit.xml, results.tap, and report.html / summary.md when present), the run's full
// log (run.log, and debug.log when the run kept one), kconform.json (kconform's version, the spec
// catalogue's hash, the target and the certification result), a PRODUCT.yaml (the vendor's, or a
// template to fill in, with the fields of upstream's k8s-conformance PRODUCT.yaml) and SHA256SUMS
// over every other file, in `sha256sum -c` format.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createWriteStream, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack } from 'tar-stream';
import { parse } from 'yaml';
import type { Spec } from '../../../conformance/lib/specs.ts';
import { loadResults } from '../../../reports/src/load.ts';
import { isProvisional, type RunResults } from '../../../reports/src/results.ts';
import { sha256Hex, sha256sums, type CatalogueHash } from './catalogue-hash.ts';
import { UNDECLARED_FEATURE } from './plan.ts';

/** Files copied from the report folder; a certification run always writes these. */
export const REQUIRED_FILES = ['results.json', 'junit.xml', 'results.tap', 'run.log'] as const;
/** Copied when present. */
export const OPTIONAL_FILES = ['report.html', 'summary.md', 'debug.log'] as const;
export const PRODUCT_FILE = 'PRODUCT.yaml';
export const INFO_FILE = 'kconform.json';
export const SUMS_FILE = 'SHA256SUMS';

/** upstream's PRODUCT.yaml fields (cncf/k8s-conformance instructions.md); repo_url is optional. */
export const PRODUCT_FIELDS = [
  'vendor',
  'name',
  'version',
  'website_url',
  'repo_url',
  'documentation_url',
  'product_logo_url',
  'type',
  'description',
] as const;
const OPTIONAL_PRODUCT_FIELDS = new Set(['repo_url']);
export const PRODUCT_TYPES = ['distribution', 'hosted platform', 'installer'] as const;

export const PRODUCT_TEMPLATE = `# The product this certification run is for, with the fields of upstream's k8s-conformance
# PRODUCT.yaml (github.com/cncf/k8s-conformance, instructions.md). Fill in every field (repo_url
# only when the product is open source), then rebuild the bundle so that SHA256SUMS covers it:
#   kconform certify --from REPORT_DIR --product PRODUCT.yaml
vendor: ''            # the legal entity that certifies
name: ''              # the product's name
version: ''           # the product's version (not the version of Kubernetes it runs)
website_url: ''       # the product's information page
repo_url: ''          # optional: the primary source repository, when open source
documentation_url: '' # the product's documentation
product_logo_url: ''  # the logo, in SVG, AI or EPS, including the product name
type: ''              # distribution, hosted platform or installer
description: ''       # one sentence describing the product
`;

/** Why a bundle cannot be made; the command turns it into a usage error. */
export class BundleError extends Error {
  override name = 'BundleError';
}

/** Checks a filled-in PRODUCT.yaml; returns the problems (none when it is complete). */
export function productProblems(text: string): string[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    return [`not valid YAML (${(err as Error).message.split('\n')[0]})`];
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return ['must be a mapping of fields'];
  const fields = doc as Record<string, unknown>;
  const problems: string[] = [];
  for (const key of Object.keys(fields)) {
    if (!(PRODUCT_FIELDS as readonly string[]).includes(key))
      problems.push(`field "${key}": unknown; the fields are ${PRODUCT_FIELDS.join(', ')}`);
  }
  for (const key of PRODUCT_FIELDS) {
    const value = fields[key];
    if (OPTIONAL_PRODUCT_FIELDS.has(key) && (value === undefined || value === null || value === '')) continue;
    if (typeof value !== 'string' || value.trim() === '') problems.push(`field "${key}": missing or empty`);
    else if (key.endsWith('_url') && !/^https?:\/\/\S+$/.test(value))
      problems.push(`field "${key}": must be an http(s) URL`);
  }
  const type = fields.type;
  if (typeof type === 'string' && type.trim() !== '' && !(PRODUCT_TYPES as readonly string[]).includes(type))
    problems.push(`field "type": must be one of ${PRODUCT_TYPES.join(', ')}`);
  return problems;
}

export interface Certification {
  /** `passed` only when every stable MUST spec that applies passed (flaky counts as passed). */
  result: 'passed' | 'failed';
  /** One sentence per reason the result is `failed`. */
  reasons: string[];
}

/**
 * The certification result of a `--mode certify` run: every stable MUST spec of the declared
 * features must have passed; one that failed, or that did not run for any reason other than an
 * undeclared optional feature, fails the certification.
 */
export function certification(results: RunResults): Certification {
  const reasons: string[] = [];
  for (const spec of results.specs) {
    if (spec.level !== 'MUST' || isProvisional(spec)) continue;
    if (spec.status === 'failed') reasons.push(`${spec.id} failed: ${spec.message.split('\n')[0]}`);
    if (spec.status === 'skipped' && !spec.message.startsWith(UNDECLARED_FEATURE))
      reasons.push(`${spec.id} did not run: ${spec.message.split('\n')[0]}`);
  }
  return { result: reasons.length === 0 ? 'passed' : 'failed', reasons };
}

export interface BundleInput {
  /** The report folder of a `--mode certify` run. */
  reportDir: string;
  /** The .tar.gz to write; its name without `.tar.gz` is the bundle's top folder. */
  output: string;
  catalogue: readonly Spec[];
  catalogueHash: CatalogueHash;
  kconformVersion: string;
  /** A filled-in PRODUCT.yaml to include instead of the template. */
  product?: string;
  now?: () => Date;
}

export interface Bundle {
  archive: string;
  /** The top folder inside the archive. */
  folder: string;
  /** File names in the bundle, in archive order (SHA256SUMS last). */
  files: string[];
  certification: Certification;
  /** SHA-256 of the archive itself. */
  archiveSha256: string;
}

/** Reads the report folder, checks it is a complete certification run, and writes the archive. */
export async function writeBundle(input: BundleInput): Promise<Bundle> {
  const { reportDir } = input;
  const missing = REQUIRED_FILES.filter((name) => !isFile(join(reportDir, name)));
  if (missing.length > 0) {
    throw new BundleError(
      `${reportDir} has no ${missing.join(', ')}: it is not the report folder of a complete kconform run`,
    );
  }
  let results: RunResults;
  try {
    results = loadResults(join(reportDir, 'results.json'));
  } catch (err) {
    throw new BundleError((err as Error).message);
  }
  const mode = results.settings?.mode ?? 'unknown';
  if (mode !== 'certify') {
    throw new BundleError(
      `${join(reportDir, 'results.json')} is from a --mode ${mode} run; a certification bundle needs a --mode certify run`,
    );
  }
  const ran = new Set(results.specs.map((s) => s.id));
  const known = new Set(input.catalogue.map((s) => s.id));
  const unknown = [...ran].filter((id) => !known.has(id));
  const absent = [...known].filter((id) => !ran.has(id));
  if (unknown.length > 0 || absent.length > 0) {
    throw new BundleError(
      `${join(reportDir, 'results.json')} does not match this kconform's spec catalogue` +
        `${unknown.length ? `; unknown specs: ${unknown.slice(0, 5).join(', ')}` : ''}` +
        `${absent.length ? `; specs it lacks: ${absent.slice(0, 5).join(', ')}` : ''}`,
    );
  }
  let product = PRODUCT_TEMPLATE;
  if (input.product !== undefined) {
    product = readFileSync(input.product, 'utf8');
    const problems = productProblems(product);
    if (problems.length > 0) throw new BundleError(`${input.product}: ${problems.join('; ')}`);
  }

  const cert = certification(results);
  const now = (input.now ?? (() => new Date()))();
  const info = {
    kconformVersion: input.kconformVersion,
    runKconformVersion: results.kconformVersion,
    catalogueSha256: input.catalogueHash.sha256,
    catalogueFiles: input.catalogueHash.listing
      .trimEnd()
      .split('\n')
      .map((line) => {
        const [sha256, file] = line.split('  ');
        return { file, sha256 };
      }),
    target: results.target,
    settings: results.settings,
    started: results.started,
    finished: results.finished,
    summary: results.summary,
    certification: cert,
    bundled: now.toISOString(),
  };
  const contents = new Map<string, Buffer>();
  for (const name of [...REQUIRED_FILES, ...OPTIONAL_FILES]) {
    const path = join(reportDir, name);
    if (isFile(path)) contents.set(name, readFileSync(path));
  }
  contents.set(INFO_FILE, Buffer.from(JSON.stringify(info, null, 2) + '\n'));
  contents.set(PRODUCT_FILE, Buffer.from(product));
  contents.set(SUMS_FILE, Buffer.from(sha256sums(contents)));

  const folder = basename(input.output).replace(/\.tar\.gz$|\.tgz$/, '');
  mkdirSync(dirname(input.output), { recursive: true });
  const archive = pack();
  const mtime = new Date(results.finished);
  for (const [name, data] of contents) {
    archive.entry(
      { name: `${folder}/${name}`, mode: 0o644, mtime: Number.isNaN(mtime.getTime()) ? now : mtime },
      data,
    );
  }
  archive.finalize();
  await pipeline(archive, createGzip(), createWriteStream(input.output));
  return {
    archive: input.output,
    folder,
    files: [...contents.keys()],
    certification: cert,
    archiveSha256: sha256Hex(readFileSync(input.output)),
  };
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}
