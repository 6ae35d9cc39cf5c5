// The kubelet's events: core/v1 Events about a pod's containers, as upstream's kubelet records
// them (source.component "kubelet", source.host the node, involvedObject the pod with fieldPath
// `spec.containers{name}`), written by the project's EventRecorder (which aggregates a repeat into
// the existing Event's count, as upstream's EventCorrelator does). Recording never blocks and never
// throws: the events go to the recorder one at a time, in order, so a repeat always finds the
// Event its first occurrence created.
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import { EventRecorder } from '../../../common/src/event-recorder.ts';
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

export type EventType = 'Normal' | 'Warning';

/** Records events about a pod or one of its containers; implemented by KubeletEvents. */
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

/** `spec.containers{main}` / `spec.initContainers{setup}`: upstream's fieldPath for a container. */
export function containerFieldPath(container: ContainerRef): string {
  return `${container.init ? 'spec.initContainers' : 'spec.containers'}{${container.name}}`;
}

/** upstream's format.Pod: `name_namespace(uid)`, used in kubelet messages. */
export function formatPod(pod: V1Pod): string {
  return `${pod.metadata?.name}_${pod.metadata?.namespace}(${pod.metadata?.uid})`;
}

export class KubeletEvents implements ContainerEvents {
  private readonly recorder: EventRecorder;
  private queue: Promise<void> = Promise.resolve();

  constructor(o: { core: CoreV1Api; nodeName: string; log: Logger }) {
    this.recorder = new EventRecorder({
      core: o.core,
      component: 'kubelet',
      host: o.nodeName,
      log: o.log.child({ component: 'events' }),
    });
  }

  record(
    pod: V1Pod,
    container: ContainerRef | undefined,
    type: EventType,
    reason: string,
    message: string,
  ): void {
    const target = { apiVersion: 'v1', kind: 'Pod', metadata: pod.metadata };
    const fieldPath = container ? containerFieldPath(container) : undefined;
    // EventRecorder.record never rejects, so the queue never breaks.
    this.queue = this.queue.then(() => this.recorder.record(target, type, reason, message, fieldPath));
  }

  /** Resolves once every event recorded so far has been written (or has failed). */
  flush(): Promise<void> {
    return this.queue;
  }
}
