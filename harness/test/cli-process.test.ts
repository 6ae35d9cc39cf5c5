// The installed entry point, run as a real process: exit codes and messages reach the shell,
// and a user's mistake never shows a stack trace.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { KCONFORM_BIN, kconformProcess } from './support/kconform.ts';

describe('kconform entry point (process)', () => {
  it('exits 2 with the reason on stderr and no stack trace for a bad option', () => {
    const r = kconformProcess('up', '--nodes', 'many');
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(
      'kconform: up: --nodes many: must be a whole number from 1 to 16\n  what to do: kconform up --help\n',
    );
    expect(r.stdout).to.equal('');
  });

  it('prints a verb help on stdout and exits 0', () => {
    const r = kconformProcess('run', '--help');
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^usage: kconform run \[options\]/);
    expect(r.stdout).to.include('--report-dir DIR');
  });

  it('rejects an unknown log level in KCONFORM_LOG with a clear message', () => {
    const r = spawnSync(process.execPath, [KCONFORM_BIN, 'up'], {
      encoding: 'utf8',
      env: { ...process.env, KCONFORM_LOG: 'chatty' },
    });
    expect(r.status).to.equal(70);
    expect(r.stderr).to.include('KCONFORM_LOG=chatty is not a log level');
  });
});
