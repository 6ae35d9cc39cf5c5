// A SPDY/3.1 session over one byte stream (an upgraded HTTP connection), behaving as
// moby/spdystream does, since that is the peer Kubernetes clients and kubelets run:
// - streams are opened with SYN_STREAM (client ids odd, server ids even) and answered with
//   SYN_REPLY, or refused with RST_STREAM; each is a Node Duplex whose end sends a DATA frame
//   with FIN, and whose readable side ends at the peer's FIN;
// - PINGs of the peer are echoed; GOAWAY ends the session once its streams are done;
// - SETTINGS and WINDOW_UPDATE are read and ignored: spdystream keeps no flow-control windows
//   (it never sends WINDOW_UPDATE), so honouring windows here would stall at 64 KiB. Back-pressure
//   comes from the connection instead: a stream whose reader is behind pauses the socket, as a
//   spdystream frame worker blocks on a full stream channel.
// Frames go out in the order they were made, header blocks compressed in that same order.
import { EventEmitter } from 'node:events';
import { Duplex } from 'node:stream';
import type { Logger } from '../log.ts';
import { encodeFrame, FrameReader, RstStatus, type SpdyFrame, type SpdyHeaders } from './frames.ts';
import { HeaderCompressor, HeaderDecompressor } from './header-codec.ts';

/** Largest DATA payload sent in one frame. */
const MAX_DATA_CHUNK = 64 * 1024;
const GOAWAY_OK = 0;
const GOAWAY_PROTOCOL_ERROR = 1;

export interface SpdySessionOptions {
  /** The side that answered the HTTP upgrade (the kubelet, the apiserver): even stream ids. */
  server: boolean;
  /**
   * Decides on a stream the peer opens: undefined accepts it (SYN_REPLY, then 'stream'), a
   * message refuses it (RST_STREAM; the message is logged), as upstream's newStreamHandler does.
   */
  accept?: (headers: SpdyHeaders) => string | undefined;
  log?: Logger;
}

/** One SPDY stream: write to send DATA, end() to send FIN, read what the peer sends. */
export class SpdyStream extends Duplex {
  /** The peer has sent FIN (or reset the stream). */
  remoteFinished = false;
  /** This side has sent FIN. */
  localFinished = false;
  /** Reset by either side: nothing more flows. */
  wasReset = false;

  constructor(
    readonly id: number,
    readonly headers: SpdyHeaders,
    private readonly session: SpdySession,
  ) {
    super({ allowHalfOpen: true });
  }

  /** The first value of a request header, or undefined. */
  header(name: string): string | undefined {
    return this.headers[name.toLowerCase()]?.[0];
  }

  /** Sends RST_STREAM and drops the stream on both sides. */
  reset(status: number = RstStatus.CANCEL): void {
    if (this.wasReset) return;
    this.wasReset = true;
    this.session.sendReset(this.id, status);
    this.remoteEnded();
    this.destroy();
  }

  /** Called by the session with a DATA payload; false when the reader is behind. */
  deliver(data: Buffer): boolean {
    if (this.remoteFinished || this.destroyed) return true;
    return this.push(data);
  }

  /** Called by the session at the peer's FIN or reset. */
  remoteEnded(): void {
    if (this.remoteFinished) return;
    this.remoteFinished = true;
    this.push(null);
    this.session.maybeForget(this);
  }

  override _read(): void {
    this.session.readerCaughtUp(this);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (this.wasReset || this.localFinished) {
      callback(); // spdystream refuses writes on a closed stream; the data has nowhere to go
      return;
    }
    this.session.sendData(this.id, chunk, false).then(() => callback(), callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.wasReset || this.localFinished) {
      callback();
      return;
    }
    this.localFinished = true;
    this.session.sendData(this.id, Buffer.alloc(0), true).then(() => {
      this.session.maybeForget(this);
      callback();
    }, callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Dropped before both sides finished: tell the peer, as spdystream's Reset does.
    if (!this.wasReset && !(this.localFinished && this.remoteFinished) && !this.session.isClosed) {
      this.wasReset = true;
      this.session.sendReset(this.id, RstStatus.CANCEL);
    }
    this.session.forget(this);
    callback(error);
  }
}

interface PendingStream {
  stream: SpdyStream;
  resolve: (stream: SpdyStream) => void;
  reject: (err: Error) => void;
}

/**
 * Events: 'stream' (SpdyStream) for each accepted stream the peer opens; 'close' once the
 * connection is gone (every stream has ended by then).
 */
export class SpdySession extends EventEmitter {
  private readonly reader = new FrameReader();
  private readonly compressor = new HeaderCompressor();
  private readonly decompressor = new HeaderDecompressor();
  private readonly streams = new Map<number, SpdyStream>();
  private readonly pending = new Map<number, PendingStream>();
  private readonly blocked = new Set<SpdyStream>();
  private writeTail: Promise<void> = Promise.resolve();
  private readTail: Promise<void> = Promise.resolve();
  private nextStreamId: number;
  private nextPingId: number;
  private readonly pings = new Map<number, () => void>();
  private lastReceivedId = 0;
  private goneAway = false;
  private closed = false;

  constructor(
    private readonly socket: Duplex,
    private readonly options: SpdySessionOptions,
  ) {
    super();
    this.nextStreamId = options.server ? 2 : 1;
    this.nextPingId = options.server ? 2 : 1;
    socket.on('data', (chunk: Buffer) => this.received(chunk));
    socket.on('end', () => this.teardown());
    socket.on('close', () => this.teardown());
    socket.on('error', (err: Error) => {
      options.log?.debug('spdy connection failed', { err });
      this.teardown();
    });
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Opens a stream; resolves once the peer's SYN_REPLY has come, rejects if it resets it. */
  createStream(headers: SpdyHeaders, options: { fin?: boolean } = {}): Promise<SpdyStream> {
    if (this.closed || this.goneAway) return Promise.reject(new Error('spdy session is closed'));
    const id = this.nextStreamId;
    this.nextStreamId += 2;
    const stream = new SpdyStream(id, headers, this);
    this.streams.set(id, stream);
    if (options.fin) stream.localFinished = true;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { stream, resolve, reject });
      this.send(async () =>
        encodeFrame({
          type: 'syn_stream',
          streamId: id,
          associatedTo: 0,
          priority: 0,
          fin: options.fin ?? false,
          unidirectional: false,
          headerBlock: await this.compressor.compress(headers),
        }),
      ).catch(reject);
    });
  }

  /** Sends a PING and resolves when the peer echoes it. */
  ping(): Promise<void> {
    const id = this.nextPingId;
    this.nextPingId += 2;
    return new Promise((resolve, reject) => {
      this.pings.set(id, resolve);
      this.send(() => encodeFrame({ type: 'ping', id })).catch(reject);
    });
  }

  /** GOAWAY, then the connection is ended once what was queued has been written. */
  close(): void {
    if (this.closed) return;
    if (!this.goneAway) {
      this.goneAway = true;
      void this.send(() =>
        encodeFrame({ type: 'goaway', lastGoodStreamId: this.lastReceivedId, status: GOAWAY_OK }),
      ).catch(() => undefined);
    }
    void this.writeTail.then(() => this.socket.end());
  }

  /** Drops the connection at once. */
  destroy(): void {
    this.socket.destroy();
    this.teardown();
  }

  // ---- used by SpdyStream ----

  sendData(streamId: number, data: Buffer, fin: boolean): Promise<void> {
    if (data.length <= MAX_DATA_CHUNK) {
      return this.send(() => encodeFrame({ type: 'data', streamId, fin, data }));
    }
    const sends: Array<Promise<void>> = [];
    for (let at = 0; at < data.length; at += MAX_DATA_CHUNK) {
      const part = data.subarray(at, at + MAX_DATA_CHUNK);
      const last = at + MAX_DATA_CHUNK >= data.length;
      sends.push(this.send(() => encodeFrame({ type: 'data', streamId, fin: fin && last, data: part })));
    }
    return Promise.all(sends).then(() => undefined);
  }

  sendReset(streamId: number, status: number): void {
    if (this.closed) return;
    void this.send(() => encodeFrame({ type: 'rst_stream', streamId, status })).catch(() => undefined);
  }

  readerCaughtUp(stream: SpdyStream): void {
    if (this.blocked.delete(stream) && this.blocked.size === 0 && !this.closed) this.socket.resume();
  }

  /** Forgets a stream once both sides have finished it. */
  maybeForget(stream: SpdyStream): void {
    if (stream.localFinished && stream.remoteFinished) this.forget(stream);
  }

  forget(stream: SpdyStream): void {
    this.streams.delete(stream.id);
    this.readerCaughtUp(stream);
    if (this.goneAway && this.streams.size === 0) this.close();
  }

  // ---- internals ----

  /** Queues a frame behind every frame queued before it; resolves once the socket took it. */
  private send(build: () => Buffer | Promise<Buffer>): Promise<void> {
    const step = this.writeTail.then(async () => {
      const frame = await build();
      if (this.closed) throw new Error('spdy session is closed');
      if (!this.socket.write(frame)) {
        await new Promise<void>((resolve) => {
          const done = (): void => {
            this.socket.off('drain', done);
            this.socket.off('close', done);
            resolve();
          };
          this.socket.on('drain', done);
          this.socket.on('close', done);
        });
      }
    });
    this.writeTail = step.catch(() => undefined);
    return step;
  }

  private received(chunk: Buffer): void {
    let frames: SpdyFrame[];
    try {
      frames = this.reader.push(chunk);
    } catch (err) {
      this.protocolError(err as Error);
      return;
    }
    for (const frame of frames) {
      this.readTail = this.readTail
        .then(() => this.handle(frame))
        .catch((err: Error) => this.protocolError(err));
    }
  }

  private protocolError(err: Error): void {
    this.options.log?.warn('spdy protocol error', { err: err.message });
    if (this.closed) return;
    this.goneAway = true;
    void this.send(() =>
      encodeFrame({ type: 'goaway', lastGoodStreamId: this.lastReceivedId, status: GOAWAY_PROTOCOL_ERROR }),
    )
      .catch(() => undefined)
      .then(() => this.destroy());
  }

  private async handle(frame: SpdyFrame): Promise<void> {
    if (this.closed) return;
    switch (frame.type) {
      case 'syn_stream':
        return this.peerOpened(frame);
      case 'syn_reply': {
        await this.decompressor.decompress(frame.headerBlock); // keeps the zlib context in step
        const pending = this.pending.get(frame.streamId);
        if (!pending) return;
        this.pending.delete(frame.streamId);
        pending.resolve(pending.stream);
        if (frame.fin) pending.stream.remoteEnded();
        return;
      }
      case 'headers': {
        await this.decompressor.decompress(frame.headerBlock);
        if (frame.fin) this.streams.get(frame.streamId)?.remoteEnded();
        return;
      }
      case 'data': {
        const stream = this.streams.get(frame.streamId);
        if (!stream) return; // gone already: spdystream drops such frames too
        if (frame.data.length && !stream.deliver(frame.data)) {
          this.blocked.add(stream);
          this.socket.pause();
        }
        if (frame.fin) stream.remoteEnded();
        return;
      }
      case 'rst_stream': {
        const pending = this.pending.get(frame.streamId);
        if (pending) {
          this.pending.delete(frame.streamId);
          pending.reject(new Error(`stream ${frame.streamId} was reset (status ${frame.status})`));
        }
        const stream = this.streams.get(frame.streamId);
        if (stream) {
          stream.wasReset = true;
          stream.remoteEnded();
          stream.destroy();
        }
        return;
      }
      case 'ping': {
        const ours = (frame.id % 2 === 0) === this.options.server;
        if (!ours) {
          await this.send(() => encodeFrame(frame)).catch(() => undefined);
          return;
        }
        this.pings.get(frame.id)?.();
        this.pings.delete(frame.id);
        return;
      }
      case 'goaway':
        this.goneAway = true;
        if (this.streams.size === 0) this.close();
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE and unknown control frames: nothing to do
    }
  }

  private async peerOpened(frame: Extract<SpdyFrame, { type: 'syn_stream' }>): Promise<void> {
    // Always inflate, even for a stream about to be refused: the zlib context spans the session.
    const headers = await this.decompressor.decompress(frame.headerBlock);
    const peerParity = this.options.server ? 1 : 0;
    if (frame.streamId % 2 !== peerParity || frame.streamId <= this.lastReceivedId) {
      this.sendReset(frame.streamId, RstStatus.PROTOCOL_ERROR);
      return;
    }
    this.lastReceivedId = frame.streamId;
    if (this.goneAway) return;
    const stream = new SpdyStream(frame.streamId, headers, this);
    if (frame.unidirectional) stream.localFinished = true;
    const refusal = this.options.accept?.(headers);
    if (refusal !== undefined) {
      this.options.log?.info('stream rejected', { stream: frame.streamId, reason: refusal });
      stream.wasReset = true;
      this.sendReset(frame.streamId, RstStatus.CANCEL);
      return;
    }
    this.streams.set(frame.streamId, stream);
    await this.send(async () =>
      encodeFrame({
        type: 'syn_reply',
        streamId: frame.streamId,
        fin: false,
        headerBlock: await this.compressor.compress({}),
      }),
    );
    if (frame.fin) stream.remoteEnded();
    this.emit('stream', stream);
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    for (const pending of this.pending.values()) pending.reject(new Error('spdy connection closed'));
    this.pending.clear();
    for (const stream of [...this.streams.values()]) {
      stream.remoteEnded();
      stream.destroy();
    }
    this.streams.clear();
    this.compressor.close();
    this.decompressor.close();
    if (!this.socket.destroyed) this.socket.destroy();
    this.emit('close');
  }
}
