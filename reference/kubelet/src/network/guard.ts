// THE NETWORK SAFETY GUARD (DESIGN.md, "a hard rule"): before any pod starts, no packet to the
// service range, and none from or to the pod range, may leave through an interface that is not
// one of our bridges. Own chains in the filter table, jumped to first from OUTPUT and FORWARD,
// REJECT such packets (so a caller is refused at once instead of timing out), and FORWARD accepts
// traffic in and out of our bridges (Docker sets the FORWARD policy to DROP).
//
// A pure renderer (`renderGuardRules`) and an applier: the chains' contents are replaced
// atomically with `iptables-restore --noflush`, which touches no chain but the ones it names.
import type { RunCommand } from '../../../../common/src/exec.ts';
import type { Logger } from '../../../../common/src/log.ts';
import { parseCidr } from './cidr.ts';

export const GUARD_CHAIN_PREFIX = 'KCONFORM-';

export interface GuardConfig {
  podRange: string;
  serviceRange: string;
  /** Interface pattern of our bridges, iptables-style (`kcf-+`). */
  bridgePattern: string;
  /** Distinguishes the chains of one guard from another's: chains are KCONFORM-<name>-OUT/-FWD. */
  name: string;
}

export interface GuardChains {
  output: string;
  forward: string;
}

export function guardChains(name: string): GuardChains {
  if (!/^[A-Z0-9][A-Z0-9-]*$/.test(name))
    throw new Error(`guard name "${name}" must be upper-case letters, digits, -`);
  const chains = { output: `${GUARD_CHAIN_PREFIX}${name}-OUT`, forward: `${GUARD_CHAIN_PREFIX}${name}-FWD` };
  // iptables chain names hold at most 28 characters.
  if (chains.output.length > 28) throw new Error(`guard name "${name}" makes chain names over 28 characters`);
  return chains;
}

/** The `iptables-restore --noflush` input that sets both chains' contents. */
export function renderGuardRules(config: GuardConfig): string {
  parseCidr(config.podRange);
  parseCidr(config.serviceRange);
  if (!/^[\w.-]+\+?$/.test(config.bridgePattern))
    throw new Error(`bad bridge pattern "${config.bridgePattern}"`);
  const { output, forward } = guardChains(config.name);
  const reject = (chain: string, match: string, why: string): string =>
    `-A ${chain} ${match} -m comment --comment "kconform guard: ${why}" -j REJECT --reject-with icmp-port-unreachable`;
  const notOurs = `! -o ${config.bridgePattern}`;
  const fenced = (chain: string): string[] => [
    reject(chain, `-d ${config.serviceRange}`, 'service range never leaves the host'),
    reject(chain, `-s ${config.podRange} ${notOurs}`, 'pod range only on our bridges'),
    reject(chain, `-d ${config.podRange} ${notOurs}`, 'pod range only on our bridges'),
  ];
  return [
    '*filter',
    `:${output} - [0:0]`,
    `:${forward} - [0:0]`,
    // The host talking to itself (e.g. a bridge's own address) stays on the host.
    `-A ${output} -o lo -j RETURN`,
    ...fenced(output),
    ...fenced(forward),
    `-A ${forward} -i ${config.bridgePattern} -m comment --comment "kconform guard: our bridges" -j ACCEPT`,
    `-A ${forward} -o ${config.bridgePattern} -m comment --comment "kconform guard: our bridges" -j ACCEPT`,
    'COMMIT',
    '',
  ].join('\n');
}

export interface NetworkGuardOptions {
  config: GuardConfig;
  runCommand: RunCommand;
  logger: Logger;
  /** The iptables binaries; defaults to the ones on PATH. */
  iptables?: string;
  iptablesRestore?: string;
}

export class NetworkGuard {
  readonly chains: GuardChains;
  private readonly rules: string;
  private readonly iptables: string;
  private readonly iptablesRestore: string;
  private readonly logger: Logger;

  constructor(private readonly options: NetworkGuardOptions) {
    this.rules = renderGuardRules(options.config);
    this.chains = guardChains(options.config.name);
    this.iptables = options.iptables ?? 'iptables';
    this.iptablesRestore = options.iptablesRestore ?? 'iptables-restore';
    this.logger = options.logger.child({ component: 'network-guard' });
  }

  /** Writes the chains' rules and makes OUTPUT and FORWARD jump to them first; idempotent. */
  async install(): Promise<void> {
    await this.options.runCommand(this.iptablesRestore, ['-w', '--noflush'], { input: this.rules });
    for (const [hook, chain] of this.hooks()) {
      if (!(await this.hasJump(hook, chain))) {
        await this.options.runCommand(this.iptables, ['-w', '-t', 'filter', '-I', hook, '1', '-j', chain]);
      }
    }
    this.logger.info('guard installed', { chains: this.chains });
  }

  /** Removes the jumps and both chains; idempotent, and touches nothing else. */
  async remove(): Promise<void> {
    for (const [hook, chain] of this.hooks()) {
      // A jump might have been inserted twice by hand or by a crashed install: remove every copy.
      for (let i = 0; i < 100 && (await this.hasJump(hook, chain)); i++) {
        await this.options.runCommand(this.iptables, ['-w', '-t', 'filter', '-D', hook, '-j', chain]);
      }
      if (await this.chainExists(chain)) {
        await this.options.runCommand(this.iptables, ['-w', '-t', 'filter', '-F', chain]);
        await this.options.runCommand(this.iptables, ['-w', '-t', 'filter', '-X', chain]);
      }
    }
    this.logger.info('guard removed', { chains: this.chains });
  }

  /** Whether both chains exist and both hooks jump to them. */
  async isInstalled(): Promise<boolean> {
    for (const [hook, chain] of this.hooks()) {
      if (!(await this.chainExists(chain)) || !(await this.hasJump(hook, chain))) return false;
    }
    return true;
  }

  private hooks(): [string, string][] {
    return [
      ['OUTPUT', this.chains.output],
      ['FORWARD', this.chains.forward],
    ];
  }

  private async hasJump(hook: string, chain: string): Promise<boolean> {
    const r = await this.options.runCommand(this.iptables, ['-w', '-t', 'filter', '-C', hook, '-j', chain], {
      allowFailure: true,
    });
    return r.code === 0;
  }

  private async chainExists(chain: string): Promise<boolean> {
    const r = await this.options.runCommand(this.iptables, ['-w', '-t', 'filter', '-S', chain], {
      allowFailure: true,
    });
    return r.code === 0;
  }
}
