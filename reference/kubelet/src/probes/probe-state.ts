// The pure heart of a probe worker, as upstream's prober/worker.go doProbe: given the latest status
// of the pod and the container, decide whether to probe now, stop, or wait; count results against
// the thresholds; and say which result the container now has. No timers and no I/O, so every rule
// is unit-tested alone.
import type { V1Probe } from '@kubernetes/client-node';

export type ProbeType = 'liveness' | 'readiness' | 'startup';
/** A container's probe result as the kubelet keeps it (upstream's results.Result). */
export type ProbeResult = 'success' | 'failure' | 'unknown';

/** How the probe type is named in event messages ("Liveness probe failed: ..."). */
export const PROBE_TYPE_TITLE: Record<ProbeType, string> = {
  liveness: 'Liveness',
  readiness: 'Readiness',
  startup: 'Startup',
};

/** Before a container has a result of its own: readiness starts failed, liveness passed, startup unknown. */
export const INITIAL_RESULT: Record<ProbeType, ProbeResult> = {
  readiness: 'failure',
  liveness: 'success',
  startup: 'unknown',
};

export interface ProbeTiming {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

/** upstream's API defaults: period 10 s, timeout 1 s, success 1, failure 3, no initial delay. */
export function probeTiming(probe: V1Probe): ProbeTiming {
  const positive = (value: number | undefined, fallback: number): number =>
    value !== undefined && value > 0 ? value : fallback;
  return {
    initialDelaySeconds: Math.max(0, probe.initialDelaySeconds ?? 0),
    periodSeconds: positive(probe.periodSeconds, 10),
    timeoutSeconds: positive(probe.timeoutSeconds, 1),
    successThreshold: positive(probe.successThreshold, 1),
    failureThreshold: positive(probe.failureThreshold, 3),
  };
}

/** What a worker sees of the pod and its container at one tick (from the kubelet's last status). */
export interface ProbeTarget {
  /** The pod is Succeeded or Failed: nothing of it will run again. */
  podTerminal: boolean;
  /** The pod has a deletionTimestamp. */
  podDeleting: boolean;
  restartPolicy: string;
  /** The container's id; undefined while it has never been created. */
  containerId: string | undefined;
  running: boolean;
  /** It exited (state terminated). */
  terminated: boolean;
  /** When the running container started (ms since the epoch). */
  startedAtMs: number | undefined;
  /** The container status's `started` field (startup probe passed, or there is none). */
  started: boolean;
}

/** The worker's decision before probing. */
export type Step =
  | { kind: 'stop'; set?: ProbeResult }
  | { kind: 'wait'; set?: ProbeResult }
  | { kind: 'probe'; set?: ProbeResult };

export class ProbeState {
  containerId: string | undefined;
  private lastResult: ProbeResult | undefined;
  private resultRun = 0;
  /** After a liveness/startup failure: no more probes until a new container appears. */
  private onHold = false;

  constructor(
    readonly type: ProbeType,
    readonly timing: ProbeTiming,
  ) {}

  /**
   * Decides what to do at one tick. `set`, when present, is a result the container now has (the
   * caller stores it before acting on `kind`). `now` is in ms since the epoch.
   */
  before(target: ProbeTarget, now: number): Step {
    if (target.podTerminal) return { kind: 'stop' };
    if (!target.containerId) return { kind: 'wait' };
    let set: ProbeResult | undefined;
    if (target.containerId !== this.containerId) {
      this.containerId = target.containerId;
      set = INITIAL_RESULT[this.type];
      this.onHold = false; // a new container: probing resumes
      this.lastResult = undefined;
      this.resultRun = 0;
    }
    const withSet = <S extends Step>(step: S): S => (set ? { ...step, set } : step);
    if (this.onHold) return withSet({ kind: 'wait' });
    if (!target.running) {
      // Not running: failed; stop only if it will never run again.
      const again = !target.terminated || target.restartPolicy !== 'Never';
      return { kind: again ? 'wait' : 'stop', set: 'failure' };
    }
    if (target.podDeleting && (this.type === 'liveness' || this.type === 'startup')) {
      // Graceful shutdown: a last success so that nothing restarts it, and no more probes.
      return { kind: 'stop', set: 'success' };
    }
    const startedAt = target.startedAtMs ?? now;
    if (Math.floor((now - startedAt) / 1000) < this.timing.initialDelaySeconds)
      return withSet({ kind: 'wait' });
    // The startup probe runs until the container has started; the others only after that.
    if (target.started ? this.type === 'startup' : this.type !== 'startup') return withSet({ kind: 'wait' });
    return withSet({ kind: 'probe' });
  }

  /** Counts one probe's result; returns the result the container now has, or undefined when unchanged. */
  after(result: 'success' | 'failure'): ProbeResult | undefined {
    if (this.lastResult === result) this.resultRun++;
    else {
      this.lastResult = result;
      this.resultRun = 1;
    }
    if (
      (result === 'failure' && this.resultRun < this.timing.failureThreshold) ||
      (result === 'success' && this.resultRun < this.timing.successThreshold)
    ) {
      return undefined; // below the threshold: the result stays what it was
    }
    if ((this.type === 'liveness' || this.type === 'startup') && result === 'failure') {
      // The container will be killed: hold until a new one appears (upstream #21751).
      this.onHold = true;
      this.resultRun = 0;
    }
    return result;
  }
}
