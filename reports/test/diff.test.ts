// `report diff` logic: every kind of change between two runs, and what counts as a regression.
import { expect } from 'chai';
import { diffResults, formatDiff } from '../src/diff.ts';
import type { RunResults, SpecStatus } from '../src/results.ts';

function results(specs: Array<[string, SpecStatus, string?, string?]>): RunResults {
  return {
    target: 't',
    kconformVersion: 'v',
    started: '',
    finished: '',
    summary: { passed: 0, failed: 0, skipped: 0, flaky: 0 },
    specs: specs.map(([id, status, message, stage]) => ({
      id,
      area: 'api',
      level: 'MUST',
      feature: 'core',
      stage: stage ?? 'stable',
      status,
      durationMs: 0,
      message: message ?? '',
      diagnostics: [],
    })),
  };
}

describe('report diff', () => {
  const old = results([
    ['API-PASS-FAIL', 'passed'],
    ['API-FAIL-PASS', 'failed', 'x'],
    ['API-FAIL-FAIL', 'failed', 'x'],
    ['API-PASS-FLAKY', 'passed'],
    ['API-PASS-SKIP', 'passed'],
    ['API-SKIP-PASS', 'skipped', 'no feature'],
    ['API-SKIP-SKIP', 'skipped', 'reason one'],
    ['API-FAIL-SKIP', 'failed', 'x'],
    ['API-PROV', 'passed', '', 'provisional'],
    ['API-GONE', 'passed'],
  ]);
  const now = results([
    ['API-PASS-FAIL', 'failed', 'boom\nstack'],
    ['API-FAIL-PASS', 'passed'],
    ['API-FAIL-FAIL', 'failed', 'y'],
    ['API-PASS-FLAKY', 'flaky', 'passed on attempt 2'],
    ['API-PASS-SKIP', 'skipped', 'left out'],
    ['API-SKIP-PASS', 'passed'],
    ['API-SKIP-SKIP', 'skipped', 'reason two'],
    ['API-FAIL-SKIP', 'skipped', 'left out'],
    ['API-PROV', 'failed', 'p', 'provisional'],
    ['API-NEW', 'failed', 'new'],
  ]);
  const diff = diffResults(old, now);
  const idsOf = (list: { id: string }[]) => list.map((c) => c.id);

  it('sorts each spec into newly failing, newly passing, newly flaky, changed skips and still failing', () => {
    expect(idsOf(diff.newlyFailing)).to.deep.equal(['API-PASS-FAIL', 'API-PROV', 'API-NEW']);
    expect(idsOf(diff.newlyPassing)).to.deep.equal(['API-FAIL-PASS']);
    expect(idsOf(diff.newlyFlaky)).to.deep.equal(['API-PASS-FLAKY']);
    expect(idsOf(diff.skipChanges)).to.deep.equal([
      'API-PASS-SKIP',
      'API-SKIP-PASS',
      'API-SKIP-SKIP',
      'API-FAIL-SKIP',
      'API-GONE',
    ]);
    expect(idsOf(diff.stillFailing)).to.deep.equal(['API-FAIL-FAIL']);
  });

  it('counts a newly failing spec as a regression unless it is provisional; a new failing spec counts', () => {
    expect(idsOf(diff.regressions)).to.deep.equal(['API-PASS-FAIL', 'API-NEW']);
  });

  it('formats one line per change and ends with the verdict', () => {
    const lines = formatDiff(diff, 'a.json', 'b.json');
    expect(lines).to.include('  API-PASS-FAIL (MUST, api): passed → failed: boom');
    expect(lines).to.include('  API-NEW (MUST, api): absent → failed: new');
    expect(lines).to.include(
      '  API-SKIP-SKIP (MUST, api): still skipped, now because reason two (was: reason one)',
    );
    expect(lines).to.include('  API-GONE (MUST, api): passed → absent');
    expect(lines.at(-1)).to.equal('regression: 2 spec(s) newly failing: API-PASS-FAIL, API-NEW');
  });

  it('finds nothing between a run and itself', () => {
    const same = diffResults(old, old);
    expect(formatDiff(same, 'a', 'a').slice(1)).to.deep.equal([
      'still failing (3): API-FAIL-PASS, API-FAIL-FAIL, API-FAIL-SKIP',
      'no change in any spec status',
      'no regression',
    ]);
  });
});
