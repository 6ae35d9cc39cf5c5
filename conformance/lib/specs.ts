// The requirements as data: conformance/specs/<area>.yaml, one entry per requirement. Every field is
// checked on load; an error names the file, the entry and the field, so a bad edit is found at
// once rather than as a puzzling test.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const SPECS_DIR = fileURLToPath(new URL('../specs/', import.meta.url));

export const LEVELS = ['MUST', 'SHOULD'] as const;
/**
 * `serial`: must not run beside other tests; `disruptive`: may disturb the cluster, so it runs only
 * in `--mode certify`; `slow`: takes minutes; `smoke`: part of `--mode quick`.
 */
export const TAGS = ['serial', 'disruptive', 'slow', 'smoke'] as const;
/**
 * `stable` specs count toward a run's result; every other stage is provisional: it runs and is
 * reported, but its failure never fails a run or a certification. (`alpha` and `beta` are older
 * names for provisional.)
 */
export const STAGES = ['stable', 'provisional', 'beta', 'alpha'] as const;

export type Level = (typeof LEVELS)[number];
export type Tag = (typeof TAGS)[number];
export type Stage = (typeof STAGES)[number];

export interface Spec {
  /** e.g. `API-UPDATE-CONFLICT`; begins with the area in capitals. */
  id: string;
  area: string;
  level: Level;
  /** `core`, or the optional feature a target must declare for the spec to apply, e.g. `NodePort`. */
  feature: string;
  /** The observable behaviour, precise enough to implement from. */
  description: string;
  /** The matching upstream conformance (or e2e) test name; empty when upstream has none. */
  upstream: string;
  /** Milliseconds: the longest a conformant implementation may take. */
  timeout: number;
  tags: Tag[];
  stage: Stage;
  /** The file the spec came from. */
  file: string;
}

const FIELDS = [
  'id',
  'area',
  'level',
  'feature',
  'description',
  'upstream',
  'timeout',
  'tags',
  'stage',
] as const;
const ID_PATTERN = /^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$/;
const AREA_PATTERN = /^[a-z][a-z0-9-]*$/;
const FEATURE_PATTERN = /^(core|[A-Z][A-Za-z0-9]*)$/;
const MAX_TIMEOUT_MS = 3_600_000;

export class SpecError extends Error {
  override name = 'SpecError';
}

/** A spec id cited in brackets at the start of a test title: `[API-UPDATE-CONFLICT] ...`. */
export const CITED_ID = /\[([A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+)\]/g;

/**
 * Reads and validates one spec file. The file's name (without `.yaml`) is the area every entry
 * must declare. Throws SpecError naming the file, the entry and the field.
 */
export function loadSpecFile(file: string): Spec[] {
  const area = basename(file).replace(/\.ya?ml$/, '');
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new SpecError(`${file}: not valid YAML: ${(err as Error).message}`);
  }
  if (!Array.isArray(doc)) {
    throw new SpecError(`${file}: must be a YAML list of specs, one entry per requirement`);
  }
  const seen = new Map<string, number>();
  return doc.map((entry: unknown, index) => {
    const spec = validateEntry(file, area, index, entry);
    const first = seen.get(spec.id);
    if (first !== undefined) {
      throw new SpecError(
        `${file}: entry ${index + 1} (${spec.id}): field "id": ${spec.id} is used twice (first in entry ${first + 1})`,
      );
    }
    seen.set(spec.id, index);
    return spec;
  });
}

function validateEntry(file: string, area: string, index: number, entry: unknown): Spec {
  const where = (id: unknown, field: string) =>
    `${file}: entry ${index + 1}${typeof id === 'string' && id !== '' ? ` (${id})` : ''}: field "${field}"`;
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new SpecError(
      `${file}: entry ${index + 1}: must be a mapping with the fields ${FIELDS.join(', ')}`,
    );
  }
  const raw = entry as Record<string, unknown>;
  const id = raw.id;
  const fail = (field: string, problem: string): never => {
    throw new SpecError(`${where(id, field)}: ${problem}`);
  };
  for (const key of Object.keys(raw)) {
    if (!(FIELDS as readonly string[]).includes(key))
      fail(key, `unknown field; the fields are ${FIELDS.join(', ')}`);
  }
  for (const key of FIELDS) {
    if (!(key in raw)) fail(key, 'missing');
  }
  const text = (field: string, value: unknown, allowEmpty = false): string => {
    if (typeof value !== 'string') return fail(field, `must be a string, got ${JSON.stringify(value)}`);
    if (!allowEmpty && value.trim() === '') return fail(field, 'must not be empty');
    return value;
  };
  const specId = text('id', id);
  if (!ID_PATTERN.test(specId))
    fail('id', `"${specId}" must be capitals, digits and dashes, like API-UPDATE-CONFLICT`);
  const specArea = text('area', raw.area);
  if (!AREA_PATTERN.test(specArea))
    fail('area', `"${specArea}" must be lower-case letters, digits and dashes`);
  if (specArea !== area) fail('area', `"${specArea}" must match the file name (${area})`);
  const prefix = `${area.toUpperCase()}-`;
  if (!specId.startsWith(prefix)) fail('id', `"${specId}" must begin with ${prefix} (the area)`);
  const level = text('level', raw.level);
  if (!(LEVELS as readonly string[]).includes(level))
    fail('level', `must be one of ${LEVELS.join(', ')}, got "${level}"`);
  const feature = text('feature', raw.feature);
  if (!FEATURE_PATTERN.test(feature))
    fail('feature', `must be core or a CamelCase feature name, got "${feature}"`);
  const description = text('description', raw.description).trim();
  const upstream = text('upstream', raw.upstream ?? '', true).trim();
  if (upstream !== '' && !upstream.startsWith('[sig-')) {
    fail('upstream', `must be an upstream test name beginning with "[sig-" or empty, got "${upstream}"`);
  }
  const timeout = raw.timeout;
  if (
    typeof timeout !== 'number' ||
    !Number.isInteger(timeout) ||
    timeout < 1_000 ||
    timeout > MAX_TIMEOUT_MS
  ) {
    fail(
      'timeout',
      `must be whole milliseconds from 1000 to ${MAX_TIMEOUT_MS}, got ${JSON.stringify(timeout)}`,
    );
  }
  const tags = raw.tags;
  if (!Array.isArray(tags)) fail('tags', `must be a list (possibly empty) of ${TAGS.join(', ')}`);
  for (const tag of tags as unknown[]) {
    if (typeof tag !== 'string' || !(TAGS as readonly string[]).includes(tag)) {
      fail('tags', `${JSON.stringify(tag)} is not one of ${TAGS.join(', ')}`);
    }
  }
  const stage = text('stage', raw.stage);
  if (!(STAGES as readonly string[]).includes(stage))
    fail('stage', `must be one of ${STAGES.join(', ')}, got "${stage}"`);
  return {
    id: specId,
    area: specArea,
    level: level as Level,
    feature,
    description,
    upstream,
    timeout: timeout as number,
    tags: tags as Tag[],
    stage: stage as Stage,
    file,
  };
}

/** Every spec in `dir` (each `*.yaml`), keyed by id; an id used in two files is an error naming both. */
export function loadSpecs(dir: string = SPECS_DIR): Map<string, Spec> {
  const specs = new Map<string, Spec>();
  const files = readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name))
    .sort();
  for (const name of files) {
    for (const spec of loadSpecFile(join(dir, name))) {
      const earlier = specs.get(spec.id);
      if (earlier) {
        throw new SpecError(`${spec.file}: field "id": ${spec.id} is already defined in ${earlier.file}`);
      }
      specs.set(spec.id, spec);
    }
  }
  return specs;
}

/** A spec whose result counts toward a run's verdict and a certification. */
export const isStable = (spec: Pick<Spec, 'stage'>): boolean => spec.stage === 'stable';

/** Environment variable the runner sets from `--timeout-scale`: every spec timeout is multiplied. */
export const TIMEOUT_SCALE_ENV = 'KCONFORM_TIMEOUT_SCALE';

/** The timeout multiplier from KCONFORM_TIMEOUT_SCALE (1 when unset); throws for a bad value. */
export function timeoutScale(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[TIMEOUT_SCALE_ENV];
  if (raw === undefined || raw.trim() === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0 || scale > 100) {
    throw new SpecError(`${TIMEOUT_SCALE_ENV}=${raw}: must be a number above 0 and at most 100`);
  }
  return scale;
}

let catalogue: Map<string, Spec> | undefined;

/**
 * The spec with this id from conformance/specs, its timeout multiplied by KCONFORM_TIMEOUT_SCALE
 * (a slow cluster's allowance); throws for an id no spec file defines.
 */
export function spec(id: string): Spec {
  catalogue ??= loadSpecs();
  const found = catalogue.get(id);
  if (!found) throw new SpecError(`no spec with id ${id} in ${SPECS_DIR}`);
  const scale = timeoutScale();
  return scale === 1 ? found : { ...found, timeout: Math.round(found.timeout * scale) };
}

/** The one spec id a test title cites, e.g. `[API-UPDATE-CONFLICT] ...`; throws unless exactly one. */
export function citedSpecId(title: string): string {
  const ids = [...title.matchAll(CITED_ID)].map((match) => match[1]!);
  if (ids.length !== 1 || !title.startsWith(`[${ids[0]}]`)) {
    throw new SpecError(
      `test "${title}" must begin with exactly one spec id in brackets, like [API-CRUD-CONFIGMAP]`,
    );
  }
  return ids[0]!;
}

/**
 * Registers a beforeEach that gives each test the timeout of the spec its title cites, so the
 * limit lives in the spec file and nowhere else. Call it once at the top of every suite's describe.
 */
export function useSpecTimeouts(): void {
  // Read the catalogue now, while mocha collects the suite: inside the hook it would count against
  // the hook's own 2 s limit, which a loaded machine running several workers can exceed.
  catalogue ??= loadSpecs();
  beforeEach(function () {
    const test = this.currentTest;
    if (!test) return;
    test.timeout(spec(citedSpecId(test.title)).timeout);
  });
}
