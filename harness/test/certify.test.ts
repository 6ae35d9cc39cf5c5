// `kconform certify` without a cluster: the catalogue hash, the PRODUCT.yaml check, the
// certification result, and `--from` over a report folder made here from the real catalogue. The
// bundle is unpacked with the system tar and its checksums checked with the real `sha256sum -c`.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSpecs, SPECS_DIR } from '../../conformance/lib/specs.ts';
import type { RunResults, SpecResult } from '../../reports/src/results.ts';
import { summarize } from '../../reports/src/results.ts';
import { writeReports } from '../../reports/src/write.ts';
import { catalogueHash } from '../src/run/catalogue-hash.ts';
import { certification, PRODUCT_TEMPLATE, productProblems } from '../src/run/certify-bundle.ts';
import { kconformIn } from './support/kconform.ts';

/** A results.json for the whole catalogue, as a --mode certify run writes it. */
function certifyResults(change: (spec: SpecResult) => SpecResult = (s) => s, mode = 'certify'): RunResults {
  const specs: SpecResult[] = [...loadSpecs().values()].map((s) =>
    change({
      id: s.id,
      area: s.area,
      level: s.level,
      feature: s.feature,
      stage: s.stage,
      status: 'passed',
      durationMs: 10,
      message: '',
      diagnostics: [],
    }),
  );
  return {
    target: 'kubeconfig /k (server https://127.0.0.1:1)',
    kconformVersion: '0.1.0',
    started: '2026-01-02T03:04:05.000Z',
    finished: '2026-01-02T03:14:05.000Z',
    settings: { mode, features: ['NodePort'], retries: 0, timeoutScale: 1 },
    summary: summarize(specs),
    specs,
  };
}

async function reportDir(root: string, name: string, results: RunResults, log = true): Promise<string> {
  const dir = join(root, name);
  await writeReports(dir, results);
  if (log) writeFileSync(join(dir, 'run.log'), '2026-01-02T03:04:05.000Z running 1 spec(s)\n');
  return dir;
}

describe('kconform certify', function () {
  this.timeout(60_000);
  let root: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kconform-certify-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('hashes the spec catalogue as `sha256sum` of the sorted files, piped to sha256sum', () => {
    const hash = catalogueHash();
    expect(hash.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(catalogueHash()).to.deep.equal(hash); // stable
    const files = readdirSync(SPECS_DIR)
      .filter((f) => f.endsWith('.yaml'))
      .sort();
    const listing = execFileSync('sha256sum', files, { cwd: SPECS_DIR, encoding: 'utf8' });
    expect(hash.listing).to.equal(listing);
    const bySha256sum = execFileSync('sha256sum', { input: listing, encoding: 'utf8' }).split(' ')[0];
    expect(hash.sha256).to.equal(bySha256sum);
  });

  it('the catalogue hash changes when a spec file changes, and only then', () => {
    const copy = join(root, 'specs');
    cpSync(SPECS_DIR, copy, { recursive: true });
    const before = catalogueHash(copy).sha256;
    expect(before).to.equal(catalogueHash().sha256);
    writeFileSync(join(copy, 'notes.txt'), 'not a spec file');
    expect(catalogueHash(copy).sha256).to.equal(before);
    appendFileSync(join(copy, 'api.yaml'), '\n# an edit\n');
    expect(catalogueHash(copy).sha256).to.not.equal(before);
  });

  it('checks a PRODUCT.yaml: the template is not filled in, a complete one passes', () => {
    const template = productProblems(PRODUCT_TEMPLATE);
    expect(template).to.include('field "vendor": missing or empty');
    expect(template).to.not.include('field "repo_url": missing or empty'); // optional, as upstream
    const filled = [
      'vendor: Yoyodyne',
      'name: Turbo Encabulator',
      'version: v1.7.4',
      'website_url: https://yoyo.example/turbo',
      'documentation_url: https://yoyo.example/turbo/docs',
      'product_logo_url: https://yoyo.example/turbo.svg',
      'type: distribution',
      "description: 'A distribution.'",
    ].join('\n');
    expect(productProblems(filled)).to.deep.equal([]);
    expect(productProblems(filled.replace('distribution\n', 'appliance\n'))).to.deep.equal([
      'field "type": must be one of distribution, hosted platform, installer',
    ]);
    expect(productProblems(filled + '\nlogo: x')).to.deep.equal([
      'field "logo": unknown; the fields are vendor, name, version, website_url, repo_url, documentation_url, product_logo_url, type, description',
    ]);
  });

  it('certifies only when every stable MUST spec that applies passed', () => {
    expect(certification(certifyResults())).to.deep.equal({ result: 'passed', reasons: [] });
    const failing = certifyResults((s) =>
      s.id === 'API-CRUD-CONFIGMAP' ? { ...s, status: 'failed', message: 'boom\nstack' } : s,
    );
    expect(certification(failing).reasons).to.deep.equal(['API-CRUD-CONFIGMAP failed: boom']);
    const featureSkip = certifyResults((s) =>
      s.id === 'API-CRUD-CONFIGMAP'
        ? { ...s, status: 'skipped', message: 'the target does not declare support for X' }
        : s,
    );
    expect(certification(featureSkip).result).to.equal('passed');
    const crashed = certifyResults((s) =>
      s.id === 'API-CRUD-CONFIGMAP' ? { ...s, status: 'skipped', message: 'no test ran: mocha died' } : s,
    );
    expect(certification(crashed).reasons).to.deep.equal([
      'API-CRUD-CONFIGMAP did not run: no test ran: mocha died',
    ]);
  });

  it('--from packs a report folder into a bundle whose SHA256SUMS verifies with sha256sum -c', async () => {
    const from = await reportDir(root, 'reports', certifyResults());
    const r = await kconformIn(root, 'certify', '--from', from, '--output', 'out/vendor-x.tar.gz');
    expect(r.code, r.stderr.join('\n')).to.equal(0);
    const archive = join(root, 'out', 'vendor-x.tar.gz');
    const archiveSha = execFileSync('sha256sum', [archive], { encoding: 'utf8' }).split(' ')[0];
    expect(r.stdout[0]).to.equal(`bundle: ${archive} (sha256 ${archiveSha})`);
    expect(r.stdout.at(-1)).to.equal('certification: passed');

    const unpacked = join(root, 'unpacked');
    mkdirSync(unpacked);
    execFileSync('tar', ['-xzf', archive, '-C', unpacked]);
    const bundle = join(unpacked, 'vendor-x');
    expect(readdirSync(bundle).sort()).to.deep.equal(
      [
        'PRODUCT.yaml',
        'SHA256SUMS',
        'junit.xml',
        'kconform.json',
        'report.html',
        'results.json',
        'results.tap',
        'run.log',
        'summary.md',
      ].sort(),
    );
    const check = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: bundle, encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).to.equal(0);
    const listed = check.stdout.trim().split('\n');
    expect(listed).to.have.length(readdirSync(bundle).length - 1); // every file but SHA256SUMS itself
    expect(listed.every((l) => l.endsWith(': OK'))).to.equal(true);

    // The bundle is the report folder's own files, and says which kconform and catalogue.
    expect(readFileSync(join(bundle, 'results.json'), 'utf8')).to.equal(
      readFileSync(join(from, 'results.json'), 'utf8'),
    );
    const info = JSON.parse(readFileSync(join(bundle, 'kconform.json'), 'utf8')) as Record<string, unknown>;
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    expect(info.kconformVersion).to.equal(version);
    expect(info.catalogueSha256).to.equal(catalogueHash().sha256);
    expect(info.certification).to.deep.equal({ result: 'passed', reasons: [] });
    expect(readFileSync(join(bundle, 'PRODUCT.yaml'), 'utf8')).to.equal(PRODUCT_TEMPLATE);

    // A changed file no longer verifies: the check is real.
    appendFileSync(join(bundle, 'junit.xml'), ' ');
    const tampered = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: bundle, encoding: 'utf8' });
    expect(tampered.status).to.not.equal(0);
    expect(tampered.stdout).to.include('junit.xml: FAILED');
  });

  it('--from with a filled-in --product includes it; a failed MUST spec makes the certification fail', async () => {
    const from = await reportDir(
      root,
      'reports',
      certifyResults((s) => (s.id === 'API-CRUD-CONFIGMAP' ? { ...s, status: 'failed', message: 'no' } : s)),
    );
    const product = join(root, 'PRODUCT.yaml');
    writeFileSync(
      product,
      'vendor: V\nname: N\nversion: v1\nwebsite_url: https://v.example\ndocumentation_url: https://v.example/d\n' +
        'product_logo_url: https://v.example/l.svg\ntype: installer\ndescription: An installer.\n',
    );
    const r = await kconformIn(root, 'certify', '--from', from, '--product', product, '--output', 'b.tgz');
    expect(r.code).to.equal(1);
    expect(r.stdout.slice(-2)).to.deep.equal(['certification: failed', '  API-CRUD-CONFIGMAP failed: no']);
    const listing = execFileSync('tar', ['-tzf', join(root, 'b.tgz')], { encoding: 'utf8' });
    expect(listing).to.include('b/PRODUCT.yaml');
    const content = execFileSync('tar', ['-xzOf', join(root, 'b.tgz'), 'b/PRODUCT.yaml'], {
      encoding: 'utf8',
    });
    expect(content).to.equal(readFileSync(product, 'utf8'));
  });

  it('refuses what is not a complete certification run, naming what is wrong', async () => {
    const notCertify = await reportDir(root, 'default-run', certifyResults(undefined, 'default'));
    let r = await kconformIn(root, 'certify', '--from', notCertify);
    expect(r.code).to.equal(2);
    expect(r.stderr[0]).to.include(
      `${join(notCertify, 'results.json')} is from a --mode default run; a certification bundle needs a --mode certify run`,
    );

    const noLog = await reportDir(root, 'no-log', certifyResults(), false);
    r = await kconformIn(root, 'certify', '--from', noLog);
    expect(r.stderr[0]).to.include(
      `${noLog} has no run.log: it is not the report folder of a complete kconform run`,
    );

    const foreign = certifyResults();
    foreign.specs.push({ ...foreign.specs[0]!, id: 'OTHER-SPEC-X' });
    r = await kconformIn(root, 'certify', '--from', await reportDir(root, 'foreign', foreign));
    expect(r.stderr[0]).to.include(
      "does not match this kconform's spec catalogue; unknown specs: OTHER-SPEC-X",
    );

    const template = join(root, 'template.yaml');
    writeFileSync(template, PRODUCT_TEMPLATE);
    r = await kconformIn(
      root,
      'certify',
      '--from',
      await reportDir(root, 'ok', certifyResults()),
      '--product',
      template,
    );
    expect(r.stderr[0]).to.include(`${template}: field "vendor": missing or empty`);

    r = await kconformIn(root, 'certify', '--from', 'x', '--parallel', '2', '--kubeconfig', 'k');
    expect(r.code).to.equal(2);
    expect(r.stderr[0]).to.equal(
      'kconform: certify: --from bundles an earlier run; it does not go with --kubeconfig, --parallel',
    );
    r = await kconformIn(root, 'certify', '--output', 'bundle.zip');
    expect(r.stderr[0]).to.equal('kconform: certify: --output bundle.zip: must end in .tar.gz or .tgz');
    expect(readdirSync(root).filter((f) => /\.(tar\.gz|tgz)$/.test(f))).to.deep.equal([]);
  });
});
