// Records core/v1 Events for a component, as client-go's EventRecorder does: the event is named
// `<object name>.<hex timestamp>`, carries the component as its source, and a repeat of the same
// event (same object, type, reason and message) bumps `count` and `lastTimestamp` on the event
// already written instead of creating another (client-go's EventCorrelator). Recording never
// throws: an event is a report, and failing to write one must not fail the work it reports on.
import * as k8s from '@kubernetes/client-node';
import type { Logger } from './log.ts';

export interface EventTarget {
  apiVersion?: string;
  kind?: string;
  metadata?: k8s.V1ObjectMeta;
}

export interface EventRecorderOptions {
  core: k8s.CoreV1Api;
  /** source.component and reportingComponent, e.g. `replication-controller`. */
  component: string;
  /** source.host (the kubelet's node name); also the reportingInstance when set. */
  host?: string;
  log: Logger;
  now?: () => Date;
}

const REMEMBERED = 4096;

export class EventRecorder {
  private readonly written = new Map<string, { name: string; namespace: string; count: number }>();

  constructor(private readonly o: EventRecorderOptions) {}

  /** `type` is Normal or Warning; `fieldPath` points into the object (`spec.containers{app}`). */
  async record(
    target: EventTarget,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    fieldPath?: string,
  ): Promise<void> {
    const meta = target.metadata ?? {};
    const namespace = meta.namespace || 'default';
    const now = this.o.now?.() ?? new Date();
    const identity = [meta.uid, fieldPath ?? '', type, reason, message].join('\u0000');
    try {
      const seen = this.written.get(identity);
      if (seen) {
        seen.count += 1;
        const patched = await this.o.core
          .patchNamespacedEvent(
            {
              name: seen.name,
              namespace: seen.namespace,
              body: { count: seen.count, lastTimestamp: now.toISOString() },
            },
            k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
          )
          .then(
            () => true,
            (err: unknown) => {
              // The Event is gone (e.g. its TTL ran out): write it afresh, as client-go does.
              if ((err as { code?: number }).code === 404) return false;
              throw err;
            },
          );
        if (patched) return;
      }
      const name = `${meta.name}.${(now.getTime() * 1e6 + Math.floor(Math.random() * 1e6)).toString(16)}`;
      await this.o.core.createNamespacedEvent({
        namespace,
        body: {
          metadata: { name, namespace },
          involvedObject: {
            apiVersion: target.apiVersion,
            kind: target.kind,
            namespace: meta.namespace,
            name: meta.name,
            uid: meta.uid,
            ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
            ...(fieldPath ? { fieldPath } : {}),
          },
          type,
          reason,
          message,
          source: { component: this.o.component, ...(this.o.host ? { host: this.o.host } : {}) },
          reportingComponent: this.o.component,
          reportingInstance: this.o.host ?? this.o.component,
          firstTimestamp: now,
          lastTimestamp: now,
          count: 1,
        },
      });
      if (this.written.size >= REMEMBERED) this.written.delete(this.written.keys().next().value!);
      this.written.set(identity, { name, namespace, count: 1 });
    } catch (err) {
      this.written.delete(identity); // the event may be gone (namespace deleted): start afresh
      this.o.log.debug('could not record event', { reason, object: meta.name, err });
    }
  }
}
