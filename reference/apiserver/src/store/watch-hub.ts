// The embedded store's watches. Each watch remembers the next revision it owes its consumer and
// reads the events from the index's per-revision history, so catching up from an old revision and
// following live writes are the same loop: deliver revision by revision, one onEvents call per
// transaction that touched the prefix, never past the durable revision.
import { CompactedError } from './store.ts';
import type { WatchEvent, WatchRequest, Watcher } from './store.ts';
import type { Logger } from '../../../../common/src/log.ts';

export interface WatchSource {
  /** The newest durable revision: events up to it may be delivered. */
  visibleRevision(): number;
  compactedRevision(): number;
  /** Events of one transaction, compacted < revision <= visible. */
  eventsAt(revision: number): readonly WatchEvent[];
}

interface ActiveWatch {
  request: WatchRequest;
  /** The next revision to look at; everything before it was delivered. */
  next: number;
  /** Nothing was delivered since the last progress tick. */
  quiet: boolean;
  ended: boolean;
}

export class WatchHub {
  private readonly watches = new Set<ActiveWatch>();

  constructor(
    private readonly source: WatchSource,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.watches.size;
  }

  /** Starts a (checked) watch; the catch-up runs after the caller has its Watcher. */
  add(request: WatchRequest): Watcher {
    const watch: ActiveWatch = { request, next: request.afterRevision + 1, quiet: true, ended: false };
    this.watches.add(watch);
    queueMicrotask(() => this.pump(watch));
    return {
      cancel: () => {
        watch.ended = true;
        this.watches.delete(watch);
      },
    };
  }

  /** Brings every watch up to the visible revision (after each group commit). */
  pumpAll(): void {
    for (const watch of this.watches) this.pump(watch);
  }

  /** A tick of the progress timer: caught-up watches that got no events hear the revision. */
  progress(): void {
    const visible = this.source.visibleRevision();
    for (const watch of this.watches) {
      if (!watch.quiet) {
        watch.quiet = true;
        continue;
      }
      const onProgress = watch.request.onProgress;
      if (onProgress && watch.next > visible) this.guard(watch, 'onProgress', () => onProgress(visible));
    }
  }

  /** Ends every watch with `err` (the store is closing). */
  endAll(err: Error): void {
    for (const watch of this.watches) this.end(watch, err);
  }

  private pump(watch: ActiveWatch): void {
    if (watch.ended) return;
    const compacted = this.source.compactedRevision();
    if (watch.next - 1 < compacted) {
      this.end(watch, new CompactedError(watch.next - 1, compacted));
      return;
    }
    const visible = this.source.visibleRevision();
    const prefix = watch.request.prefix;
    while (!watch.ended && watch.next <= visible) {
      const events = this.source.eventsAt(watch.next).filter((e) => e.kv.key.startsWith(prefix));
      watch.next++;
      if (events.length > 0) {
        watch.quiet = false;
        this.guard(watch, 'onEvents', () => watch.request.onEvents(events));
      }
    }
  }

  private end(watch: ActiveWatch, err: Error): void {
    if (watch.ended) return;
    watch.ended = true;
    this.watches.delete(watch);
    this.guard(watch, 'onError', () => watch.request.onError(err));
  }

  // A consumer's exception must not stop delivery to the others or break a commit.
  private guard(watch: ActiveWatch, callback: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.logger.error('watch callback threw', { callback, prefix: watch.request.prefix, err });
    }
  }
}
