// Computes a pod's status from what runs, as upstream's kubelet does (generateAPIPodStatus,
// getPhase): init and app container states with reasons, restart counts, `ready` and `started`
// from the probes, the phase, and the PodScheduled, PodReadyToStartContainers, Initialized,
// ContainersReady and Ready conditions. A terminal phase is final: once the apiserver shows
// Succeeded or Failed the phase never changes again, and the pod keeps its IPs after its sandbox
// is gone (upstream #125404). Pure.
import type { V1ContainerStatus, V1Pod, V1PodCondition, V1PodStatus } from '@kubernetes/client-node';
import { isRestartable } from './init-containers.ts';

/** What the kubelet knows about one of the pod's containers. */
export interface ObservedContainer {
  name: string;
  image: string;
  /** The newest container for this name, if any was created. */
  current?: {
    id: string;
    state: 'created' | 'running' | 'exited' | 'other';
    exitCode: number;
    oomKilled: boolean;
    startedAt?: string;
    finishedAt?: string;
    restartCount: number;
  };
  /** The one before it (for lastState), if kept. */
  previous?: { id: string; exitCode: number; oomKilled: boolean; startedAt?: string; finishedAt?: string };
  /** Set while the kubelet waits to (re)start it: CrashLoopBackOff, ErrImagePull, ContainerCreating. */
  waiting?: { reason: string; message?: string };
  ready: boolean;
  /** The `started` field: running and past its startup probe. Default: running. */
  started?: boolean;
}

/** Why the kubelet fails a pod whatever its containers do (upstream's ShouldEvict). */
export interface PodEviction {
  reason: string;
  message: string;
}

export interface StatusInput {
  pod: V1Pod;
  /** The IP of the pod's running sandbox; absent when it has none (not yet, or torn down). */
  podIp?: string;
  hostIp: string;
  containers: ObservedContainer[];
  /** The pod's init containers, in spec order. */
  initContainers?: ObservedContainer[];
  /** Set when the pod is to fail now (activeDeadlineSeconds passed): phase Failed with this reason. */
  eviction?: PodEviction;
  /** The IP a finished pod's sandbox had before it was torn down, when the kubelet remembers it. */
  keptIp?: string;
  now: Date;
}

export const isTerminalPhase = (phase: string | undefined): boolean =>
  phase === 'Succeeded' || phase === 'Failed';

/**
 * upstream's three-way phase merge: an eviction fails the pod; a phase the apiserver already shows
 * as terminal is never left; the reason and message go with the phase they were given for.
 */
function finalPhase(
  pod: V1Pod,
  computed: string,
  eviction: PodEviction | undefined,
): { phase: string; reason?: string; message?: string } {
  const api = pod.status ?? {};
  let phase = eviction ? 'Failed' : computed;
  if (isTerminalPhase(api.phase) && phase !== api.phase) phase = api.phase!;
  if (eviction && phase === 'Failed' && api.phase !== 'Failed') {
    return { phase, reason: eviction.reason, message: eviction.message };
  }
  if (phase !== api.phase) return { phase };
  return {
    phase,
    ...(api.reason ? { reason: api.reason } : {}),
    ...(api.message ? { message: api.message } : {}),
  };
}

const stamp = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);
/** Times from a watched pod are strings; the typed client wants Dates. */
const asDate = (v: Date | string | undefined): Date | undefined =>
  v === undefined ? undefined : v instanceof Date ? v : new Date(v);
const time = (iso: string | undefined): Date | undefined =>
  iso && !iso.startsWith('0001-') ? new Date(iso) : undefined;

function terminatedReason(exitCode: number, oomKilled: boolean): string {
  if (oomKilled) return 'OOMKilled';
  return exitCode === 0 ? 'Completed' : 'Error';
}

/**
 * One container's status. `defaultWaiting` is the reason shown before it ever ran: upstream says
 * PodInitializing for every container of a pod with init containers, else ContainerCreating.
 */
export function containerStatus(
  c: ObservedContainer,
  defaultWaiting = 'ContainerCreating',
): V1ContainerStatus {
  const status: V1ContainerStatus = {
    name: c.name,
    image: c.image,
    imageID: '',
    ready: c.ready,
    restartCount: c.current?.restartCount ?? 0,
    started: c.current?.state === 'running' && (c.started ?? true),
    state: {},
    lastState: {},
  };
  if (c.current) status.containerID = `docker://${c.current.id}`;
  if (c.waiting) {
    status.state = {
      waiting: { reason: c.waiting.reason, ...(c.waiting.message ? { message: c.waiting.message } : {}) },
    };
  } else if (c.current?.state === 'running') {
    status.state = { running: { startedAt: time(c.current.startedAt)! } };
  } else if (c.current?.state === 'exited') {
    status.state = {
      terminated: {
        exitCode: c.current.exitCode,
        reason: terminatedReason(c.current.exitCode, c.current.oomKilled),
        startedAt: time(c.current.startedAt)!,
        finishedAt: time(c.current.finishedAt)!,
        containerID: `docker://${c.current.id}`,
      },
    };
  } else {
    status.state = { waiting: { reason: c.current ? 'ContainerCreating' : defaultWaiting } };
  }
  // While waiting to restart, the last run is the exited current container; otherwise the one before.
  const last = c.waiting && c.current?.state === 'exited' ? c.current : c.previous;
  if (last) {
    status.lastState = {
      terminated: {
        exitCode: last.exitCode,
        reason: terminatedReason(last.exitCode, last.oomKilled),
        startedAt: time(last.startedAt)!,
        finishedAt: time(last.finishedAt)!,
        containerID: `docker://${last.id}`,
      },
    };
  }
  return status;
}

/**
 * upstream's getPhase: init containers first (pending or failed), then the app containers. A
 * restartable init container (sidecar) keeps the pod pending until it has started, counts as
 * running while it runs, and is left out once it stopped.
 */
export function podPhase(
  pod: V1Pod,
  statuses: V1ContainerStatus[],
  initStatuses: V1ContainerStatus[] = [],
): string {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  let pendingInitialization = 0;
  let failedInitialization = 0;
  let sidecarsRunning = 0;
  let sidecarsWaiting = 0;
  for (const init of pod.spec?.initContainers ?? []) {
    const s = initStatuses.find((status) => status.name === init.name);
    if (isRestartable(init)) {
      if (s?.state?.running) {
        if (!s.started) pendingInitialization++;
        sidecarsRunning++;
      } else if (s?.state?.terminated || (s?.state?.waiting && s.lastState?.terminated)) {
        // a stopped sidecar does not count
      } else {
        pendingInitialization++;
        sidecarsWaiting++;
      }
      continue;
    }
    if (!s || s.state?.running) pendingInitialization++;
    else if (s.state?.terminated) {
      if (s.state.terminated.exitCode !== 0) failedInitialization++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) {
        if (s.lastState.terminated.exitCode !== 0) failedInitialization++;
      } else pendingInitialization++;
    } else pendingInitialization++;
  }
  if (failedInitialization > 0 && policy === 'Never') return 'Failed';
  // upstream: a pod whose regular containers ran is not pending again while a sidecar restarts
  const regularStarted = statuses.some((s) => s.state?.running || s.state?.terminated);
  if ((pendingInitialization > 0 && !regularStarted) || failedInitialization > 0) return 'Pending';
  if (sidecarsWaiting > 0) return 'Pending';
  let pending = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else pending++;
    } else pending++;
  }
  if (pending > 0) return 'Pending';
  if (running + sidecarsRunning > 0) return 'Running';
  if (stopped > 0) {
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

function condition(
  type: string,
  ok: boolean,
  previous: V1PodCondition[],
  now: Date,
  reason?: string,
  message?: string,
): V1PodCondition {
  const status = ok ? 'True' : 'False';
  const before = previous.find((c) => c.type === type);
  return {
    type,
    status,
    lastProbeTime: null as unknown as Date,
    lastTransitionTime:
      before && before.status === status && before.lastTransitionTime
        ? asDate(before.lastTransitionTime)!
        : stamp(now),
    ...(!ok && reason ? { reason } : {}),
    ...(!ok && message ? { message } : {}),
  };
}

/** Go's %v of a string slice, as upstream's condition messages print names: `[a b]`. */
const goList = (names: string[]): string => `[${names.join(' ')}]`;

export function podStatus(input: StatusInput): V1PodStatus {
  const { pod, now } = input;
  const previous = pod.status?.conditions ?? [];
  const hasInit = (pod.spec?.initContainers ?? []).length > 0;
  const defaultWaiting = hasInit ? 'PodInitializing' : 'ContainerCreating';
  const containerStatuses = input.containers.map((c) => containerStatus(c, defaultWaiting));
  // An init container is ready once it exited 0 (upstream's prober manager sets it so); a
  // sidecar is ready as an app container is: started and past its readiness probe.
  const sidecars = new Set((pod.spec?.initContainers ?? []).filter(isRestartable).map((c) => c.name));
  const initContainerStatuses = (input.initContainers ?? []).map((c) => {
    const s = containerStatus(c, defaultWaiting);
    if (!sidecars.has(c.name)) s.ready = s.state?.terminated?.exitCode === 0;
    return s;
  });
  const { phase, reason, message } = finalPhase(
    pod,
    podPhase(pod, containerStatuses, initContainerStatuses),
    input.eviction,
  );
  const terminal = isTerminalPhase(phase);
  // upstream's GenerateContainersReadyCondition counts sidecars first, then the app containers
  const unready = [...initContainerStatuses.filter((s) => sidecars.has(s.name)), ...containerStatuses]
    .filter((s) => !s.ready)
    .map((s) => s.name);
  const allReady = containerStatuses.length > 0 && unready.length === 0;
  // A finished pod is not ready because it finished (upstream's ...ForTerminalPhase), not because
  // of any one container.
  const notReadyReason = terminal
    ? phase === 'Failed'
      ? 'PodFailed'
      : 'PodCompleted'
    : 'ContainersNotReady';
  const notReadyMessage =
    !terminal && unready.length > 0 ? `containers with unready status: ${goList(unready)}` : undefined;
  // Initialized: every init container exited 0, or an app container already started.
  const incomplete = initContainerStatuses
    .filter((s) => (sidecars.has(s.name) ? !s.started : !s.ready))
    .map((s) => s.name);
  const appStarted = containerStatuses.some(
    (s) => s.state?.running || s.state?.terminated || s.lastState?.terminated,
  );
  const initialized = incomplete.length === 0 || appStarted || phase === 'Succeeded';
  const scheduled = condition('PodScheduled', true, previous, now);
  // Without a sandbox a finished pod keeps the IPs it had: they say where it ran.
  const keptIp = terminal ? (input.keptIp ?? pod.status?.podIP) : undefined;
  const shownIp = input.podIp ?? keptIp;
  const podIps = shownIp ? { podIP: shownIp, podIPs: [{ ip: shownIp }] } : {};
  return {
    phase,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
    conditions: [
      condition('PodReadyToStartContainers', input.podIp !== undefined, previous, now),
      condition(
        'Initialized',
        initialized,
        previous,
        now,
        'ContainersNotInitialized',
        `containers with incomplete status: ${goList(incomplete)}`,
      ),
      condition('Ready', allReady && !terminal, previous, now, notReadyReason, notReadyMessage),
      condition('ContainersReady', allReady && !terminal, previous, now, notReadyReason, notReadyMessage),
      scheduled,
    ],
    hostIP: input.hostIp,
    hostIPs: [{ ip: input.hostIp }],
    ...podIps,
    startTime: asDate(pod.status?.startTime) ?? stamp(now),
    ...(hasInit ? { initContainerStatuses } : {}),
    containerStatuses,
    qosClass: pod.status?.qosClass ?? 'BestEffort',
  };
}
