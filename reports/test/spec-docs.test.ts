// docs/specs/ is generated from the specs: this fails when a spec changed and `npm run docs` was not
// run, naming the stale files. It also checks the upstream list is read whole.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSpecs, type Spec } from '../../conformance/lib/specs.ts';
import {
  generateSpecDocs,
  parseUpstreamList,
  readUpstreamList,
  renderCoverage,
  upstreamListPath,
} from '../src/spec-docs.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('spec catalogue docs (docs/specs)', () => {
  const upstreamText = readUpstreamList(upstreamListPath(ROOT));

  it('reads every upstream test of each section of the upstream list (as many as its heading says)', () => {
    const tests = parseUpstreamList(upstreamText);
    const headings = [...upstreamText.matchAll(/^###\s+2\.\d+\s+(.+?)\s+\((\d+)\)\s*$/gm)];
    expect(headings.length).to.be.greaterThan(0);
    for (const [, section, count] of headings) {
      expect(tests.filter((t) => t.section === section).length, section).to.equal(Number(count));
    }
    expect(tests.every((t) => t.codename.startsWith('[sig-') && !t.codename.includes('``'))).to.equal(true);
  });

  it('maps an upstream test to every spec that names it, and lists specs citing tests elsewhere', () => {
    const spec = (id: string, upstream: string): Spec => ({
      id,
      area: 'x',
      level: 'MUST',
      feature: 'core',
      description: 'd',
      upstream,
      timeout: 1000,
      tags: [],
      stage: 'stable',
      file: 'x.yaml',
    });
    const text = renderCoverage(
      [spec('X-A-B', '[sig-node] one'), spec('X-C-D', '[sig-node] one'), spec('X-E-F', '[sig-cli] other')],
      [
        { codename: '[sig-node] one', release: 'v1.9', section: 'Probes' },
        { codename: '[sig-node] two', release: 'v1.9', section: 'Probes' },
      ],
    );
    expect(text).to.include('| `[sig-node] one` | v1.9 | X-A-B, X-C-D |');
    expect(text).to.include('| `[sig-node] two` | v1.9 | not covered |');
    expect(text).to.include('| X-E-F | `[sig-cli] other` |');
    expect(text).to.include('1 of 2 are covered');
  });

  it('is up to date with conformance/specs (run `npm run docs` when this fails)', async function () {
    this.timeout(60_000);
    const files = await generateSpecDocs([...loadSpecs().values()], upstreamText, ROOT);
    const stale = [...files].filter(
      ([path, text]) => !existsSync(join(ROOT, path)) || readFileSync(join(ROOT, path), 'utf8') !== text,
    );
    const extra = readdirSync(join(ROOT, 'docs', 'specs')).filter(
      (name) => name.endsWith('.md') && !files.has(join('docs', 'specs', name)),
    );
    expect(
      stale.map(([path]) => path),
      'generated docs that differ from the specs',
    ).to.deep.equal([]);
    expect(extra, 'pages of areas that no longer exist').to.deep.equal([]);
  });
});
