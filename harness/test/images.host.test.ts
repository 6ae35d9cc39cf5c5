// @host: `kconform images list` and `kconform images save FILE` against the real Docker engine: the
// tarball holds every image the suite needs, in docker-save format, and `docker load` accepts it.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import { imageMap } from '../../conformance/lib/images.ts';
import { kconformProcess } from './support/kconform.ts';

/** The manifest.json of a docker-save tarball. */
function manifestOf(file: string): Promise<Array<{ RepoTags: string[] }>> {
  return new Promise((resolve, reject) => {
    const tar = extract();
    let manifest: Array<{ RepoTags: string[] }> | undefined;
    tar.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        if (header.name === 'manifest.json') manifest = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        next();
      });
    });
    tar.on('finish', () => (manifest ? resolve(manifest) : reject(new Error('no manifest.json'))));
    tar.on('error', reject);
    createReadStream(file).pipe(tar);
  });
}

describe('kconform images @host', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kconform-images-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every image the suite needs with what it must offer', () => {
    const r = kconformProcess('images', 'list');
    expect(r.code, r.stderr).to.equal(0);
    for (const [name, reference] of Object.entries(imageMap())) {
      expect(r.stdout).to.match(
        new RegExp(`^${name} +${reference.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +\\(`, 'm'),
      );
    }
  });

  it('saves them into one tarball that docker load accepts', async () => {
    const file = join(dir, 'images.tar');
    const r = kconformProcess('images', 'save', file);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      new RegExp(`saved ${Object.keys(imageMap()).length} image\\(s\\) to ${file} \\(\\d+ bytes\\)`),
    );
    const tags = (await manifestOf(file)).flatMap((m) => m.RepoTags);
    expect(tags.sort()).to.deep.equal(Object.values(imageMap()).sort());
    const load = spawnSync('docker', ['load', '-i', file], { encoding: 'utf8' });
    expect(load.status, load.stderr).to.equal(0);
    for (const tag of Object.values(imageMap())) expect(load.stdout).to.include(tag);
  });

  it('refuses an image of a profile that the engine does not have, and writes nothing', () => {
    const profile = join(dir, 'p.yaml');
    writeFileSync(profile, 'images:\n  busybox: kconform.invalid/none:1\n');
    const file = join(dir, 'none.tar');
    const r = kconformProcess('images', 'save', file, '--profile', profile);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.include(
      'kconform: images save: kconform.invalid/none:1: not in the local Docker engine; pull or load it before saving',
    );
  });
});
