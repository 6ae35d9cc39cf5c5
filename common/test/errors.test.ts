import { expect } from 'chai';
import { ERRORS, formatMessage, KconformError } from '../src/errors.ts';
import { retryUntil, type Clock } from '../src/wait.ts';

describe('error catalogue', () => {
  it('fills every placeholder of every entry and keeps exit codes non-zero', () => {
    for (const [code, spec] of Object.entries(ERRORS)) {
      const names = [...spec.message.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const params = Object.fromEntries(names.map((n) => [n, `<${n}>`]));
      const message = formatMessage(spec.message, params);
      expect(message, code).not.to.match(/\{\w+\}/);
      expect(spec.exitCode, code).to.be.greaterThan(0);
    }
  });

  it('builds the message from the template and carries code, exit code and hint', () => {
    const err = new KconformError(
      'NOT_ROOT',
      { what: 'kconform doctor --fix', uid: 1000 },
      { hint: 'use sudo' },
    );
    expect(err.message).to.equal(
      'kconform doctor --fix must run as root (uid 0); this process runs as uid 1000',
    );
    expect(err.code).to.equal('NOT_ROOT');
    expect(err.exitCode).to.equal(4);
    expect(err.hint).to.equal('use sudo');
  });

  it('leaves a missing parameter visible instead of printing undefined', () => {
    expect(formatMessage('{a} and {b}', { a: 1 })).to.equal('1 and {b}');
  });
});

describe('retryUntil', () => {
  function fakeClock(): Clock & { slept: number } {
    let now = 0;
    const clock = {
      slept: 0,
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
        clock.slept += ms;
      },
    };
    return clock;
  }

  it('resolves with the first value that satisfies the predicate', async () => {
    let calls = 0;
    const value = await retryUntil(async () => ++calls, {
      what: 'three calls',
      timeoutMs: 10_000,
      intervalMs: 100,
      clock: fakeClock(),
      done: (n) => n >= 3,
    });
    expect(value).to.equal(3);
  });

  it('says what was awaited, for how long and the last state when it times out', async () => {
    const clock = fakeClock();
    const attempt = retryUntil(async () => 'Pending', {
      what: 'Pod ns/x Ready',
      timeoutMs: 1000,
      intervalMs: 250,
      clock,
      done: (phase) => phase === 'Running',
      describe: (last) => `phase ${last}`,
    });
    const err = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(KconformError);
    expect((err as KconformError).message).to.equal('Pod ns/x Ready not done after 1000 ms (phase Pending)');
    expect(clock.slept).to.equal(1000);
  });

  it('reports the last error when the probe kept throwing', async () => {
    const err = await retryUntil(
      async () => {
        throw new Error('connect ECONNREFUSED');
      },
      { what: 'socket', timeoutMs: 100, intervalMs: 50, clock: fakeClock(), done: () => true },
    ).catch((e: unknown) => e as Error);
    expect(err.message).to.equal('socket not done after 100 ms (connect ECONNREFUSED)');
  });
});
