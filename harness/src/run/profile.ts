// A target profile: what a vendor writes once about their cluster. YAML or JSON:
//
//   name: acme-k8s 1.4                   # optional, shown in the reports' target line
//   features: [NodePort, SessionAffinity] # the optional features the cluster supports
//   images:                              # logical image → reference the cluster's nodes can pull
//     busybox: registry.acme.example/kconform/busybox:1.36
//   skip:                                # known gaps, each skipped with its reason
//     - id: SERVICE-NODEPORT-RANGE
//       reason: our nodes have no public address
//     - API-WATCH-BOOKMARKS            # a bare id: skipped with a generic reason
//
// Every field is checked; an error names the file and the field.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { IMAGE_NEEDS } from '../../../conformance/lib/images.ts';
import type { Spec } from '../../../conformance/lib/specs.ts';
import { usageError } from '../args.ts';

export interface Profile {
  file: string;
  name?: string;
  features: string[];
  /** Logical image name → image reference. */
  images: Record<string, string>;
  /** Spec id → the reason it is skipped (naming the profile). */
  skip: Map<string, string>;
}

const FIELDS = ['name', 'features', 'images', 'skip'];
export const FEATURE_NAME = /^[A-Z][A-Za-z0-9]*$/;

/** Reads and checks a profile against the catalogue; throws a USAGE error for the verb `verb`. */
export function loadProfile(file: string, catalogue: readonly Spec[], verb = 'run'): Profile {
  const fail = (problem: string): never => {
    throw usageError(verb, `--profile ${file}: ${problem}`);
  };
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    return fail(`cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let doc: unknown;
  try {
    doc = parse(text); // YAML is a superset of JSON: one parser reads both
  } catch (err) {
    return fail(`not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return fail(`must be a mapping with the fields ${FIELDS.join(', ')}`);
  }
  const raw = doc as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!FIELDS.includes(key)) fail(`field "${key}": unknown field; the fields are ${FIELDS.join(', ')}`);
  }
  const profile: Profile = { file, features: [], images: {}, skip: new Map() };
  if (raw.name !== undefined) {
    if (typeof raw.name !== 'string' || raw.name.trim() === '')
      fail('field "name": must be a non-empty string');
    profile.name = (raw.name as string).trim();
  }
  if (raw.features !== undefined) {
    if (!Array.isArray(raw.features)) fail('field "features": must be a list of feature names');
    profile.features = parseFeatureList(raw.features as unknown[], catalogue, (p) =>
      fail(`field "features": ${p}`),
    );
  }
  if (raw.images !== undefined) {
    if (typeof raw.images !== 'object' || raw.images === null || Array.isArray(raw.images)) {
      fail('field "images": must be a mapping of image name to image reference');
    }
    for (const [name, ref] of Object.entries(raw.images as Record<string, unknown>)) {
      if (!(name in IMAGE_NEEDS)) {
        fail(
          `field "images": no image is called "${name}"; the images are ${Object.keys(IMAGE_NEEDS).join(', ')}`,
        );
      }
      if (typeof ref !== 'string' || ref.trim() === '')
        fail(`field "images.${name}": must be an image reference`);
      profile.images[name] = (ref as string).trim();
    }
  }
  if (raw.skip !== undefined) {
    if (!Array.isArray(raw.skip)) fail('field "skip": must be a list of spec ids or {id, reason}');
    const ids = new Set(catalogue.map((s) => s.id));
    (raw.skip as unknown[]).forEach((entry, index) => {
      const where = `field "skip" entry ${index + 1}`;
      let id: unknown = entry;
      let reason: unknown = undefined;
      if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
        const e = entry as Record<string, unknown>;
        for (const key of Object.keys(e)) {
          if (key !== 'id' && key !== 'reason') fail(`${where}: unknown field "${key}"; give id and reason`);
        }
        id = e.id;
        reason = e.reason;
        if (typeof reason !== 'string' || reason.trim() === '') fail(`${where}: "reason" must be a sentence`);
      }
      if (typeof id !== 'string') return fail(`${where}: must be a spec id or {id, reason}`);
      if (!ids.has(id)) fail(`${where}: no spec has the id ${id}`);
      const why = typeof reason === 'string' ? reason.trim() : 'listed in its skip list';
      profile.skip.set(id, `skipped by the profile ${file}: ${why}`);
    });
  }
  return profile;
}

/**
 * Checks a list of optional feature names against the features the catalogue's specs use; `core`
 * is implied and may be given. Calls `fail` with a sentence for the first bad name.
 */
export function parseFeatureList(
  names: readonly unknown[],
  catalogue: readonly Spec[],
  fail: (problem: string) => never,
): string[] {
  const known = [...new Set(catalogue.map((s) => s.feature).filter((f) => f !== 'core'))].sort();
  const out: string[] = [];
  for (const name of names) {
    if (typeof name !== 'string' || !(FEATURE_NAME.test(name) || name === 'core')) {
      fail(`${JSON.stringify(name)} is not a feature name (CamelCase, like NodePort)`);
    }
    if (name !== 'core' && !known.includes(name as string)) {
      fail(
        `no spec uses the feature ${name as string}; the optional features are ${known.join(', ') || 'none yet'}`,
      );
    }
    if (!out.includes(name as string)) out.push(name as string);
  }
  return out;
}
