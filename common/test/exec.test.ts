import { expect } from 'chai';
import { runCommand } from '../src/exec.ts';
import { KconformError } from '../src/errors.ts';

describe('runCommand', () => {
  it('survives commands that exit without reading stdin (no uncaught EPIPE), many times over', async () => {
    const input = 'x'.repeat(1 << 20); // larger than a pipe buffer, so the write outlives `true`
    for (let i = 0; i < 100; i++) {
      const r = await runCommand('true', [], { input });
      expect(r.code).to.equal(0);
    }
  });

  it('names the command, its exit code and its last output lines when it fails', async () => {
    const err = await runCommand('sh', ['-c', 'echo out; echo bad >&2; exit 3']).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(KconformError);
    expect((err as KconformError).message).to.equal(
      '`sh -c echo out; echo bad >&2; exit 3` failed with exit code 3: bad',
    );
  });

  it('returns a non-zero result when failure is allowed, and reports a missing binary', async () => {
    const r = await runCommand('sh', ['-c', 'exit 4'], { allowFailure: true });
    expect(r.code).to.equal(4);
    const missing = await runCommand('kconform-no-such-binary', []).catch((e: unknown) => e);
    expect((missing as KconformError).message).to.match(
      /^`kconform-no-such-binary` failed with exit code -1: spawn kconform-no-such-binary ENOENT/,
    );
  });
});
