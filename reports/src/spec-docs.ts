// The spec catalogue for people, generated from conformance/specs: docs/specs/<area>.md (each
// requirement with its level, feature, stage, timeout and upstream counterpart), docs/specs/README.md
// (the index) and docs/specs/coverage.md (upstream's conformance tests in kconform's areas, each
// with the spec ids that cover it). `npm run docs` writes them; a unit test fails when they are stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { Spec } from '../../conformance/lib/specs.ts';

/** One upstream conformance test from the upstream list. */
export interface UpstreamTest {
  codename: string;
  release: string;
  /** The list's section, e.g. `Probes`. */
  section: string;
}

const GENERATED = (source: string) =>
  `<!-- Generated from ${source} by \`npm run docs\`; do not edit by hand. -->`;

/**
 * Reads the tables of section 2.x of UPSTREAM-CONFORMANCE.md: rows whose first cell is a codename
 * in backticks, under headings like `### 2.1 Probes (10)`.
 */
export function parseUpstreamList(markdown: string): UpstreamTest[] {
  const tests: UpstreamTest[] = [];
  let section: string | undefined;
  for (const line of markdown.split('\n')) {
    const heading = /^###\s+2\.\d+\s+(.+?)\s+\(\d+\)\s*$/.exec(line);
    if (heading) {
      section = heading[1]!;
      continue;
    }
    if (/^#{1,3}\s/.test(line)) {
      section = undefined;
      continue;
    }
    // A codename holding backticks is fenced with double backticks (``… `immutable` …``).
    const row = /^\|\s*(``\s?(\[sig-.+?)\s?``|`(\[sig-[^`]+)`)\s*\|\s*([^|]*)\|/.exec(line);
    if (row && section) tests.push({ codename: (row[2] ?? row[3])!, release: row[4]!.trim(), section });
  }
  return tests;
}

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
const seconds = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** docs/specs/<area>.md. */
export function renderAreaDoc(area: string, specs: readonly Spec[]): string {
  const must = specs.filter((s) => s.level === 'MUST').length;
  const out = [
    GENERATED(`conformance/specs/${area}.yaml`),
    '',
    `# Specs: ${area}`,
    '',
    `${specs.length} requirement(s): ${must} MUST, ${specs.length - must} SHOULD. A spec's timeout is the ` +
      'longest a conformant implementation may take (multiplied by `kconform run --timeout-scale`).',
    '',
    '| id | level | feature | stage | timeout | upstream counterpart |',
    '| --- | --- | --- | --- | --- | --- |',
    ...specs.map(
      (s) =>
        `| [${s.id}](#${s.id.toLowerCase()}) | ${s.level} | ${s.feature} | ${s.stage} | ${seconds(s.timeout)} | ${
          s.upstream ? 'yes' : 'none'
        } |`,
    ),
    '',
  ];
  for (const s of specs) {
    out.push(
      `## ${s.id}`,
      '',
      cell(s.description),
      '',
      `- level: ${s.level}; feature: ${s.feature}; stage: ${s.stage}; timeout: ${seconds(s.timeout)}` +
        (s.tags.length > 0 ? `; tags: ${s.tags.join(', ')}` : ''),
      `- upstream: ${s.upstream ? `\`${s.upstream}\`` : 'none (upstream has no conformance test for this)'}`,
      '',
    );
  }
  return out.join('\n');
}

/** docs/specs/README.md: the areas, with counts, and how the pages are made. */
export function renderIndex(specs: readonly Spec[]): string {
  const areas = [...new Set(specs.map((s) => s.area))].sort();
  const rows = areas.map((area) => {
    const members = specs.filter((s) => s.area === area);
    const optional = [...new Set(members.map((s) => s.feature).filter((f) => f !== 'core'))];
    return `| [${area}](${area}.md) | ${members.length} | ${members.filter((s) => s.level === 'MUST').length} | ${
      members.filter((s) => s.stage !== 'stable').length
    } | ${optional.join(', ') || '-'} |`;
  });
  return [
    GENERATED('conformance/specs/*.yaml'),
    '',
    '# The spec catalogue',
    '',
    `${specs.length} requirements in ${areas.length} area(s). Each page lists an area's requirements with ` +
      'their level (MUST or SHOULD), feature (`core`, or an optional feature a target declares), stage ' +
      '(`stable` counts toward a result; anything else is provisional) and upstream counterpart. ' +
      "[coverage.md](coverage.md) maps upstream's conformance tests to the specs that cover them.",
    '',
    '| area | specs | MUST | provisional | optional features |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** docs/specs/coverage.md: upstream's tests in kconform's areas, and which spec ids cover each. */
export function renderCoverage(specs: readonly Spec[], upstream: readonly UpstreamTest[]): string {
  const bySpecUpstream = new Map<string, string[]>();
  for (const s of specs) {
    if (s.upstream) bySpecUpstream.set(s.upstream, [...(bySpecUpstream.get(s.upstream) ?? []), s.id]);
  }
  const sections = [...new Set(upstream.map((t) => t.section))];
  const covered = upstream.filter((t) => bySpecUpstream.has(t.codename)).length;
  const out = [
    GENERATED('conformance/specs/*.yaml and UPSTREAM-CONFORMANCE.md'),
    '',
    '# Coverage of upstream conformance tests',
    '',
    `Upstream's \`[Conformance]\` tests in kconform's areas (from upstream's conformance.yaml, v1.32 era): ` +
      `${covered} of ${upstream.length} are covered by a kconform spec whose \`upstream\` field names them.`,
    '',
    '| upstream section | tests | covered |',
    '| --- | --- | --- |',
    ...sections.map((section) => {
      const members = upstream.filter((t) => t.section === section);
      return `| ${cell(section)} | ${members.length} | ${members.filter((t) => bySpecUpstream.has(t.codename)).length} |`;
    }),
    '',
  ];
  for (const section of sections) {
    out.push(`## ${section}`, '', '| upstream test | release | kconform spec |', '| --- | --- | --- |');
    for (const t of upstream.filter((u) => u.section === section)) {
      const ids = bySpecUpstream.get(t.codename);
      const code = t.codename.includes('`') ? `\`\` ${cell(t.codename)} \`\`` : `\`${cell(t.codename)}\``;
      out.push(`| ${code} | ${cell(t.release)} | ${ids ? ids.join(', ') : 'not covered'} |`);
    }
    out.push('');
  }
  const listed = new Set(upstream.map((t) => t.codename));
  const elsewhere = specs.filter((s) => s.upstream && !listed.has(s.upstream));
  if (elsewhere.length > 0) {
    out.push(
      '## Specs citing upstream tests outside these sections',
      '',
      "Upstream tests from other SIGs' sections (API machinery, CLI, …) that a kconform spec matches.",
      '',
      '| kconform spec | upstream test |',
      '| --- | --- |',
      ...elsewhere.map((s) => `| ${s.id} | \`${cell(s.upstream)}\` |`),
      '',
    );
  }
  return out.join('\n');
}

/** Every generated file (path relative to the repository root → content, prettier-formatted). */
export async function generateSpecDocs(
  specs: readonly Spec[],
  upstreamMarkdown: string,
  root: string,
): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const areas = [...new Set(specs.map((s) => s.area))].sort();
  for (const area of areas) {
    files.set(
      join('docs', 'specs', `${area}.md`),
      renderAreaDoc(
        area,
        specs.filter((s) => s.area === area),
      ),
    );
  }
  files.set(join('docs', 'specs', 'README.md'), renderIndex(specs));
  files.set(join('docs', 'specs', 'coverage.md'), renderCoverage(specs, parseUpstreamList(upstreamMarkdown)));
  // Formatted as `prettier --check .` wants them, so the lint and the staleness test agree.
  for (const [path, text] of files) {
    const config = (await resolveConfig(join(root, path))) ?? {};
    files.set(path, await format(text, { ...config, parser: 'markdown', filepath: join(root, path) }));
  }
  return files;
}

/** Where the upstream list lives: the copy kept in conformance/upstream/, or KCONFORM_UPSTREAM_LIST. */
export function upstreamListPath(root: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.KCONFORM_UPSTREAM_LIST ?? join(root, 'conformance', 'upstream', 'UPSTREAM-CONFORMANCE.md');
}

export function readUpstreamList(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(
      `cannot read the upstream conformance list ${path} (${(err as NodeJS.ErrnoException).code}); ` +
        'set KCONFORM_UPSTREAM_LIST to its path',
    );
  }
}
