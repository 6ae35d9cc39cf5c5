// The node heartbeat: a coordination.k8s.io/v1 Lease in kube-node-lease named after the node,
// renewed every 10 s with a 40 s duration (upstream's defaults). The node-lifecycle controller
// reads a lapsed lease as a node gone. Each renewal is an update with the last resourceVersion;
// a conflict or a missing lease is repaired on the next tick (level-triggered).
import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import { V1MicroTime } from '@kubernetes/client-node';
import type { Logger } from '../../../../common/src/log.ts';

export const LEASE_NAMESPACE = 'kube-node-lease';

export interface LeaseRenewerOptions {
  coordination: CoordinationV1Api;
  nodeName: string;
  /** The Node's uid, for the ownerReference that lets the lease go with the node. */
  nodeUid?: string;
  durationSeconds?: number;
  renewIntervalMs?: number;
  log: Logger;
}

const status = (err: unknown): number | undefined => (err as { code?: number }).code;

export class LeaseRenewer {
  private timer: NodeJS.Timeout | undefined;
  private lease: V1Lease | undefined;
  private readonly duration: number;
  private readonly interval: number;

  constructor(private readonly options: LeaseRenewerOptions) {
    this.duration = options.durationSeconds ?? 40;
    this.interval = options.renewIntervalMs ?? 10_000;
    if (this.interval >= this.duration * 1000) {
      throw new Error(
        `lease renew interval ${this.interval} ms must be shorter than its duration (${this.duration} s)`,
      );
    }
  }

  /** Renews once now (so the caller knows the lease exists), then every interval. */
  async start(): Promise<void> {
    await this.renew();
    this.timer = setInterval(() => {
      this.renew().catch((err: unknown) => this.options.log.warn('lease renewal failed', { err }));
    }, this.interval);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  async renew(): Promise<V1Lease> {
    const { coordination, nodeName } = this.options;
    const spec = {
      holderIdentity: nodeName,
      leaseDurationSeconds: this.duration,
      renewTime: new V1MicroTime(),
    };
    if (this.lease) {
      try {
        this.lease = await coordination.replaceNamespacedLease({
          name: nodeName,
          namespace: LEASE_NAMESPACE,
          body: { ...this.lease, spec: { ...this.lease.spec, ...spec } },
        });
        return this.lease;
      } catch (err) {
        if (status(err) !== 409 && status(err) !== 404) throw err;
        this.lease = undefined; // someone else wrote it, or it is gone: read or create afresh
      }
    }
    try {
      const current = await coordination.readNamespacedLease({ name: nodeName, namespace: LEASE_NAMESPACE });
      this.lease = await coordination.replaceNamespacedLease({
        name: nodeName,
        namespace: LEASE_NAMESPACE,
        body: { ...current, spec: { ...current.spec, ...spec } },
      });
    } catch (err) {
      if (status(err) !== 404) throw err;
      this.lease = await coordination.createNamespacedLease({
        namespace: LEASE_NAMESPACE,
        body: {
          metadata: {
            name: nodeName,
            namespace: LEASE_NAMESPACE,
            ...(this.options.nodeUid
              ? {
                  ownerReferences: [
                    { apiVersion: 'v1', kind: 'Node', name: nodeName, uid: this.options.nodeUid },
                  ],
                }
              : {}),
          },
          spec: { ...spec, acquireTime: new V1MicroTime() },
        },
      });
    }
    return this.lease;
  }
}
