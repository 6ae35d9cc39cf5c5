// Resource quantities as the scheduler counts them: CPU in millicores, memory in bytes, pods as a
// count. Requests of a pod follow upstream's computePodResourceRequest: the larger of the sum over
// app containers and the largest init container, plus the pod overhead.
import type * as k8s from '@kubernetes/client-node';

export interface Resources {
  milliCpu: number;
  memory: number;
}

export const ZERO: Resources = Object.freeze({ milliCpu: 0, memory: 0 });

/** upstream's DefaultMilliCPURequest and DefaultMemoryRequest, used only for scoring. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

const SUFFIX: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A Kubernetes quantity (`100m`, `1.5Gi`, `2e3`) as a number of base units; undefined when
 * malformed. Numbers pass through (the client may hand them over as such). */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(
    value.trim(),
  );
  if (!match) return undefined;
  const base = Number(match[1]);
  if (match[2]) return base * 10 ** Number(match[2].slice(1));
  return base * SUFFIX[match[3] ?? '']!;
}

export const milliCpuOf = (value: unknown): number => Math.ceil((parseQuantity(value) ?? 0) * 1000 - 1e-9);
export const bytesOf = (value: unknown): number => Math.ceil(parseQuantity(value) ?? 0);

function containerRequests(c: k8s.V1Container, nonZero: boolean): Resources {
  const requests = (c.resources?.requests ?? {}) as Record<string, unknown>;
  const cpu = requests['cpu'];
  const memory = requests['memory'];
  return {
    milliCpu: cpu === undefined && nonZero ? DEFAULT_MILLI_CPU_REQUEST : milliCpuOf(cpu),
    memory: memory === undefined && nonZero ? DEFAULT_MEMORY_REQUEST : bytesOf(memory),
  };
}

// Objects from the informers are replaced, never mutated, so results can be cached per object.
const requestsCache = new WeakMap<k8s.V1Pod, Resources>();
const nonZeroCache = new WeakMap<k8s.V1Pod, Resources>();
const allocatableCache = new WeakMap<k8s.V1Node, Allocatable>();
const lastRequests: { pod?: k8s.V1Pod; resources: Resources } = { resources: ZERO };
const lastNonZero: { pod?: k8s.V1Pod; resources: Resources } = { resources: ZERO };

/** The pod's requests; with `nonZero`, a container that requests no cpu (memory) counts as
 * upstream's defaults, as scoring does. Cached per pod object: never mutate a pod passed here. */
export function podRequests(pod: k8s.V1Pod, nonZero = false): Resources {
  // A cycle asks for one pod's requests once per node: the last answer is kept at hand.
  const last = nonZero ? lastNonZero : lastRequests;
  if (last.pod === pod) return last.resources;
  const cache = nonZero ? nonZeroCache : requestsCache;
  let cached = cache.get(pod);
  if (!cached) {
    cached = computePodRequests(pod, nonZero);
    cache.set(pod, cached);
  }
  last.pod = pod;
  last.resources = cached;
  return cached;
}

function computePodRequests(pod: k8s.V1Pod, nonZero: boolean): Resources {
  const sum: Resources = { milliCpu: 0, memory: 0 };
  for (const c of pod.spec?.containers ?? []) {
    const r = containerRequests(c, nonZero);
    sum.milliCpu += r.milliCpu;
    sum.memory += r.memory;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c, false);
    sum.milliCpu = Math.max(sum.milliCpu, r.milliCpu);
    sum.memory = Math.max(sum.memory, r.memory);
  }
  const overhead = (pod.spec?.overhead ?? {}) as Record<string, unknown>;
  sum.milliCpu += milliCpuOf(overhead['cpu']);
  sum.memory += bytesOf(overhead['memory']);
  return sum;
}

export interface Allocatable extends Resources {
  pods: number;
}

/** The node's allocatable (falling back to capacity, as upstream's NodeInfo does for old nodes).
 * Cached per node object. */
export function nodeAllocatable(node: k8s.V1Node): Allocatable {
  let cached = allocatableCache.get(node);
  if (!cached) {
    cached = computeAllocatable(node);
    allocatableCache.set(node, cached);
  }
  return cached;
}

function computeAllocatable(node: k8s.V1Node): Allocatable {
  const source = (node.status?.allocatable ?? node.status?.capacity ?? {}) as Record<string, unknown>;
  return {
    milliCpu: milliCpuOf(source['cpu']),
    memory: bytesOf(source['memory']),
    pods: Math.floor(parseQuantity(source['pods']) ?? 0),
  };
}

export const addResources = (a: Resources, b: Resources): Resources => ({
  milliCpu: a.milliCpu + b.milliCpu,
  memory: a.memory + b.memory,
});
