// One store watch over etcd: its own gRPC watch stream, created from afterRevision+1 with prevKv
// and progress notifications. etcd sends events in revision order; they are handed on one
// onEvents call per revision (per transaction). A stream that fails or ends ends the watch with
// onError: the consumer re-watches from the last revision it saw, which etcd replays.
//
// etcd lets a watch start at the compaction point itself (where deletions may already be lost);
// this store refuses a watch that needs any event at or before the compaction point, as the
// embedded store does, by first reading at afterRevision (which fails when it is compacted).
import type { Etcd3, IEvent, IKeyValue, IWatchResponse } from 'etcd3';
import { CompactedError } from './store.ts';
import type { KeyValue, WatchEvent, WatchRequest, Watcher } from './store.ts';
import type { Logger } from '../../../../common/src/log.ts';

export interface EtcdWatchContext {
  client: Etcd3;
  /** The watched key range, store prefix included. */
  key: Buffer;
  rangeEnd: Buffer;
  toKv(kv: IKeyValue): KeyValue;
  /** Throws CompactedError when `revision` can no longer be read (a future one is fine). */
  checkReadable(revision: number): Promise<void>;
  logger: Logger;
  /** Called once when the watch is over, however it ended. */
  onClosed(watch: EtcdWatch): void;
}

type WatchStream = Awaited<ReturnType<Etcd3['watchClient']['watch']>>;

export class EtcdWatch implements Watcher {
  private stream: WatchStream | null = null;
  private over = false;
  /** The last revision whose events were delivered. */
  private delivered: number;

  constructor(
    private readonly context: EtcdWatchContext,
    private readonly request: WatchRequest,
  ) {
    this.delivered = request.afterRevision;
    void this.start();
  }

  cancel(): void {
    this.close();
  }

  /** Ends the watch with `err` (no events follow). */
  fail(err: Error): void {
    if (this.over) return;
    this.close();
    this.guard('onError', () => this.request.onError(err));
  }

  private close(): void {
    if (this.over) return;
    this.over = true;
    this.stream?.cancel();
    this.context.onClosed(this);
  }

  private async start(): Promise<void> {
    const { client, key, rangeEnd } = this.context;
    let stream: WatchStream;
    try {
      if (this.request.afterRevision > 0) await this.context.checkReadable(this.request.afterRevision);
      stream = await client.watchClient.watch();
    } catch (err) {
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    if (this.over) {
      stream.on('error', () => undefined); // the cancellation itself surfaces as an error
      stream.cancel();
      return;
    }
    this.stream = stream;
    stream.on('data', (response: IWatchResponse) => this.receive(response));
    stream.on('error', (err: Error) => this.fail(new Error(`etcd watch stream failed: ${err.message}`)));
    stream.on('end', () => this.fail(new Error('etcd ended the watch stream')));
    stream.write({
      create_request: {
        key,
        range_end: rangeEnd,
        start_revision: this.request.afterRevision + 1,
        prev_kv: true,
        progress_notify: true,
      },
    });
  }

  private receive(response: IWatchResponse): void {
    if (this.over) return;
    if (response.canceled) {
      const compacted = Number(response.compact_revision);
      this.fail(
        compacted > 0
          ? new CompactedError(this.delivered, compacted)
          : new Error(`etcd canceled the watch: ${response.cancel_reason || 'no reason given'}`),
      );
      return;
    }
    if (response.created) return;
    if (response.events.length === 0) {
      // Sent by etcd only to a watch that is caught up: every earlier event was delivered.
      const revision = Number(response.header.revision);
      const onProgress = this.request.onProgress;
      if (onProgress && revision >= this.delivered) this.guard('onProgress', () => onProgress(revision));
      return;
    }
    let batch: WatchEvent[] = [];
    let batchRevision = 0;
    for (const event of response.events) {
      const revision = Number(event.kv.mod_revision);
      if (revision !== batchRevision && batch.length > 0) this.deliver(batchRevision, batch);
      if (revision !== batchRevision) batch = [];
      batchRevision = revision;
      batch.push(this.toEvent(event));
    }
    if (batch.length > 0) this.deliver(batchRevision, batch);
  }

  private deliver(revision: number, events: WatchEvent[]): void {
    if (this.over) return;
    this.delivered = revision;
    this.guard('onEvents', () => this.request.onEvents(events));
  }

  private toEvent(event: IEvent): WatchEvent {
    const prevKv = event.prev_kv ? this.context.toKv(event.prev_kv) : null;
    if (event.type === 'Put') return { type: 'put', kv: this.context.toKv(event.kv), prevKv };
    const kv = { ...this.context.toKv(event.kv), value: '', createRevision: 0, version: 0 };
    return { type: 'delete', kv, prevKv };
  }

  private guard(callback: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.context.logger.error('watch callback threw', { callback, prefix: this.request.prefix, err });
    }
  }
}
