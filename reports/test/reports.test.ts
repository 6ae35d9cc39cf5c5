// The report writers against golden files: golden/results.json is the input; results.tap,
// junit.xml, summary.md.golden and report.html.golden (not .md/.html, so prettier leaves them as
// written) are the expected output. Regenerate them with
// KCONFORM_UPDATE_GOLDEN=1 npx mocha reports/test/reports.test.ts, and review the diff.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { addDiagnostics, tapToJunit, xmlText } from '../src/junit.ts';
import { renderHtml } from '../src/html.ts';
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
  it('summarize counts specs by status, flaky apart from passed', () => {
    expect(summarize(input().specs)).to.deep.equal(input().summary);
    expect(input().summary).to.deep.equal({ passed: 1, failed: 2, skipped: 2, flaky: 1 });
  });

  it('rolls up per area: failure when a stable MUST failed, partial when only SHOULD/provisional failed or skipped', () => {
    expect(rollup(input().specs)).to.deep.equal([
      { area: 'api', passed: 1, failed: 1, skipped: 0, flaky: 0, result: 'partial' },
      { area: 'probe', passed: 0, failed: 1, skipped: 0, flaky: 1, result: 'failure' },
      { area: 'service', passed: 0, failed: 0, skipped: 2, flaky: 0, result: 'partial' },
    ]);
    const onlyFlaky = input().specs.filter((s) => s.id === 'PROBE-READINESS-HTTP');
    expect(rollup(onlyFlaky)[0]!.result).to.equal('success');
  });

  it('prints one summary line with (passed+flaky)/ran per area', () => {
    expect(summaryLine(input())).to.equal(
      'kconform: 1 passed, 2 failed, 2 skipped, 1 flaky (api: 1/2, probe: 1/2, service: 0/0)',
    );
  });

  it('renders TAP 13 (golden)', () => {
    golden('results.tap', renderTap(input()));
  });

  it('renders summary.md (golden)', () => {
    golden('summary.md.golden', renderSummaryMarkdown(input()));
  });

  it('converts the TAP to JUnit with tap-junit, failure messages included (golden)', async () => {
    const xml = addDiagnostics(await tapToJunit(renderTap(input())), input());
    expect(xml.match(/<testcase /g)).to.have.length(input().specs.length);
    expect(xml).to.include('message="Pod ns/x not Ready after 60000 ms\n(phase Pending: ImagePullBackOff)"');
    golden('junit.xml', xml);
  });

  it("puts each failure's diagnostics (stack, pods, events, logs) in its JUnit <failure> body", async () => {
    const xml = addDiagnostics(await tapToJunit(renderTap(input())), input());
    const body =
      /<testcase name="PROBE-LIVENESS-EXEC-RESTART" id="3">\s*<failure [^>]*>([^<]*)<\/failure>/.exec(xml);
    expect(body, 'a <failure> with a body').to.not.equal(null);
    expect(body![1]).to.include('pod liveness-exec: Running (node kconform-node-1, IP 10.244.1.7)');
    expect(body![1]).to.include('Warning Unhealthy Pod/liveness-exec: Liveness probe failed');
    expect(body![1]).to.include('removing /tmp/health &lt;now&gt;');
    expect(xml).to.match(
      /<testcase name="PROBE-READINESS-HTTP" id="4">\s*<system-out>flaky: passed on attempt 2/,
    );
  });

  it('escapes text for XML and replaces characters XML cannot hold', () => {
    expect(xmlText('a<b>&c\u001b[31m')).to.equal('a&lt;b&gt;&amp;c�[31m');
  });

  it('renders report.html (golden), self-contained and escaped', () => {
    const html = renderHtml(input());
    golden('report.html.golden', html);
    expect(html).to.not.match(/<script|<link|src=|url\(/i);
    expect(html).to.include('<section id="summary">');
    expect(html).to.include('<div class="spec" id="spec-PROBE-LIVENESS-EXEC-RESTART">');
    expect(html).to.include('removing /tmp/health &lt;now&gt;');
    expect(html).to.include('FAILURE: 1 MUST requirement(s) failed.');
    expect(html).to.include('<div class="spec flaky-spec" id="spec-PROBE-READINESS-HTTP">');
    expect(html).to.include('provisional (does not count)');
  });

  it('refuses to pretend when tap-junit writes no XML', async () => {
    const run = async () => ({ code: 1, stdout: '', stderr: 'boom' });
    const err = await tapToJunit('TAP version 13\n', { run }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.equal('`tap-junit` failed with exit code 1: boom');
  });

  it('writes every report into the folder, results.json exactly the results', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kconform-reports-'));
    try {
      const paths = await writeReports(join(dir, 'out'), input());
      expect(paths).to.deep.equal(REPORT_FILES.map((name) => join(dir, 'out', name)));
      expect(JSON.parse(readFileSync(paths[0]!, 'utf8'))).to.deep.equal(input());
      expect(readFileSync(paths[2]!, 'utf8')).to.equal(readFileSync(join(GOLDEN, 'junit.xml'), 'utf8'));
      expect(readFileSync(paths[4]!, 'utf8')).to.equal(
        readFileSync(join(GOLDEN, 'report.html.golden'), 'utf8'),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
