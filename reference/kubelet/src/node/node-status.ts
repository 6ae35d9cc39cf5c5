// Registers the kubelet's Node and keeps its status current. As upstream's kubelet does, the
// status is recomputed every 10 s but only posted when it changed or 5 minutes have passed:
// the Lease is the frequent heartbeat.
import { arch, cpus, hostname, release, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import type { CoreV1Api, V1Node } from '@kubernetes/client-node';
import type { Logger } from '../../../../common/src/log.ts';
import { nodeObject, readyConditions, type HostFacts, type NodeIdentity } from './node-object.ts';

export interface NodeStatusOptions {
  core: CoreV1Api;
  identity: NodeIdentity;
  host: HostFacts;
  log: Logger;
  now?: () => Date;
  checkIntervalMs?: number;
  reportIntervalMs?: number;
}

/** Facts about this machine for the Node's capacity and nodeInfo. */
export function readHostFacts(runtimeVersion: string): HostFacts {
  let osImage = 'Linux';
  try {
    osImage = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? osImage;
  } catch {
    // keep the generic name
  }
  return {
    cpus: cpus().length,
    memoryBytes: totalmem(),
    hostname: hostname(),
    kernelVersion: release(),
    osImage,
    architecture: arch() === 'x64' ? 'amd64' : arch(),
    containerRuntimeVersion: runtimeVersion,
  };
}

const code = (err: unknown): number | undefined => (err as { code?: number }).code;

export class NodeStatusReporter {
  private timer: NodeJS.Timeout | undefined;
  private lastPosted = 0;
  private lastStatusText = '';
  node: V1Node | undefined;

  constructor(private readonly options: NodeStatusOptions) {}

  private now(): Date {
    return this.options.now?.() ?? new Date();
  }

  /** Creates the Node, or takes over an existing one of the same name (a restarted kubelet). */
  async register(): Promise<V1Node> {
    const { core, identity, host } = this.options;
    const desired = nodeObject(identity, host, this.now());
    try {
      this.node = await core.createNode({ body: desired });
    } catch (err) {
      if (code(err) !== 409) throw err;
      const existing = await core.readNode({ name: identity.name });
      this.node = await core.replaceNodeStatus({
        name: identity.name,
        body: { ...existing, status: { ...existing.status, ...desired.status } },
      });
    }
    this.lastPosted = this.now().getTime();
    this.lastStatusText = this.statusText(this.node);
    this.options.log.info('node registered', { node: identity.name, podCIDR: identity.podCidr });
    return this.node;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.sync().catch((err: unknown) => this.options.log.warn('node status update failed', { err }));
    }, this.options.checkIntervalMs ?? 10_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Posts the status when it changed or the report interval passed. */
  async sync(): Promise<void> {
    const { core, identity, host } = this.options;
    const now = this.now();
    const current = await core.readNode({ name: identity.name });
    const desired = nodeObject(identity, host, now).status!;
    const previous = current.status?.conditions ?? [];
    // Keep each condition's transition time while its status holds; only the heartbeat moves.
    desired.conditions = readyConditions(now).map((c) => {
      const before = previous.find((p) => p.type === c.type);
      return before && before.status === c.status
        ? { ...c, lastTransitionTime: before.lastTransitionTime }
        : c;
    });
    const next = { ...current, status: { ...current.status, ...desired } };
    // Compared with what the API holds too, as upstream's nodeStatusHasChanged does: the node
    // lifecycle controller may have set the conditions Unknown while this kubelet was silent.
    const changed =
      this.statusText(next) !== this.lastStatusText || this.statusText(next) !== this.statusText(current);
    const due = now.getTime() - this.lastPosted >= (this.options.reportIntervalMs ?? 5 * 60_000);
    if (!changed && !due) return;
    this.node = await core.replaceNodeStatus({ name: identity.name, body: next });
    this.lastPosted = now.getTime();
    this.lastStatusText = this.statusText(this.node);
  }

  // The status without heartbeat times: what "changed" means.
  private statusText(node: V1Node): string {
    const conditions = (node.status?.conditions ?? []).map((c) => [c.type, c.status, c.reason]);
    // Key order differs between what we build and what the client decodes: compare sorted pairs.
    const sorted = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).sort();
    const addresses = (node.status?.addresses ?? []).map((a) => [a.type, a.address]);
    return JSON.stringify([
      conditions,
      sorted(node.status?.capacity),
      sorted(node.status?.allocatable),
      addresses,
    ]);
  }
}
