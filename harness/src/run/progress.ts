// What a person watching a run sees. On a terminal: one live line, rewritten in place (done/total,
// failures so far, the estimated time left, the test running now), with each failure printed above
// it as it happens. Anywhere else (CI logs): one plain line per finished test.
import type { SuiteEvent } from './execute.ts';
import { specIdOf } from './collect.ts';

/** A terminal to draw the live line on. */
export interface Terminal {
  write(text: string): void;
  /** Width in characters; the live line is cut to fit. */
  columns?: number;
}

export interface ProgressOptions {
  /** Plain lines (and, on a terminal, the lines printed above the live one). */
  out: (line: string) => void;
  /** Set when stdout is a terminal. */
  terminal?: Terminal | undefined;
  /** How many mocha processes will say `begin`. */
  processes: number;
  /**
   * The tests the run is expected to have (counted from the sources), shown until every process
   * has said `begin` with its own count; without it the total shows `?` until then.
   */
  expectedTotal?: number;
  now?: () => number;
  /** How often the live line is redrawn even without events (for the clock); 0 for never. */
  redrawMs?: number;
}

const CLEAR_LINE = '\r\x1b[2K';

/** `42s`, `3m05s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export class ProgressDisplay {
  private readonly totals = new Map<number, number>();
  private readonly running = new Map<number, string>();
  private done = 0;
  private failed = 0;
  private firstStart: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ProgressOptions) {
    this.now = options.now ?? Date.now;
    const redraw = options.redrawMs ?? 1_000;
    if (options.terminal && redraw > 0) {
      this.timer = setInterval(() => this.draw(), redraw);
      this.timer.unref();
    }
  }

  /**
   * The tests of the run: the sum of the processes' own counts once every process has begun,
   * before that the expected total when one was given; undefined when none is known yet.
   */
  get total(): number | undefined {
    if (this.totals.size >= this.options.processes) {
      return [...this.totals.values()].reduce((sum, n) => sum + n, 0);
    }
    return this.options.expectedTotal;
  }

  onEvent(event: SuiteEvent, process: number): void {
    switch (event.event) {
      case 'begin':
        this.totals.set(process, event.total);
        break;
      case 'test-start':
        this.firstStart ??= this.now();
        this.running.set(process, event.title);
        break;
      case 'test-retry':
        this.print(`retry ${event.title} (${event.durationMs} ms): ${firstLine(event.message)}`);
        break;
      case 'test-end': {
        this.done += 1;
        this.running.delete(process);
        if (event.status === 'failed') this.failed += 1;
        const mark = event.status === 'passed' ? 'ok  ' : event.status === 'failed' ? 'FAIL' : 'skip';
        const line = `${this.counter()} ${mark} ${event.title} (${event.durationMs} ms)`;
        // On a terminal only failures stay on screen; the live line shows the rest.
        if (!this.options.terminal || event.status === 'failed') this.print(line);
        break;
      }
    }
    this.draw();
  }

  /** Removes the live line and stops the clock; call once when the suite has ended. */
  finish(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.options.terminal?.write(CLEAR_LINE);
  }

  /** The live line's text (without terminal control characters). */
  liveLine(): string {
    const parts = [this.counter(), `${this.failed} failed`];
    const left = this.timeLeft();
    if (left !== undefined) parts.push(`~${formatDuration(left)} left`);
    const current = [...this.running.values()][0];
    if (current) parts.push(specIdOf(current) ?? current);
    if (this.running.size > 1) parts.push(`(+${this.running.size - 1} more)`);
    return parts.join(' · ');
  }

  /** The estimated time left: the mean time per finished test times the tests still to come. */
  timeLeft(): number | undefined {
    const total = this.total;
    if (this.firstStart === undefined || this.done === 0 || total === undefined) return undefined;
    const perTest = (this.now() - this.firstStart) / this.done;
    return perTest * Math.max(0, total - this.done);
  }

  private counter(): string {
    return `[${this.done}/${this.total ?? '?'}]`;
  }

  private print(line: string): void {
    this.options.terminal?.write(CLEAR_LINE);
    this.options.out(line);
  }

  private draw(): void {
    const terminal = this.options.terminal;
    if (!terminal || !this.timer) return;
    const width = Math.max(20, (terminal.columns ?? 80) - 1);
    const line = this.liveLine();
    terminal.write(CLEAR_LINE + (line.length > width ? `${line.slice(0, width - 1)}…` : line));
  }
}

const firstLine = (text: string): string => text.split('\n')[0] ?? '';
