// The suite bench's figures from a run's results, without running the suite (that is the bench).
import { expect } from 'chai';
import type { RunResults } from '../../reports/src/results.ts';
import { describeRun, runFigures } from '../suite.ts';

const test = (file: string, durationMs: number) => ({
  title: `t [X] ${file}`,
  file,
  status: 'passed' as const,
  durationMs,
  retries: 0,
});

const results: RunResults = {
  target: 'reference',
  kconformVersion: '0.1.0',
  started: '2026-01-01T00:00:00.000Z',
  finished: '2026-01-01T00:04:10.000Z',
  summary: { passed: 2, failed: 1, skipped: 0, flaky: 0 },
  specs: [
    {
      id: 'A-B-ONE',
      area: 'a',
      level: 'MUST',
      feature: 'core',
      status: 'passed',
      durationMs: 240_000,
      message: '',
      diagnostics: [test('probes.test.ts', 240_000)],
    },
    {
      id: 'A-B-TWO',
      area: 'a',
      level: 'MUST',
      feature: 'core',
      status: 'passed',
      durationMs: 30_000,
      message: '',
      diagnostics: [test('api.test.ts', 30_000)],
    },
    {
      id: 'A-B-THREE',
      area: 'a',
      level: 'MUST',
      feature: 'core',
      status: 'failed',
      durationMs: 20_000,
      message: 'x',
      diagnostics: [test('api.test.ts', 20_000)],
    },
  ],
};

describe('bench suite: figures of a run', () => {
  it('takes the counts, the suite time and what bounds the run from results.json', () => {
    const figures = runFigures(results, 280_000, 1);
    expect(figures).to.deep.equal({
      wallMs: 280_000,
      suiteMs: 250_000,
      exitCode: 1,
      passed: 2,
      failed: 1,
      skipped: 0,
      flaky: 0,
      longestFile: { file: 'probes.test.ts', ms: 240_000 },
      longestSpec: { id: 'A-B-ONE', ms: 240_000 },
      notPassed: ['A-B-THREE: failed'],
    });
    expect(describeRun('--parallel 4', figures)).to.equal(
      '--parallel 4: 280.0 s wall (suite 250.0 s), exit 1, 2 passed, 1 failed, 0 skipped, 0 flaky; longest file probes.test.ts 240.0 s',
    );
  });
});
