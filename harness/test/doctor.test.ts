import { expect } from 'chai';
import type { HostCheck } from '../src/host/checks.ts';
import { nodeAtLeast } from '../src/host/checks.ts';
import { formatReport, runDoctor } from '../src/host/doctor.ts';
import { KconformError } from '../../common/src/errors.ts';

// A check over a mutable flag: `fix` sets it, as a real fix changes the host.
function flagCheck(name: string, state: { ok: boolean }, fixable = true): HostCheck {
  return {
    name,
    remedy: `do ${name} by hand`,
    check: async () => ({ ok: state.ok, detail: state.ok ? `${name} fine` : `${name} absent` }),
    ...(fixable ? { fix: async () => ((state.ok = true), `made ${name}`) } : {}),
  };
}

describe('doctor logic', () => {
  it('reports every missing part by name, not just the first, without --fix', async () => {
    const outcome = await runDoctor(
      [
        flagCheck('root', { ok: true }),
        flagCheck('packages', { ok: false }),
        flagCheck('dockerd', { ok: false }),
      ],
      { fix: false },
    );
    expect(outcome.ready).to.equal(false);
    expect(outcome.changes).to.equal(0);
    expect(outcome.reports.map((r) => [r.name, r.status])).to.deep.equal([
      ['root', 'ok'],
      ['packages', 'missing'],
      ['dockerd', 'missing'],
    ]);
    expect(formatReport(outcome.reports[1]!)).to.equal(
      'MISSING  packages        packages absent\n' + ' '.repeat(24) + '-> do packages by hand',
    );
  });

  it('with --fix repairs in order, re-checks, and a second pass changes nothing', async () => {
    const packages = { ok: false };
    const dockerd = { ok: false };
    const checks = [flagCheck('packages', packages), flagCheck('dockerd', dockerd)];
    const first = await runDoctor(checks, { fix: true });
    expect(first.ready).to.equal(true);
    expect(first.changes).to.equal(2);
    expect(first.reports.map((r) => r.status)).to.deep.equal(['fixed', 'fixed']);
    const second = await runDoctor(checks, { fix: true });
    expect(second.changes).to.equal(0);
    expect(second.reports.map((r) => r.status)).to.deep.equal(['ok', 'ok']);
  });

  it('a fix that does not take is reported as failed with the remedy', async () => {
    const stubborn: HostCheck = {
      name: 'ip-forward',
      remedy: 'echo 1 > /proc/sys/net/ipv4/ip_forward',
      check: async () => ({ ok: false, detail: 'net.ipv4.ip_forward = 0' }),
      fix: async () => 'set net.ipv4.ip_forward = 1',
    };
    const outcome = await runDoctor([stubborn], { fix: true });
    expect(outcome.ready).to.equal(false);
    expect(outcome.reports[0]).to.deep.equal({
      name: 'ip-forward',
      status: 'failed-fix',
      detail: 'set net.ipv4.ip_forward = 1, but still: net.ipv4.ip_forward = 0',
      remedy: 'echo 1 > /proc/sys/net/ipv4/ip_forward',
    });
  });

  it('a fix that throws is reported with its error and the doctor goes on', async () => {
    const broken: HostCheck = {
      name: 'packages',
      remedy: 'apt-get install docker.io',
      check: async () => ({ ok: false, detail: 'missing: docker.io' }),
      fix: async () => {
        throw new Error('E: Unable to locate package docker.io');
      },
    };
    const outcome = await runDoctor([broken, flagCheck('dockerd', { ok: true })], { fix: true });
    expect(outcome.reports.map((r) => [r.status, r.detail])).to.deep.equal([
      ['failed-fix', 'E: Unable to locate package docker.io'],
      ['ok', 'dockerd fine'],
    ]);
  });

  it('refuses --fix up front when not root, naming the reason', async () => {
    const err = await runDoctor([flagCheck('root', { ok: false }, false)], { fix: true }).catch(
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(KconformError);
    expect((err as KconformError).code).to.equal('NOT_ROOT');
    expect((err as KconformError).hint).to.equal('do root by hand');
  });

  it('compares Node versions by major and minor', () => {
    expect(nodeAtLeast('v20.20.2', [20, 19])).to.equal(true);
    expect(nodeAtLeast('v20.18.0', [20, 19])).to.equal(false);
    expect(nodeAtLeast('v22.1.0', [20, 19])).to.equal(true);
    expect(nodeAtLeast('v18.20.0', [20, 19])).to.equal(false);
  });
});
