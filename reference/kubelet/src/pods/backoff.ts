// Crash-loop back-off per container, as upstream's kubelet keeps it: the first restart is at
// once, each further one waits twice as long (10 s, 20 s, … at most 5 minutes), and a container
// that stayed up for 10 minutes starts afresh.

export const INITIAL_BACKOFF_MS = 10_000;
export const MAX_BACKOFF_MS = 300_000;
const RESET_AFTER_MS = 600_000;

interface Entry {
  delayMs: number;
  lastRestart: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly initialMs = INITIAL_BACKOFF_MS,
    private readonly maxMs = MAX_BACKOFF_MS,
  ) {}

  /** Milliseconds still to wait before `key` may restart; 0 when it may restart now. */
  remaining(key: string, now: number): number {
    const entry = this.entries.get(key);
    if (!entry) return 0;
    return Math.max(0, entry.lastRestart + entry.delayMs - now);
  }

  /** Records a restart at `now` and lengthens the next wait. */
  restarted(key: string, now: number): void {
    const entry = this.entries.get(key);
    if (!entry || now - entry.lastRestart - entry.delayMs > RESET_AFTER_MS) {
      this.entries.set(key, { delayMs: this.initialMs, lastRestart: now });
      return;
    }
    this.entries.set(key, { delayMs: Math.min(entry.delayMs * 2, this.maxMs), lastRestart: now });
  }

  /** The current wait for `key` (for the CrashLoopBackOff message). */
  delay(key: string): number {
    return this.entries.get(key)?.delayMs ?? 0;
  }

  forgetPod(uid: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(`${uid}/`)) this.entries.delete(key);
  }
}
