import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { percentile } from '../benchmark.ts';
import { BENCHMARKS } from '../index.ts';

describe('bench runner', () => {
  it('percentile uses the nearest rank', () => {
    const samples = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(samples, 50)).to.equal(5);
    expect(percentile(samples, 99)).to.equal(10);
    expect(percentile(samples, 0)).to.equal(1);
    expect(Number.isNaN(percentile([], 50))).to.equal(true);
  });

  it('names the known benchmarks when asked for an unknown one, exit 2', () => {
    const bin = fileURLToPath(new URL('../../bin/bench.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [bin, 'no-such-bench'], { encoding: 'utf8' });
    expect(r.status).to.equal(2);
    expect(r.stderr).to.equal(
      `bench: no benchmark named "no-such-bench"; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`,
    );
  });
});
