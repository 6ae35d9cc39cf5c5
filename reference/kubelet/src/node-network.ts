// One node's network: its pod CIDR slice, its bridge and its CNI network. The bridge itself is
// made by the bridge plugin on the first ADD; tearing the node down deletes the bridge and the
// node's IPAM and result-cache folders, so nothing of the node remains on the host.
import { createHash } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunCommand } from '../../../common/src/exec.ts';
import type { Logger } from '../../../common/src/log.ts';
import { firstHost, parseCidr, sliceCidr } from './network/cidr.ts';
import { CniNetwork, renderBridgeConfig } from './network/cni.ts';

export const DEFAULT_POD_RANGE = '10.244.0.0/16';
export const DEFAULT_SERVICE_RANGE = '10.96.0.0/16';
export const DEFAULT_CNI_BIN_DIR = '/usr/lib/cni';
/** Every bridge of ours starts with this; the guard matches them all with `kcf-+`. */
export const BRIDGE_PREFIX = 'kcf-';

export interface NodeNetworkOptions {
  nodeName: string;
  /** Which /24 of the pod range this node gets: node i → 10.244.i.0/24. */
  nodeIndex: number;
  podRange?: string;
  /** The node's own state folder; everything under it is ours to delete. */
  stateDir: string;
  cniBinDir?: string;
  /** Overrides the derived bridge name; must start with `kcf-` and fit in 15 characters. */
  bridgeName?: string;
  runCommand: RunCommand;
  logger: Logger;
}

/** A stable bridge name for a node: `kcf-` and 8 hex digits of a hash of its name and subnet. */
export function bridgeNameFor(nodeName: string, podCidr: string): string {
  return BRIDGE_PREFIX + createHash('sha256').update(`${nodeName}/${podCidr}`).digest('hex').slice(0, 8);
}

export class NodeNetwork {
  readonly nodeName: string;
  readonly podCidr: string;
  readonly gateway: string;
  readonly bridge: string;
  readonly cni: CniNetwork;
  private readonly nodeStateDir: string;
  private readonly runCommand: RunCommand;
  private readonly logger: Logger;

  constructor(options: NodeNetworkOptions) {
    if (!options.nodeName) throw new Error('NodeNetwork: nodeName must not be empty');
    if (!options.stateDir) throw new Error('NodeNetwork: stateDir must not be empty');
    const podRange = options.podRange ?? DEFAULT_POD_RANGE;
    parseCidr(podRange);
    this.nodeName = options.nodeName;
    this.podCidr = sliceCidr(podRange, options.nodeIndex, 24);
    this.gateway = firstHost(this.podCidr);
    this.bridge = options.bridgeName ?? bridgeNameFor(options.nodeName, this.podCidr);
    if (!this.bridge.startsWith(BRIDGE_PREFIX) || this.bridge.length > 15 || !/^[\w-]+$/.test(this.bridge)) {
      throw new Error(
        `NodeNetwork: bridge name "${this.bridge}" must start with ${BRIDGE_PREFIX} and fit in 15 characters`,
      );
    }
    this.runCommand = options.runCommand;
    this.logger = options.logger.child({ component: 'node-network', node: options.nodeName });
    this.nodeStateDir = join(options.stateDir, 'cni', this.bridge);
    this.cni = new CniNetwork({
      config: renderBridgeConfig({
        name: this.bridge,
        bridge: this.bridge,
        subnet: this.podCidr,
        gateway: this.gateway,
        ipamDataDir: join(this.nodeStateDir, 'ipam'),
      }),
      binDir: options.cniBinDir ?? DEFAULT_CNI_BIN_DIR,
      cacheDir: join(this.nodeStateDir, 'results'),
      runCommand: options.runCommand,
      logger: this.logger,
    });
  }

  /** Makes the node's state folders; idempotent. The bridge appears with the first pod. */
  async setUp(): Promise<void> {
    await mkdir(join(this.nodeStateDir, 'ipam'), { recursive: true });
    await mkdir(join(this.nodeStateDir, 'results'), { recursive: true });
  }

  async bridgeExists(): Promise<boolean> {
    const r = await this.runCommand('ip', ['link', 'show', 'dev', this.bridge], { allowFailure: true });
    return r.code === 0;
  }

  /**
   * Deletes the bridge and the node's IPAM and cache folders; idempotent. Call it after every pod
   * of the node is torn down (a veth still on the bridge is only detached, not deleted).
   */
  async tearDown(): Promise<void> {
    if (await this.bridgeExists()) {
      await this.runCommand('ip', ['link', 'del', 'dev', this.bridge]);
      this.logger.info('bridge deleted', { bridge: this.bridge });
    }
    await rm(this.nodeStateDir, { recursive: true, force: true });
  }
}
