// What the scheduling tests share: waiting for a pod to be bound (and learning its node), and
// waiting for a pod to be reported Unschedulable with its FailedScheduling event, then checking
// both say what upstream's scheduler says.
import type { CoreV1Event, V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import type { Cluster } from '../../lib/cluster.ts';
import { Budget, pollUntil, waitForObject } from '../../lib/wait.ts';
import { eventsAbout } from '../replication/workloads.ts';

export const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** Watches the pod until it is bound; resolves with its node's name. */
export const boundTo = (cluster: Cluster, namespace: string, name: string, timeoutMs: number) =>
  waitForObject<V1Pod>(cluster, {
    what: `pod ${namespace}/${name} bound to a node`,
    collectionPath: `/api/v1/namespaces/${namespace}/pods`,
    name,
    timeoutMs,
    until: (p) => !!p?.spec?.nodeName,
    describe: (p) => JSON.stringify(p?.status?.conditions ?? 'absent'),
  }).then((p) => p!.spec!.nodeName!);

export interface Unschedulable {
  pod: V1Pod;
  event: CoreV1Event;
}

/** Waits, within `timeoutMs` in all, for PodScheduled=False and the pod's FailedScheduling event. */
export async function waitUnschedulable(
  cluster: Cluster,
  namespace: string,
  name: string,
  timeoutMs: number,
): Promise<Unschedulable> {
  const budget = new Budget(timeoutMs / 0.9); // Budget keeps 10% back; the caller's budget already did
  const pod = (await waitForObject<V1Pod>(cluster, {
    what: `pod ${namespace}/${name} PodScheduled=False`,
    collectionPath: `/api/v1/namespaces/${namespace}/pods`,
    name,
    timeoutMs: budget.left(),
    until: (p) =>
      p?.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'False') ?? false,
    describe: (p) =>
      `nodeName ${p?.spec?.nodeName ?? 'unset'}, conditions ${JSON.stringify(p?.status?.conditions ?? [])}`,
  }))!;
  const events = await pollUntil(() => eventsAbout(cluster, namespace, name), {
    what: `a FailedScheduling event about ${namespace}/${name}`,
    timeoutMs: budget.left(),
    done: (list) => list.some((e) => e.reason === 'FailedScheduling'),
    describe: (list) =>
      `events: ${(list ?? []).map((e) => `${e.reason}: ${e.message}`).join('; ') || 'none'}`,
  });
  return { pod, event: events.find((e) => e.reason === 'FailedScheduling')! };
}

/** The pod is unbound with reason Unschedulable, and its Warning event gives upstream's
 * `0/N nodes are available: …` message naming `reason`. */
export function expectUnschedulable(found: Unschedulable, nodeCount: number, reason: string): void {
  const condition = found.pod.status!.conditions!.find((c) => c.type === 'PodScheduled')!;
  expect(condition.reason).to.equal('Unschedulable');
  expect(found.event.type).to.equal('Warning');
  expect(found.event.message).to.match(new RegExp(`^0/${nodeCount} nodes are available: `));
  expect(found.event.message).to.include(reason);
  expect(found.pod.spec?.nodeName ?? '', 'not bound').to.equal('');
}
