// The queue of pods waiting to be scheduled (upstream's PriorityQueue, reduced): an active FIFO,
// pods backing off after a failed attempt (1 s doubling to 10 s: podInitialBackoff /
// podMaxBackoff), and pods parked as unschedulable until something that could help happens
// (a node added or changed, a pod deleted) or they have waited `maxUnschedulableMs`.
export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

export interface QueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** upstream's podMaxInUnschedulablePodsDuration. */
  maxUnschedulableMs?: number;
  clock?: Clock;
  /** Called when a pod becomes active; must return immediately. */
  onActive?: () => void;
}

/** upstream's calculateBackoffDuration: initial × 2^(attempts − 1), at most max. */
export function backoffDuration(attempts: number, initialMs: number, maxMs: number): number {
  if (attempts <= 0) return 0;
  let duration = initialMs;
  for (let i = 1; i < attempts; i++) {
    duration *= 2;
    if (duration >= maxMs) return maxMs;
  }
  return Math.min(duration, maxMs);
}

export class SchedulingQueue {
  private readonly active = new Set<string>();
  private readonly backingOff = new Map<string, { cancel(): void }>();
  /** uid → when it was parked. */
  private readonly unschedulable = new Map<string, number>();
  private readonly attempts = new Map<string, number>();
  private readonly lastFailure = new Map<string, number>();
  private readonly initialBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly maxUnschedulableMs: number;
  private readonly clock: Clock;

  constructor(private readonly options: QueueOptions = {}) {
    this.initialBackoffMs = options.initialBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 10_000;
    this.maxUnschedulableMs = options.maxUnschedulableMs ?? 5 * 60_000;
    if (!(this.initialBackoffMs > 0))
      throw new Error(`scheduler: initialBackoffMs ${this.initialBackoffMs} must be > 0`);
    if (!(this.maxBackoffMs >= this.initialBackoffMs))
      throw new Error(`scheduler: maxBackoffMs ${this.maxBackoffMs} must be ≥ initialBackoffMs`);
    this.clock = options.clock ?? systemClock;
  }

  /** A pod that is new, or changed in a way that may change the answer. */
  add(uid: string): void {
    if (this.active.has(uid) || this.backingOff.has(uid)) return;
    if (this.unschedulable.has(uid)) return this.moveToActiveOrBackoff(uid);
    this.activate(uid);
  }

  /** Whether the pod is anywhere in the queue. */
  has(uid: string): boolean {
    return this.active.has(uid) || this.backingOff.has(uid) || this.unschedulable.has(uid);
  }

  pop(): string | undefined {
    const first = this.active.values().next();
    if (first.done) return undefined;
    this.active.delete(first.value);
    this.attempts.set(first.value, (this.attempts.get(first.value) ?? 0) + 1);
    return first.value;
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** The attempt found no node: park it until an event may help. */
  markUnschedulable(uid: string): void {
    this.lastFailure.set(uid, this.clock.now());
    this.unschedulable.set(uid, this.clock.now());
  }

  /** The attempt failed for another reason (binding error): retry after the back-off. */
  requeueWithBackoff(uid: string): void {
    this.lastFailure.set(uid, this.clock.now());
    this.startBackoff(uid);
  }

  /** Something changed that may make parked pods fit (upstream's moveAllToActiveOrBackoffQueue). */
  moveAllToActiveOrBackoff(): void {
    for (const uid of [...this.unschedulable.keys()]) this.moveToActiveOrBackoff(uid);
  }

  /** Retries the parked pods `match` picks (upstream's movePodsToActiveOrBackoffQueue for an event
   * that can only help some of them). */
  moveUnschedulableWhere(match: (uid: string) => boolean): void {
    if (this.unschedulable.size === 0) return;
    for (const uid of [...this.unschedulable.keys()]) if (match(uid)) this.moveToActiveOrBackoff(uid);
  }

  /** Parks no pod longer than maxUnschedulableMs (upstream's flushUnschedulablePodsLeftover). */
  flushUnschedulableLeftover(): void {
    const now = this.clock.now();
    for (const [uid, since] of [...this.unschedulable]) {
      if (now - since >= this.maxUnschedulableMs) this.moveToActiveOrBackoff(uid);
    }
  }

  /** The pod is gone or bound: forget everything about it. */
  delete(uid: string): void {
    this.active.delete(uid);
    this.backingOff.get(uid)?.cancel();
    this.backingOff.delete(uid);
    this.unschedulable.delete(uid);
    this.attempts.delete(uid);
    this.lastFailure.delete(uid);
  }

  close(): void {
    for (const timer of this.backingOff.values()) timer.cancel();
    this.backingOff.clear();
  }

  private moveToActiveOrBackoff(uid: string): void {
    this.unschedulable.delete(uid);
    this.startBackoff(uid);
  }

  private startBackoff(uid: string): void {
    if (this.backingOff.has(uid) || this.active.has(uid)) return;
    const expires =
      (this.lastFailure.get(uid) ?? 0) +
      backoffDuration(this.attempts.get(uid) ?? 0, this.initialBackoffMs, this.maxBackoffMs);
    const wait = expires - this.clock.now();
    if (wait <= 0) return this.activate(uid);
    this.backingOff.set(
      uid,
      this.clock.setTimeout(() => {
        this.backingOff.delete(uid);
        this.activate(uid);
      }, wait),
    );
  }

  private activate(uid: string): void {
    this.active.add(uid);
    this.options.onActive?.();
  }
}
