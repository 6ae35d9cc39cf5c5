// The scheduler's view of the cluster (upstream's internal/cache): nodes and the non-terminal
// pods bound or assumed bound to them, with their summed requests and host ports kept up to date
// incrementally. A pod is "assumed" from the moment the scheduler picks its node until the watch
// shows it bound, so the next decision already counts it.
import type * as k8s from '@kubernetes/client-node';
import type { NodeInfo } from './framework.ts';
import { hasPodAffinity, hasRequiredAntiAffinity } from './plugins/inter-pod-affinity-terms.ts';
import { hostPorts, portKey } from './plugins/node-ports.ts';
import { controllerKey } from './plugins/selector-spread.ts';
import { impliedTaint } from './plugins/node-ready.ts';
import { nodeAllocatable, podRequests, type Resources } from './resources.ts';

interface PodEntry {
  pod: k8s.V1Pod;
  nodeName: string;
  assumed: boolean;
  requests: Resources;
  nonZero: Resources;
  ports: string[];
}

const isTerminal = (pod: k8s.V1Pod): boolean =>
  pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';

export class NodeCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly pods = new Map<string, PodEntry>();
  /** Nodes running pods with pod affinity terms / required anti-affinity (upstream's
   * HavePodsWithAffinityList and HavePodsWithRequiredAntiAffinityList). */
  private readonly withAffinity = new Set<NodeInfo>();
  private readonly withRequiredAntiAffinity = new Set<NodeInfo>();
  /** Pods on nodes the cache has not seen yet, by node name. */
  private readonly orphans = new Map<string, Set<string>>();

  setNode(node: k8s.V1Node): void {
    const name = node.metadata!.name!;
    const existing = this.nodes.get(name);
    if (existing) {
      existing.node = node;
      existing.allocatable = nodeAllocatable(node);
      existing.readyTaint = impliedTaint(node);
      return;
    }
    const info: NodeInfo = {
      node,
      allocatable: nodeAllocatable(node),
      readyTaint: impliedTaint(node),
      pods: [],
      requested: { milliCpu: 0, memory: 0 },
      nonZeroRequested: { milliCpu: 0, memory: 0 },
      usedPorts: new Set(),
      podsByController: new Map(),
      podsWithAffinity: [],
      podsWithRequiredAntiAffinity: [],
    };
    this.nodes.set(name, info);
    for (const uid of this.orphans.get(name) ?? []) {
      const entry = this.pods.get(uid);
      if (entry) this.attach(info, entry);
    }
    this.orphans.delete(name);
  }

  deleteNode(name: string): void {
    const info = this.nodes.get(name);
    if (!info) return;
    this.nodes.delete(name);
    this.withAffinity.delete(info);
    this.withRequiredAntiAffinity.delete(info);
    const uids = new Set(info.pods.map((p) => p.metadata!.uid!));
    if (uids.size > 0) this.orphans.set(name, uids);
  }

  /** Records a pod seen by the watch: bound and not terminal → counted on its node; otherwise
   * forgotten (unless it is assumed and still unbound: the watch has not caught up). */
  updatePod(pod: k8s.V1Pod): void {
    const uid = pod.metadata!.uid!;
    const nodeName = pod.spec?.nodeName;
    if (!nodeName || isTerminal(pod)) {
      const entry = this.pods.get(uid);
      if (entry && !(entry.assumed && !nodeName && !isTerminal(pod))) this.removePod(uid);
      return;
    }
    const entry = this.pods.get(uid);
    if (entry && entry.nodeName === nodeName) {
      entry.assumed = false;
      const info = this.nodes.get(nodeName);
      const index = info ? info.pods.indexOf(entry.pod) : -1;
      if (info && index >= 0) {
        info.pods[index] = pod;
        this.untrack(info, entry.pod);
        this.track(info, pod);
      }
      entry.pod = pod;
      return;
    }
    if (entry) this.removePod(uid);
    this.addEntry(pod, nodeName, false);
  }

  /** Counts `pod` on `nodeName` before the binding is confirmed. */
  assume(pod: k8s.V1Pod, nodeName: string): void {
    this.removePod(pod.metadata!.uid!);
    this.addEntry(pod, nodeName, true);
  }

  /** Undoes `assume` after a failed binding, unless the watch has confirmed it meanwhile. */
  forget(uid: string): void {
    if (this.pods.get(uid)?.assumed) this.removePod(uid);
  }

  removePod(uid: string): void {
    const entry = this.pods.get(uid);
    if (!entry) return;
    this.pods.delete(uid);
    const info = this.nodes.get(entry.nodeName);
    if (!info) {
      this.orphans.get(entry.nodeName)?.delete(uid);
      return;
    }
    const index = info.pods.findIndex((p) => p.metadata?.uid === uid);
    if (index >= 0) {
      info.pods.splice(index, 1);
      this.untrack(info, entry.pod);
    }
    info.requested = sub(info.requested, entry.requests);
    info.nonZeroRequested = sub(info.nonZeroRequested, entry.nonZero);
    for (const key of entry.ports) info.usedPorts.delete(key);
  }

  isAssumedOrBound(uid: string): boolean {
    return this.pods.has(uid);
  }

  /** The pod as the cache counts it (bound or assumed), or undefined. */
  podOf(uid: string): k8s.V1Pod | undefined {
    return this.pods.get(uid)?.pod;
  }

  nodeInfos(): NodeInfo[] {
    return [...this.nodes.values()];
  }

  nodesWithAffinityPods(): NodeInfo[] {
    return this.withAffinity.size === 0 ? [] : [...this.withAffinity];
  }

  nodesWithRequiredAntiAffinityPods(): NodeInfo[] {
    return this.withRequiredAntiAffinity.size === 0 ? [] : [...this.withRequiredAntiAffinity];
  }

  get nodeCount(): number {
    return this.nodes.size;
  }

  private addEntry(pod: k8s.V1Pod, nodeName: string, assumed: boolean): void {
    const entry: PodEntry = {
      pod,
      nodeName,
      assumed,
      requests: podRequests(pod),
      nonZero: podRequests(pod, true),
      ports: hostPorts(pod).map(portKey),
    };
    this.pods.set(pod.metadata!.uid!, entry);
    const info = this.nodes.get(nodeName);
    if (info) this.attach(info, entry);
    else {
      const waiting = this.orphans.get(nodeName) ?? new Set<string>();
      waiting.add(pod.metadata!.uid!);
      this.orphans.set(nodeName, waiting);
    }
  }

  /** Keeps what the node derives from its pods in step with `pods`: the count per controller, and
   * the lists of pods with affinity terms with the sets of nodes that have any (so the inter-pod
   * affinity plugin visits only those, and nothing at all in a cluster without affinity). */
  private track(info: NodeInfo, pod: k8s.V1Pod): void {
    const controller = controllerKey(pod);
    if (controller !== undefined)
      info.podsByController.set(controller, (info.podsByController.get(controller) ?? 0) + 1);
    if (hasPodAffinity(pod)) {
      info.podsWithAffinity.push(pod);
      this.withAffinity.add(info);
    }
    if (hasRequiredAntiAffinity(pod)) {
      info.podsWithRequiredAntiAffinity.push(pod);
      this.withRequiredAntiAffinity.add(info);
    }
  }

  private untrack(info: NodeInfo, pod: k8s.V1Pod): void {
    const controller = controllerKey(pod);
    if (controller !== undefined) {
      const left = (info.podsByController.get(controller) ?? 0) - 1;
      if (left > 0) info.podsByController.set(controller, left);
      else info.podsByController.delete(controller);
    }
    if (info.podsWithAffinity.length > 0) {
      removeFrom(info.podsWithAffinity, pod);
      if (info.podsWithAffinity.length === 0) this.withAffinity.delete(info);
    }
    if (info.podsWithRequiredAntiAffinity.length > 0) {
      removeFrom(info.podsWithRequiredAntiAffinity, pod);
      if (info.podsWithRequiredAntiAffinity.length === 0) this.withRequiredAntiAffinity.delete(info);
    }
  }

  private attach(info: NodeInfo, entry: PodEntry): void {
    info.pods.push(entry.pod);
    this.track(info, entry.pod);
    info.requested = add(info.requested, entry.requests);
    info.nonZeroRequested = add(info.nonZeroRequested, entry.nonZero);
    for (const key of entry.ports) info.usedPorts.add(key);
  }
}

function removeFrom(list: k8s.V1Pod[], pod: k8s.V1Pod): void {
  const index = list.indexOf(pod);
  if (index >= 0) list.splice(index, 1);
}

const add = (a: Resources, b: Resources): Resources => ({
  milliCpu: a.milliCpu + b.milliCpu,
  memory: a.memory + b.memory,
});
const sub = (a: Resources, b: Resources): Resources => ({
  milliCpu: a.milliCpu - b.milliCpu,
  memory: a.memory - b.memory,
});
