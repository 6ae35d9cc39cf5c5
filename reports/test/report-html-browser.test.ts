// report.html opened in a real browser (Debian's headless Chromium, installed by the test set-up):
// the DOM Chromium builds from the file holds the summary by area and, inside the failed spec's
// block, its diagnostics. The file is the golden report, which reports.test.ts proves is exactly
// what renderHtml writes. No network: the page is a local file with no external assets.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const REPORT = fileURLToPath(new URL('golden/report.html.golden', import.meta.url));
const CHROMIUM = process.env.KCONFORM_CHROMIUM ?? '/usr/bin/chromium';

/** The DOM after Chromium parsed and laid out the page (`--dump-dom`). */
function renderedDom(file: string, profileDir: string): Promise<string> {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-quic',
    `--user-data-dir=${profileDir}`,
    '--dump-dom',
    pathToFileURL(file).href,
  ];
  return new Promise((resolve, reject) =>
    execFile(
      CHROMIUM,
      args,
      { encoding: 'utf8', timeout: 60_000, maxBuffer: 16 << 20 },
      (err, stdout, stderr) =>
        err ? reject(new Error(`${CHROMIUM} failed: ${err.message}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

describe('reports: report.html in headless Chromium', function () {
  this.timeout(90_000);
  let profileDir: string;
  before(() => (profileDir = mkdtempSync(join(tmpdir(), 'kconform-chromium-'))));
  after(() => rmSync(profileDir, { recursive: true, force: true }));

  it('shows the summary by area and a failure with its diagnostics', async () => {
    // Under its real name, so Chromium renders it as HTML rather than showing the text.
    const page = join(profileDir, 'report.html');
    copyFileSync(REPORT, page);
    const dom = await renderedDom(page, profileDir);
    expect(dom, 'summary section').to.match(/<section id="summary">\s*<h2>Summary by area<\/h2>/);
    expect(dom).to.match(
      /<tr><td>probe<\/td>(<td class="num">\d+<\/td>){4}<td><span class="badge failure">failure/,
    );
    const start = dom.indexOf('<div class="spec" id="spec-PROBE-LIVENESS-EXEC-RESTART">');
    expect(start, "the failed spec's block").to.be.greaterThan(-1);
    const next = dom.indexOf('<div class="spec"', start + 1);
    const block = dom.slice(start, next < 0 ? undefined : next);
    expect(block).to.include('Pod ns/x not Ready after 60000 ms');
    expect(block, 'diagnostics: pod status').to.include('ImagePullBackOff');
    expect(block, 'diagnostics: logs of the previous instance').to.include('previous instance');
  });
});
