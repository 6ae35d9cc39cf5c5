// @host: the network safety guard on the real netfilter (iptables 1.8.9, nf_tables backend).
// The only non-loopback traffic here is one TCP connect into the service range, made only once
// the guard's REJECT rule is verified to be in place.
import { connect } from 'node:net';
import { expect } from 'chai';
import { runCommand } from '../../../common/src/exec.ts';
import { HostTestBed } from './support/host-node.ts';

const UNUSED_SERVICE_IP = '10.96.123.45';

/** Connects once; resolves with the error code (or 'CONNECTED') and how long it took. */
function tryConnect(host: string, port: number, timeoutMs: number): Promise<{ outcome: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (outcome: string): void => {
      socket.destroy();
      resolve({ outcome, ms: Date.now() - started });
    };
    socket.setTimeout(timeoutMs, () => finish('TIMEOUT'));
    socket.once('connect', () => finish('CONNECTED'));
    socket.once('error', (err: NodeJS.ErrnoException) => finish(err.code ?? err.message));
  });
}

async function ruleLines(): Promise<string[]> {
  return (await runCommand('iptables-save', ['-t', 'filter'])).stdout.split('\n');
}

describe('network guard @host', function () {
  this.timeout(60_000);
  const bed = new HostTestBed();

  before(() => bed.setUp());
  after(() => bed.tearDown());

  it('install() puts both chains first in OUTPUT and FORWARD, and is idempotent', async () => {
    await bed.guard.install();
    const once = (await ruleLines()).filter((l) => l.includes('KCONFORM-T'));
    await bed.guard.install();
    const twice = (await ruleLines()).filter((l) => l.includes('KCONFORM-T'));
    expect(twice).to.deep.equal(once);
    expect(await bed.guard.isInstalled()).to.equal(true);
    const { output, forward } = bed.guard.chains;
    const lines = await ruleLines();
    expect(lines).to.include(`-A OUTPUT -j ${output}`);
    expect(lines).to.include(`-A FORWARD -j ${forward}`);
    // First in its hook: nothing Docker put there runs before it.
    expect(lines.filter((l) => l.startsWith('-A FORWARD '))[0]).to.equal(`-A FORWARD -j ${forward}`);
    expect(lines.filter((l) => l.startsWith('-A OUTPUT '))[0]).to.equal(`-A OUTPUT -j ${output}`);
  });

  it('refuses a connect from the host to an unused service IP at once (ECONNREFUSED)', async () => {
    // Never send the packet unless the REJECT for the service range is verifiably in place.
    expect(await bed.guard.isInstalled()).to.equal(true);
    const chain = (await runCommand('iptables', ['-w', '-S', bed.guard.chains.output])).stdout;
    expect(chain).to.match(/-d 10\.96\.0\.0\/16 .*-j REJECT/);

    const result = await tryConnect(UNUSED_SERVICE_IP, 80, 5_000);
    expect(result.outcome).to.equal('ECONNREFUSED');
    console.log(`      guard refused ${UNUSED_SERVICE_IP}:80 after ${result.ms} ms`);
  });

  it('remove() leaves no rule or chain of the guard, and a second remove() is fine', async () => {
    await bed.guard.remove();
    await bed.guard.remove();
    const { output, forward } = bed.guard.chains;
    const leftover = (await ruleLines()).filter((l) => l.includes(output) || l.includes(forward));
    expect(leftover).to.deep.equal([]);
    expect(await bed.guard.isInstalled()).to.equal(false);
    // The chains are gone too, not merely unhooked.
    const r = await runCommand('iptables', ['-w', '-S', output], { allowFailure: true });
    expect(r.code).to.not.equal(0);
  });

  it('leaves nothing of this run on the host', async () => {
    await bed.tearDown();
    const leftovers = await bed.leftovers();
    expect(leftovers).to.deep.equal({
      containers: [],
      bridges: [],
      vethsOnOurBridges: [],
      rules: [],
      netns: [],
      stateDir: [],
    });
    const anyKconform = (await ruleLines()).filter((l) => l.includes('KCONFORM'));
    if (anyKconform.length > 0)
      console.log(`      note: KCONFORM rules of other runs present: ${anyKconform.length}`);
  });
});
