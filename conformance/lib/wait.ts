// Waiting, driven by watches. `WatchStream` records one watch's events for tests that assert on the
// event sequence itself; `waitForObjects` is the list-then-watch wait for a selected set of objects
// to reach a state, and `waitForObject` the same for one object (or its disappearance). `pollUntil`
// is for the few things no watch can show (a request being refused). Every timeout error says what
// was awaited, for how long, and the last state seen.
import type { KubernetesObject } from '@kubernetes/client-node';
import { retryUntil, type RetryOptions } from '../../common/src/wait.ts';
import type { Cluster } from './cluster.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubernetesObject = KubernetesObject> {
  type: WatchEventType;
  object: T;
}

export type WatchQuery = Record<string, string | number | boolean | undefined>;

/** `configmaps ns/name rv=42` — how events and objects appear in failure messages. */
export function describeObject(object: KubernetesObject | undefined): string {
  if (!object) return 'absent';
  const meta = object.metadata ?? {};
  const name = meta.namespace ? `${meta.namespace}/${meta.name}` : `${meta.name}`;
  return `${object.kind ?? 'object'} ${name} rv=${meta.resourceVersion ?? '?'}`;
}

export function describeEvent(event: WatchEvent | undefined): string {
  if (!event) return 'no event yet';
  if (event.type === 'ERROR') return `ERROR ${JSON.stringify(event.object)}`;
  return `${event.type} ${describeObject(event.object)}`;
}

/** The watch ended (closed by the server, or failed) before the awaited event arrived. */
export class WatchEndedError extends Error {
  override name = 'WatchEndedError';
  /** The HTTP status the watch request failed with, if it failed that way. */
  readonly statusCode: number | undefined;
  constructor(message: string, statusCode?: number, cause?: unknown) {
    super(message, { cause });
    this.statusCode = statusCode;
  }
}

/**
 * One open watch whose events (bookmarks left out) are queued in arrival order. `next()` hands them
 * out one at a time; a test asserts that something did NOT happen by making a later change and
 * checking that the next event is that change (events of one watch arrive in order), never by
 * waiting for silence.
 */
export class WatchStream<T extends KubernetesObject = KubernetesObject> {
  /** Every event received so far, in order. */
  readonly received: WatchEvent<T>[] = [];
  private consumed = 0;
  private ended: WatchEndedError | null | undefined;
  private abort: AbortController | undefined;
  private wake: (() => void) | undefined;

  private constructor(
    private readonly cluster: Cluster,
    readonly path: string,
    readonly query: WatchQuery,
  ) {}

  /**
   * Opens `GET path?watch=true&...query` and resolves once the server has answered 200, so that
   * for a watch without resourceVersion every later change is seen.
   */
  static async open<T extends KubernetesObject = KubernetesObject>(
    cluster: Cluster,
    path: string,
    query: WatchQuery = {},
  ): Promise<WatchStream<T>> {
    const stream = new WatchStream<T>(cluster, path, query);
    await stream.start();
    return stream;
  }

  private async start(): Promise<void> {
    let failed: WatchEndedError | undefined;
    this.abort = await this.cluster.watcher.watch(
      this.path,
      this.query,
      (type: string, object: T) => {
        if (type === 'BOOKMARK') return;
        this.received.push({ type: type as WatchEventType, object });
        this.wake?.();
      },
      (err: unknown) => {
        const error =
          err === null || err === undefined
            ? null
            : new WatchEndedError(
                `watch ${this.label()} failed: ${describeWatchError(err)}`,
                (err as { statusCode?: number }).statusCode,
                err,
              );
        if (error && this.ended === undefined) failed = error;
        this.ended ??= error;
        this.wake?.();
      },
    );
    if (failed) throw failed;
  }

  /** The next event not yet handed out; rejects after `timeoutMs` saying what was awaited. */
  async next(what: string, timeoutMs: number): Promise<WatchEvent<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const event = this.received[this.consumed];
      if (event) {
        this.consumed += 1;
        return event;
      }
      if (this.ended !== undefined) {
        throw new WatchEndedError(
          `${what}: watch ${this.label()} ended before the event arrived (${this.ended?.message ?? 'closed by the server'}; ` +
            `last event: ${describeEvent(this.received.at(-1))})`,
          this.ended?.statusCode,
        );
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) {
        throw new Error(
          `${what} not seen after ${timeoutMs} ms on watch ${this.label()} ` +
            `(${this.received.length} events so far; last: ${describeEvent(this.received.at(-1))})`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  /** The next `count` events, in order. */
  async take(count: number, what: string, timeoutMs: number): Promise<WatchEvent<T>[]> {
    const deadline = Date.now() + timeoutMs;
    const events: WatchEvent<T>[] = [];
    while (events.length < count) {
      events.push(
        await this.next(
          `${what} (event ${events.length + 1} of ${count})`,
          Math.max(0, deadline - Date.now()),
        ),
      );
    }
    return events;
  }

  /** Stops the watch; idempotent. */
  close(): void {
    this.ended ??= null;
    this.abort?.abort();
  }

  private label(): string {
    const query = Object.entries(this.query)
      .filter(([, value]) => value !== undefined)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join('&');
    return `${this.path}${query ? `?${query}` : ''}`;
  }
}

function describeWatchError(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as Error & { statusCode?: number }).statusCode;
    return code ? `HTTP ${code} ${err.message}` : err.message;
  }
  return String(err);
}

export interface WaitForObjectOptions<T extends KubernetesObject> {
  /** What is awaited, for the timeout message: `namespace x Terminating or gone`. */
  what: string;
  /** The collection path, e.g. `/api/v1/namespaces/ns/pods` or `/api/v1/namespaces`. */
  collectionPath: string;
  name: string;
  timeoutMs: number;
  /** Receives the object's current state, or undefined while it does not exist. */
  until: (object: T | undefined) => boolean;
  /** Describes the last state for the timeout message; defaults to kind, name and resourceVersion. */
  describe?: (object: T | undefined) => string;
}

export interface WaitForObjectsOptions<T extends KubernetesObject> {
  /** What is awaited, for the timeout message: `2 ready replicas of serve`. */
  what: string;
  /** The collection path, e.g. `/api/v1/namespaces/ns/pods`. */
  collectionPath: string;
  /** Which objects of the collection make up the set. */
  selector: { labelSelector?: string; fieldSelector?: string };
  timeoutMs: number;
  /** Receives the current set, sorted by name. */
  until: (objects: T[]) => boolean;
  /** Describes the last set for the timeout message; defaults to each object's kind, name and resourceVersion. */
  describe?: (objects: T[]) => string;
}

interface ObjectList<T> {
  metadata?: { resourceVersion?: string };
  items?: T[];
}

/**
 * Lists the selected objects, then watches them from the list's resourceVersion until `until`
 * holds for the current set; resolves with that set, sorted by name. A watch the server closes is
 * reopened from the last resourceVersion seen, and a 410 Gone starts over with a list.
 */
export async function waitForObjects<T extends KubernetesObject>(
  cluster: Cluster,
  options: WaitForObjectsOptions<T>,
): Promise<T[]> {
  const describe =
    options.describe ?? ((objects: T[]) => objects.map((o) => describeObject(o)).join(', ') || 'none');
  const deadline = Date.now() + options.timeoutMs;
  const objects = new Map<string, T>();
  const current = () =>
    [...objects.values()].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  const timedOut = () =>
    new Error(`${options.what} not done after ${options.timeoutMs} ms (last state: ${describe(current())})`);

  for (;;) {
    const res = await cluster.request({
      method: 'GET',
      path: options.collectionPath,
      query: options.selector,
    });
    if (res.status !== 200) {
      throw new Error(
        `${options.what}: listing ${options.collectionPath} failed with HTTP ${res.status}: ${res.text}`,
      );
    }
    const list = res.body as ObjectList<T>;
    objects.clear();
    for (const item of list.items ?? []) objects.set(item.metadata?.name ?? '', item);
    if (options.until(current())) return current();
    let resourceVersion = list.metadata?.resourceVersion;

    for (;;) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw timedOut();
      let stream: WatchStream<T>;
      try {
        stream = await WatchStream.open<T>(cluster, options.collectionPath, {
          ...options.selector,
          resourceVersion,
          allowWatchBookmarks: true,
        });
      } catch (err) {
        if (err instanceof WatchEndedError && err.statusCode === 410) break; // relist
        throw err;
      }
      try {
        for (;;) {
          const left = deadline - Date.now();
          if (left <= 0) throw timedOut();
          let event: WatchEvent<T>;
          try {
            event = await stream.next(options.what, left);
          } catch (err) {
            if (Date.now() >= deadline) throw timedOut();
            if (err instanceof WatchEndedError && err.statusCode === 410) resourceVersion = undefined;
            if (err instanceof WatchEndedError) break; // reopen, or relist after 410 Gone
            throw err;
          }
          if (event.type === 'ERROR') {
            const status = event.object as unknown as { code?: number };
            if (status.code === 410) {
              resourceVersion = undefined;
              break;
            }
            throw new Error(`${options.what}: watch error ${JSON.stringify(event.object)}`);
          }
          resourceVersion = event.object.metadata?.resourceVersion ?? resourceVersion;
          const name = event.object.metadata?.name ?? '';
          if (event.type === 'DELETED') objects.delete(name);
          else objects.set(name, event.object);
          if (options.until(current())) return current();
        }
      } finally {
        stream.close();
      }
      if (resourceVersion === undefined) break; // relist after 410 Gone
    }
  }
}

/**
 * Lists the one object (by field selector on its name), then watches it until `until` holds for
 * its state; resolves with that state (`waitForObjects` over a set of at most one).
 */
export async function waitForObject<T extends KubernetesObject>(
  cluster: Cluster,
  options: WaitForObjectOptions<T>,
): Promise<T | undefined> {
  const describe = options.describe ?? describeObject;
  const named = (objects: T[]) => objects.find((o) => o.metadata?.name === options.name);
  const objects = await waitForObjects<T>(cluster, {
    what: options.what,
    collectionPath: options.collectionPath,
    selector: { fieldSelector: `metadata.name=${options.name}` },
    timeoutMs: options.timeoutMs,
    until: (set) => options.until(named(set)),
    describe: (set) => describe(named(set)),
  });
  return named(objects);
}

/**
 * A bounded poll, for what no watch shows (a request that is refused once a change has spread
 * through the server's caches). Resolves with the first value for which `done` holds.
 */
export function pollUntil<T>(probe: () => Promise<T>, options: RetryOptions<T>): Promise<T> {
  return retryUntil(probe, { intervalMs: 250, ...options });
}

/**
 * A test's time budget for its waits: the spec's timeout less a tenth, so that a wait that runs out
 * reports its own message (what, how long, last state) before mocha's generic timeout fires.
 */
export class Budget {
  private readonly deadline: number;
  constructor(
    totalMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.deadline = now() + Math.floor(totalMs * 0.9);
  }
  /** Milliseconds left, never below 1. */
  left(): number {
    return Math.max(1, this.deadline - this.now());
  }
}
