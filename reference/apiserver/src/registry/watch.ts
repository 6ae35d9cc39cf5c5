// Watches over the registry, with upstream's semantics: resume after a resourceVersion (410
// Expired when it is compacted), start from the current state (synthetic ADDED events) when no
// resourceVersion or "0" is given, filter by selectors turning an object that starts or stops
// matching into ADDED or DELETED, and send BOOKMARKs when asked.
import { apiVersionOf, storagePrefix, type ResourceInfo } from '../resources.ts';
import {
  CompactedError,
  type KeyValue,
  type WatchEvent as StoreEvent,
  type Watcher,
} from '../store/store.ts';
import { statusError, type Status } from '../api-error.ts';
import { decode, type ApiObject } from './objects.ts';
import { parseResourceVersion, type Registry } from './registry.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent {
  type: WatchEventType;
  object: ApiObject | Status;
}

export interface WatchOptions {
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  allowWatchBookmarks?: boolean;
}

export interface WatchSink {
  /** Receives events in order; the last one may be an ERROR, after which `onClose` follows. */
  onEvent(event: WatchEvent): void;
  onClose(): void;
}

/**
 * Decoded objects by the store's KeyValue and the resource read through: the embedded store hands
 * every watch of a resource the same event objects, so one decode serves all of them. Watch
 * objects are only read from here on (matched, serialised), never changed.
 */
const decodedForWatches = new WeakMap<KeyValue, Map<ResourceInfo, ApiObject>>();

function decodeShared(info: ResourceInfo, kv: KeyValue): ApiObject {
  let byInfo = decodedForWatches.get(kv);
  if (!byInfo) decodedForWatches.set(kv, (byInfo = new Map()));
  let obj = byInfo.get(info);
  if (!obj) byInfo.set(info, (obj = decode(info, kv)));
  return obj;
}

/**
 * Starts a watch and returns a function that stops it. Bad selectors or resourceVersions throw
 * (before any event), so the caller can still answer with an error status.
 */
export async function startWatch(
  registry: Registry,
  info: ResourceInfo,
  namespace: string | undefined,
  options: WatchOptions,
  sink: WatchSink,
): Promise<() => void> {
  const selection = registry.selection(info, options);
  const prefix = storagePrefix(info, namespace);
  let closed = false;
  let watcher: Watcher | undefined = undefined;
  const close = (): void => {
    if (closed) return;
    closed = true;
    watcher?.cancel();
    sink.onClose();
  };

  let after: number;
  if (
    options.resourceVersion === undefined ||
    options.resourceVersion === '' ||
    options.resourceVersion === '0'
  ) {
    // "Get state and start at most recent": the current objects as ADDED, then changes.
    const initial = await registry.list(info, namespace, {
      ...(options.labelSelector !== undefined ? { labelSelector: options.labelSelector } : {}),
      ...(options.fieldSelector !== undefined ? { fieldSelector: options.fieldSelector } : {}),
    });
    for (const object of initial.items) sink.onEvent({ type: 'ADDED', object });
    after = Number(initial.resourceVersion);
  } else {
    after = parseResourceVersion(options.resourceVersion);
  }

  // Without selectors every object matches, so an update needs no look at the previous object:
  // decoding it for nothing was a third of a busy apiserver's watch work.
  const everything = selection.label.empty && selection.field.empty;
  const toApiEvent = (event: StoreEvent): WatchEvent | undefined => {
    const current = event.type === 'put' ? decodeShared(info, event.kv) : undefined;
    const previous =
      event.prevKv && (event.type === 'delete' || !everything) ? decodeShared(info, event.prevKv) : undefined;
    const nowMatches = current !== undefined && registry.matches(info, selection, current);
    const usedToMatch = everything
      ? !!event.prevKv
      : previous !== undefined && registry.matches(info, selection, previous);
    if (event.type === 'delete') {
      if (!usedToMatch || !previous) return undefined;
      // The deleted object, stamped with the revision of its deletion, as upstream sends it.
      const resourceVersion = String(event.kv.modRevision);
      return {
        type: 'DELETED',
        object: { ...previous, metadata: { ...previous.metadata, resourceVersion } },
      };
    }
    if (nowMatches && usedToMatch) return { type: 'MODIFIED', object: current! };
    if (nowMatches) return { type: 'ADDED', object: current! };
    if (usedToMatch) return { type: 'DELETED', object: current! };
    return undefined;
  };

  watcher = registry.store.watch({
    prefix,
    afterRevision: after,
    onEvents: (events) => {
      for (const event of events) {
        if (closed) return;
        const apiEvent = toApiEvent(event);
        if (apiEvent) sink.onEvent(apiEvent);
      }
    },
    // May run during store.watch() itself (a compacted revision): `watcher` is then unset.
    onError: (err) => {
      if (closed) return;
      const status =
        err instanceof CompactedError
          ? statusError(410, 'Expired', `too old resource version: ${err.requested} (${err.compacted + 1})`)
              .status
          : statusError(500, 'InternalError', `Internal error occurred: ${err.message}`).status;
      sink.onEvent({ type: 'ERROR', object: status });
      close();
    },
    onProgress: (revision) => {
      if (closed || !options.allowWatchBookmarks) return;
      sink.onEvent({
        type: 'BOOKMARK',
        object: {
          kind: info.kind,
          apiVersion: apiVersionOf(info),
          metadata: { resourceVersion: String(revision) },
        },
      });
    },
  });
  return close;
}
