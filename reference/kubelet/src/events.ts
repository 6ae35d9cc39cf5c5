// The kubelet's event recorder: core/v1 Events about a pod's containers, as upstream's kubelet
// records them (source.component "kubelet", source.host the node, involvedObject the pod with
// fieldPath `spec.containers{name}`). Like upstream's EventCorrelator, an event identical to one
// recorded before (same object, field path, type, reason and message) is not written again: the
// existing Event's count goes up and its lastTimestamp moves on. Recording never blocks and never
// throws: events are written in order by one background queue, and a failed write is logged.
import type { CoreV1Api, CoreV1Event, V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../../common/src/log.ts';

/** Event reasons the kubelet uses, spelled as upstream's pkg/kubelet/events. */
export const EventReason = {
  Pulled: 'Pulled',
  Created: 'Created',
  Started: 'Started',
  Killing: 'Killing',
  BackOff: 'BackOff',
  Failed: 'Failed',
  Unhealthy: 'Unhealthy',
  ProbeWarning: 'ProbeWarning',
  FailedPostStartHook: 'FailedPostStartHook',
  FailedPreStopHook: 'FailedPreStopHook',
} as const;

export type EventReasonName = (typeof EventReason)[keyof typeof EventReason];
export type EventType = 'Normal' | 'Warning';

/** Records events about a pod or one of its containers; implemented by EventRecorder. */
export interface ContainerEvents {
  /** `container` undefined: the event is about the pod itself (no fieldPath). */
  record(
    pod: V1Pod,
    container: ContainerRef | undefined,
    type: EventType,
    reason: string,
    message: string,
  ): void;
}

export interface ContainerRef {
  name: string;
  /** Init containers are `spec.initContainers{name}`. */
  init?: boolean;
}

export interface EventRecorderOptions {
  core: CoreV1Api;
  nodeName: string;
  log: Logger;
  now?: () => Date;
  /** How many distinct events are remembered for aggregation (upstream's LRU holds 4096). */
  cacheSize?: number;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstTimestamp: Date;
}

/** `spec.containers{main}` / `spec.initContainers{setup}`: upstream's fieldPath for a container. */
export function containerFieldPath(container: ContainerRef): string {
  return `${container.init ? 'spec.initContainers' : 'spec.containers'}{${container.name}}`;
}

/** upstream's format.Pod: `name_namespace(uid)`, used in kubelet messages. */
export function formatPod(pod: V1Pod): string {
  return `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;
}

export class EventRecorder implements ContainerEvents {
  private readonly seen = new Map<string, Seen>();
  private queue: Promise<void> = Promise.resolve();
  /** Makes names unique among events recorded within the same millisecond. */
  private sequence = 0;
  private readonly log: Logger;
  private readonly cacheSize: number;

  constructor(private readonly o: EventRecorderOptions) {
    if (!o.nodeName) throw new Error('EventRecorder: nodeName must not be empty');
    this.log = o.log.child({ component: 'events' });
    this.cacheSize = o.cacheSize ?? 4096;
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  record(
    pod: V1Pod,
    container: ContainerRef | undefined,
    type: EventType,
    reason: string,
    message: string,
  ): void {
    const meta = pod.metadata ?? {};
    const fieldPath = container ? containerFieldPath(container) : undefined;
    const key = JSON.stringify([meta.namespace, meta.name, meta.uid, fieldPath, type, reason, message]);
    const at = this.now();
    const work = async (): Promise<void> => {
      const seen = this.seen.get(key);
      if (seen && (await this.bump(seen, at))) return;
      const namespace = meta.namespace ?? 'default';
      // upstream names events `<object name>.<unix nanoseconds in hex>`
      const nanos = BigInt(at.getTime()) * 1_000_000n + BigInt(this.sequence++ % 1_000_000);
      const name = `${meta.name}.${nanos.toString(16)}`;
      const body: CoreV1Event = {
        metadata: { name, namespace },
        involvedObject: {
          apiVersion: 'v1',
          kind: 'Pod',
          name: meta.name,
          namespace,
          uid: meta.uid,
          ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
          ...(fieldPath ? { fieldPath } : {}),
        },
        reason,
        message,
        type,
        source: { component: 'kubelet', host: this.o.nodeName },
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
        reportingComponent: 'kubelet',
        reportingInstance: this.o.nodeName,
      };
      await this.o.core.createNamespacedEvent({ namespace, body });
      this.remember(key, { name, namespace, count: 1, firstTimestamp: at });
    };
    this.queue = this.queue.then(work).catch((err: unknown) => {
      this.log.debug('event not recorded', { reason, message, err });
    });
  }

  /** Resolves once every event recorded so far has been written (or has failed). */
  flush(): Promise<void> {
    return this.queue;
  }

  /** Counts a repeat on the existing Event; false when that Event is gone (write a new one). */
  private async bump(seen: Seen, at: Date): Promise<boolean> {
    const count = seen.count + 1;
    try {
      await this.o.core.patchNamespacedEvent({
        name: seen.name,
        namespace: seen.namespace,
        body: [
          { op: 'replace', path: '/count', value: count },
          { op: 'replace', path: '/lastTimestamp', value: at.toISOString() },
        ],
      });
      seen.count = count;
      return true;
    } catch (err) {
      if ((err as { code?: number }).code === 404) return false;
      throw err;
    }
  }

  private remember(key: string, seen: Seen): void {
    this.seen.delete(key);
    this.seen.set(key, seen);
    if (this.seen.size > this.cacheSize) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }
}
