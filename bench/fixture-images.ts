// How long the fixture images take to build from nothing (Docker's layer cache off), and how long
// the "already built?" check takes that every set-up run pays.
import Docker from 'dockerode';
import { ensureImages } from '../fixtures/src/build-images.ts';
import { RECIPES, resolveImages } from '../fixtures/src/recipes.ts';
import { percentile, round, type Benchmark } from './benchmark.ts';

const COLD_RUNS = 3;
const WARM_RUNS = 20;

export const fixtureImagesBench: Benchmark = {
  name: 'fixture-images',
  description: `build every fixture image from scratch ${COLD_RUNS} times, then the up-to-date check ${WARM_RUNS} times`,
  async run({ log }) {
    const docker = new Docker();
    // A repository of its own so the real images stay untouched.
    const images = resolveImages(
      RECIPES.map((r) => ({ ...r, repository: r.repository.replace('kconform/', 'kconform-bench/') })),
    );
    const cold: number[] = [];
    const warm: number[] = [];
    try {
      for (let i = 0; i < COLD_RUNS; i++) {
        const started = performance.now();
        await ensureImages(docker, log, { images, force: true });
        cold.push(performance.now() - started);
      }
      for (let i = 0; i < WARM_RUNS; i++) {
        const started = performance.now();
        const outcomes = await ensureImages(docker, log, { images });
        if (outcomes.some((o) => o.built)) throw new Error('an up-to-date image was rebuilt');
        warm.push(performance.now() - started);
      }
    } finally {
      for (const image of [...images].reverse())
        await docker
          .getImage(image.tag)
          .remove({ force: true })
          .catch(() => undefined);
    }
    return {
      images: images.length,
      coldBuild: { runs: COLD_RUNS, p50Ms: round(percentile(cold, 50)), maxMs: round(Math.max(...cold)) },
      upToDateCheck: {
        runs: WARM_RUNS,
        p50Ms: round(percentile(warm, 50)),
        p99Ms: round(percentile(warm, 99)),
      },
    };
  },
};
