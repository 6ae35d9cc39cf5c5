// `npm run docs`: regenerates docs/specs/ from conformance/specs and the upstream conformance list,
// removing area pages whose spec file is gone. Prints each file it wrote.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpecs } from '../../conformance/lib/specs.ts';
import { generateSpecDocs, readUpstreamList, upstreamListPath } from './spec-docs.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = join(ROOT, 'docs', 'specs');

const files = await generateSpecDocs(
  [...loadSpecs().values()],
  readUpstreamList(upstreamListPath(ROOT)),
  ROOT,
);
mkdirSync(DIR, { recursive: true });
for (const name of readdirSync(DIR)) {
  if (name.endsWith('.md') && !files.has(join('docs', 'specs', name))) rmSync(join(DIR, name));
}
for (const [path, text] of files) {
  writeFileSync(join(ROOT, path), text);
  process.stdout.write(`wrote ${path}\n`);
}
