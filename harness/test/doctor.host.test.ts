// @host: the real doctor on this machine (root, Debian, dpkg, dockerd, Docker images).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Docker from 'dockerode';
import { runCommand } from '../../common/src/exec.ts';
import { missingPackages } from '../src/host/packages.ts';
import { resolveImages } from '../../fixtures/src/recipes.ts';

const BIN = fileURLToPath(new URL('../../bin/kconform.mjs', import.meta.url));
const doctor = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, 'doctor', ...args], { encoding: 'utf8' });

async function hostState(docker: Docker) {
  const images = await Promise.all(
    resolveImages().map(async (i) => (await docker.getImage(i.tag).inspect()).Id),
  );
  const dockerdPid = spawnSync('pidof', ['dockerd'], { encoding: 'utf8' }).stdout.trim();
  const packages = spawnSync('dpkg-query', ['-W', '-f=${Package}=${Version} '], { encoding: 'utf8' }).stdout;
  return { images, dockerdPid, packages };
}

describe('kconform doctor on this host @host', function () {
  this.timeout(300_000);
  const docker = new Docker();

  it('on a ready host, doctor --fix changes nothing: same packages, same dockerd, same images', async () => {
    const before = await hostState(docker);
    const r = doctor('--fix');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/host ready: nothing to change\n$/);
    expect(r.stdout).not.to.match(/^fixed/m);
    expect(await hostState(docker)).to.deep.equal(before);
  });

  it('names a missing fixture image, --fix builds it, and the next --fix is a no-op', async () => {
    const pause = resolveImages().find((i) => i.recipe.name === 'pause')!;
    await docker.getImage(pause.tag).remove();

    const check = doctor();
    expect(check.status).to.equal(5);
    expect(check.stdout).to.include(`MISSING  fixture-images  not built: ${pause.tag}`);
    expect(check.stderr).to.include('the host is missing what kconform needs: fixture-images');

    const fix = doctor('--fix');
    expect(fix.status, fix.stderr).to.equal(0);
    expect(fix.stdout).to.include(`fixed    fixture-images  built ${pause.tag}`);
    expect(fix.stdout).to.include('host ready: 1 change(s) made');

    const again = doctor('--fix');
    expect(again.stdout).to.include('host ready: nothing to change');
  });

  it('asks dpkg and names each package that is not installed', async () => {
    const missing = await missingPackages(runCommand, [
      { name: 'iptables', why: 'netfilter' },
      { name: 'kconform-no-such-package', why: 'a package no machine has' },
    ]);
    expect(missing.map((p) => p.name)).to.deep.equal(['kconform-no-such-package']);
  });
});
