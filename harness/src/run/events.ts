// `--events FILE`: one JSON object per line for every test start, retry and end, written as it
// happens, so another tool can follow a long run (`tail -f`). Each line is complete when written.
import { closeSync, openSync, writeSync } from 'node:fs';
import { specIdOf } from './collect.ts';
import type { SuiteEvent } from './execute.ts';

export interface EventLine {
  /** ISO 8601. */
  time: string;
  event: 'run-start' | 'test-start' | 'test-retry' | 'test-end' | 'run-end';
  /** The mocha process (from 1, unique in the run) for test events. */
  process?: number;
  /** The worker (from 1) running that process; with --parallel N, 1 to N. */
  worker?: number;
  spec?: string;
  title?: string;
  file?: string;
  attempt?: number;
  status?: string;
  durationMs?: number;
  message?: string;
  /** run-start: the specs selected; run-end: the summary. */
  specs?: number;
  summary?: Record<string, number>;
}

export class EventsFile {
  private fd: number | undefined;

  /** Creates (or truncates) the file; throws with the OS reason when it cannot. */
  constructor(
    readonly path: string,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.fd = openSync(path, 'w');
  }

  write(line: Omit<EventLine, 'time'>): void {
    if (this.fd === undefined) return;
    writeSync(this.fd, JSON.stringify({ time: this.now().toISOString(), ...line }) + '\n');
  }

  /** Writes the line for one suite event; the `begin` counts are not test events and are left out. */
  suiteEvent(event: SuiteEvent, process: number, worker?: number): void {
    if (event.event === 'begin') return;
    const spec = specIdOf(event.title);
    const common = {
      process,
      ...(worker !== undefined ? { worker } : {}),
      ...(spec ? { spec } : {}),
      title: event.title,
      file: event.file,
    };
    if (event.event === 'test-start') this.write({ event: 'test-start', ...common, attempt: event.attempt });
    else if (event.event === 'test-retry')
      this.write({ event: 'test-retry', ...common, durationMs: event.durationMs, message: event.message });
    else this.write({ event: 'test-end', ...common, status: event.status, durationMs: event.durationMs });
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
