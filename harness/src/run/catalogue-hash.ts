// The spec catalogue's fingerprint, recorded in a certification bundle so that a reviewer knows
// which requirements a run was held to. It is the SHA-256 of the `sha256sum` listing of the spec
// files, sorted by name, so anyone can recompute it by hand:
//   (cd conformance/specs && sha256sum $(ls *.yaml | LC_ALL=C sort) | sha256sum)
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SPECS_DIR } from '../../../conformance/lib/specs.ts';

export interface CatalogueHash {
  /** Hex SHA-256 of `listing`. */
  sha256: string;
  /** `<sha256>  <file>` per spec file, sorted by file name, as `sha256sum` prints it. */
  listing: string;
}

export const sha256Hex = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** `<sha256>  <name>` per file, in the given order, as `sha256sum` prints it and `sha256sum -c` reads it. */
export const sha256sums = (files: Iterable<readonly [name: string, data: string | Buffer]>): string =>
  [...files].map(([name, data]) => `${sha256Hex(data)}  ${name}\n`).join('');

/** The fingerprint of every `*.yaml` spec file in `dir`. */
export function catalogueHash(dir: string = SPECS_DIR): CatalogueHash {
  const names = readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort(); // code-unit order: LC_ALL=C sort's, for these ASCII names
  const listing = sha256sums(names.map((name) => [name, readFileSync(join(dir, name))] as const));
  return { sha256: sha256Hex(listing), listing };
}
