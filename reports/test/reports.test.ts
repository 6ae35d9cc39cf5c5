// The report writers against golden files: golden/results.json is the input; results.tap,
// junit.xml and summary.md.golden (not .md, so prettier leaves it as written) are the expected output. Regenerate them with
// KCONFORM_UPDATE_GOLDEN=1 npx mocha reports/test/reports.test.ts, and review the diff.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tapToJunit } from '../src/junit.ts';
import type { RunResults } from '../src/results.ts';
import { rollup, summarize, summaryLine } from '../src/results.ts';
import { renderSummaryMarkdown } from '../src/summary-md.ts';
import { renderTap } from '../src/tap.ts';
import { REPORT_FILES, writeReports } from '../src/write.ts';

const GOLDEN = fileURLToPath(new URL('golden/', import.meta.url));
const UPDATE = process.env.KCONFORM_UPDATE_GOLDEN === '1';
const input = (): RunResults => JSON.parse(readFileSync(join(GOLDEN, 'results.json'), 'utf8')) as RunResults;

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (UPDATE) writeFileSync(file, actual);
  expect(actual, `${name} differs from reports/test/golden/${name}`).to.equal(readFileSync(file, 'utf8'));
}

describe('report writers', () => {
  it('summarize counts specs by status and passed-after-retry as flaky', () => {
    expect(summarize(input().specs)).to.deep.equal(input().summary);
  });

  it('rolls up per area: failure when a MUST failed, partial when only SHOULD failed or skipped', () => {
    expect(rollup(input().specs)).to.deep.equal([
      { area: 'api', passed: 1, failed: 1, skipped: 0, result: 'partial' },
      { area: 'probe', passed: 1, failed: 1, skipped: 0, result: 'failure' },
      { area: 'service', passed: 0, failed: 0, skipped: 2, result: 'partial' },
    ]);
  });

  it('prints one summary line with passed/ran per area', () => {
    expect(summaryLine(input())).to.equal(
      'kconform: 2 passed, 2 failed, 2 skipped, 1 flaky (api: 1/2, probe: 1/2, service: 0/0)',
    );
  });

  it('renders TAP 13 (golden)', () => {
    golden('results.tap', renderTap(input()));
  });

  it('renders summary.md (golden)', () => {
    golden('summary.md.golden', renderSummaryMarkdown(input()));
  });

  it('converts the TAP to JUnit with tap-junit, failure messages included (golden)', async () => {
    const xml = await tapToJunit(renderTap(input()));
    expect(xml.match(/<testcase /g)).to.have.length(input().specs.length);
    expect(xml).to.include('message="Pod ns/x not Ready after 60000 ms\n(phase Pending: ImagePullBackOff)"');
    golden('junit.xml', xml);
  });

  it('refuses to pretend when tap-junit writes no XML', async () => {
    const run = async () => ({ code: 1, stdout: '', stderr: 'boom' });
    const err = await tapToJunit('TAP version 13\n', { run }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.equal('`tap-junit` failed with exit code 1: boom');
  });

  it('writes all four reports into the folder, results.json exactly the results', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kconform-reports-'));
    try {
      const paths = await writeReports(join(dir, 'out'), input());
      expect(paths).to.deep.equal(REPORT_FILES.map((name) => join(dir, 'out', name)));
      expect(JSON.parse(readFileSync(paths[0]!, 'utf8'))).to.deep.equal(input());
      expect(readFileSync(paths[2]!, 'utf8')).to.equal(readFileSync(join(GOLDEN, 'junit.xml'), 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
