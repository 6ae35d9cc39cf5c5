// SPDY/3.1 frames, as bytes (draft-mbelshe-httpbis-spdy-00 and the 3.1 amendment): the subset
// Kubernetes' streaming (moby/spdystream, used by client-go and the kubelet) puts on the wire.
// Pure: encoding and decoding only. Header blocks stay compressed here; `header-codec.ts` turns
// them into names and values, because compression state spans the whole session.
//
// Control frame: |1|version(15)|type(16)|flags(8)|length(24)|payload
// Data frame:    |0|stream-id(31)|flags(8)|length(24)|data

export const SPDY_VERSION = 3;

export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
} as const;

export const FLAG_FIN = 0x01;
export const FLAG_UNIDIRECTIONAL = 0x02;
export const FLAG_SETTINGS_CLEAR = 0x01;

/** RST_STREAM status codes. */
export const RstStatus = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  UNSUPPORTED_VERSION: 4,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
  FLOW_CONTROL_ERROR: 7,
  STREAM_IN_USE: 8,
  STREAM_ALREADY_CLOSED: 9,
  FRAME_TOO_LARGE: 11,
} as const;

/** The largest payload a frame's 24-bit length can carry. */
export const MAX_FRAME_LENGTH = 0xffffff;

export type SpdyFrame =
  | { type: 'data'; streamId: number; fin: boolean; data: Buffer }
  | {
      type: 'syn_stream';
      streamId: number;
      associatedTo: number;
      priority: number;
      fin: boolean;
      unidirectional: boolean;
      /** Compressed header block. */
      headerBlock: Buffer;
    }
  | { type: 'syn_reply'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'rst_stream'; streamId: number; status: number }
  | { type: 'settings'; clear: boolean; entries: Array<{ flags: number; id: number; value: number }> }
  | { type: 'ping'; id: number }
  | { type: 'goaway'; lastGoodStreamId: number; status: number }
  | { type: 'headers'; streamId: number; fin: boolean; headerBlock: Buffer }
  | { type: 'window_update'; streamId: number; delta: number }
  /** A control frame type this codec does not know: skipped, as spdystream does. */
  | { type: 'unknown'; frameType: number; flags: number; payload: Buffer };

/** A frame that cannot be read: the session must end (GOAWAY with PROTOCOL_ERROR). */
export class SpdyProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SpdyProtocolError';
  }
}

const STREAM_ID_MASK = 0x7fffffff;

function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  if (payload.length > MAX_FRAME_LENGTH) throw new SpdyProtocolError(`frame too large: ${payload.length}`);
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | SPDY_VERSION, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE((((flags & 0xff) << 24) >>> 0) | payload.length, 4);
  return Buffer.concat([head, payload]);
}

function words(...values: number[]): Buffer {
  const out = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => out.writeUInt32BE(v >>> 0, i * 4));
  return out;
}

function checkStreamId(id: number): void {
  if (!Number.isInteger(id) || id <= 0 || id > STREAM_ID_MASK) {
    throw new SpdyProtocolError(`stream id ${id} is not in 1..2^31-1`);
  }
}

/** The frame as it goes on the wire. */
export function encodeFrame(frame: SpdyFrame): Buffer {
  switch (frame.type) {
    case 'data': {
      checkStreamId(frame.streamId);
      if (frame.data.length > MAX_FRAME_LENGTH) throw new SpdyProtocolError('data frame too large');
      const head = Buffer.alloc(8);
      head.writeUInt32BE(frame.streamId, 0);
      head.writeUInt32BE((((frame.fin ? FLAG_FIN : 0) << 24) >>> 0) | frame.data.length, 4);
      return Buffer.concat([head, frame.data]);
    }
    case 'syn_stream': {
      checkStreamId(frame.streamId);
      const fixed = Buffer.alloc(10);
      fixed.writeUInt32BE(frame.streamId, 0);
      fixed.writeUInt32BE(frame.associatedTo & STREAM_ID_MASK, 4);
      fixed.writeUInt8((frame.priority & 0x7) << 5, 8);
      fixed.writeUInt8(0, 9); // slot
      const flags = (frame.fin ? FLAG_FIN : 0) | (frame.unidirectional ? FLAG_UNIDIRECTIONAL : 0);
      return controlFrame(FrameType.SYN_STREAM, flags, Buffer.concat([fixed, frame.headerBlock]));
    }
    case 'syn_reply':
    case 'headers': {
      checkStreamId(frame.streamId);
      const type = frame.type === 'syn_reply' ? FrameType.SYN_REPLY : FrameType.HEADERS;
      return controlFrame(
        type,
        frame.fin ? FLAG_FIN : 0,
        Buffer.concat([words(frame.streamId), frame.headerBlock]),
      );
    }
    case 'rst_stream':
      checkStreamId(frame.streamId);
      return controlFrame(FrameType.RST_STREAM, 0, words(frame.streamId, frame.status));
    case 'settings': {
      const values = [frame.entries.length];
      for (const e of frame.entries)
        values.push((((e.flags & 0xff) << 24) >>> 0) | (e.id & 0xffffff), e.value);
      return controlFrame(FrameType.SETTINGS, frame.clear ? FLAG_SETTINGS_CLEAR : 0, words(...values));
    }
    case 'ping':
      return controlFrame(FrameType.PING, 0, words(frame.id));
    case 'goaway':
      return controlFrame(FrameType.GOAWAY, 0, words(frame.lastGoodStreamId & STREAM_ID_MASK, frame.status));
    case 'window_update':
      return controlFrame(FrameType.WINDOW_UPDATE, 0, words(frame.streamId & STREAM_ID_MASK, frame.delta));
    case 'unknown':
      return controlFrame(frame.frameType, frame.flags, frame.payload);
  }
}

function need(payload: Buffer, length: number, what: string): void {
  if (payload.length < length) {
    throw new SpdyProtocolError(`${what} frame has ${payload.length} bytes, wants at least ${length}`);
  }
}

function decodeControl(type: number, flags: number, payload: Buffer): SpdyFrame {
  const fin = (flags & FLAG_FIN) !== 0;
  switch (type) {
    case FrameType.SYN_STREAM:
      need(payload, 10, 'SYN_STREAM');
      return {
        type: 'syn_stream',
        streamId: payload.readUInt32BE(0) & STREAM_ID_MASK,
        associatedTo: payload.readUInt32BE(4) & STREAM_ID_MASK,
        priority: payload.readUInt8(8) >> 5,
        fin,
        unidirectional: (flags & FLAG_UNIDIRECTIONAL) !== 0,
        headerBlock: payload.subarray(10),
      };
    case FrameType.SYN_REPLY:
    case FrameType.HEADERS:
      need(payload, 4, type === FrameType.SYN_REPLY ? 'SYN_REPLY' : 'HEADERS');
      return {
        type: type === FrameType.SYN_REPLY ? 'syn_reply' : 'headers',
        streamId: payload.readUInt32BE(0) & STREAM_ID_MASK,
        fin,
        headerBlock: payload.subarray(4),
      };
    case FrameType.RST_STREAM:
      need(payload, 8, 'RST_STREAM');
      return {
        type: 'rst_stream',
        streamId: payload.readUInt32BE(0) & STREAM_ID_MASK,
        status: payload.readUInt32BE(4),
      };
    case FrameType.SETTINGS: {
      need(payload, 4, 'SETTINGS');
      const count = payload.readUInt32BE(0);
      need(payload, 4 + count * 8, 'SETTINGS');
      const entries: Array<{ flags: number; id: number; value: number }> = [];
      for (let i = 0; i < count; i++) {
        const flagId = payload.readUInt32BE(4 + i * 8);
        entries.push({ flags: flagId >>> 24, id: flagId & 0xffffff, value: payload.readUInt32BE(8 + i * 8) });
      }
      return { type: 'settings', clear: (flags & FLAG_SETTINGS_CLEAR) !== 0, entries };
    }
    case FrameType.PING:
      need(payload, 4, 'PING');
      return { type: 'ping', id: payload.readUInt32BE(0) };
    case FrameType.GOAWAY:
      need(payload, 4, 'GOAWAY');
      return {
        type: 'goaway',
        lastGoodStreamId: payload.readUInt32BE(0) & STREAM_ID_MASK,
        // SPDY/2 peers send no status; spdystream writes one.
        status: payload.length >= 8 ? payload.readUInt32BE(4) : 0,
      };
    case FrameType.WINDOW_UPDATE:
      need(payload, 8, 'WINDOW_UPDATE');
      return {
        type: 'window_update',
        streamId: payload.readUInt32BE(0) & STREAM_ID_MASK,
        delta: payload.readUInt32BE(4) & STREAM_ID_MASK,
      };
    default:
      return { type: 'unknown', frameType: type, flags, payload };
  }
}

/**
 * Turns a byte stream into frames: push what arrived, take the frames that are complete; a
 * partial frame waits for the next push. Throws SpdyProtocolError on a frame of another version.
 */
export class FrameReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): SpdyFrame[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const frames: SpdyFrame[] = [];
    let offset = 0;
    while (this.buffered.length - offset >= 8) {
      const first = this.buffered.readUInt32BE(offset);
      const flagsAndLength = this.buffered.readUInt32BE(offset + 4);
      const flags = flagsAndLength >>> 24;
      const length = flagsAndLength & 0xffffff;
      if (this.buffered.length - offset < 8 + length) break;
      const payload = this.buffered.subarray(offset + 8, offset + 8 + length);
      offset += 8 + length;
      if (first & 0x80000000) {
        const version = (first >>> 16) & 0x7fff;
        if (version !== SPDY_VERSION) throw new SpdyProtocolError(`unsupported SPDY version ${version}`);
        frames.push(decodeControl(first & 0xffff, flags, payload));
      } else {
        frames.push({
          type: 'data',
          streamId: first & STREAM_ID_MASK,
          fin: (flags & FLAG_FIN) !== 0,
          data: payload,
        });
      }
    }
    // Keep only the unread tail, copied so the consumed chunks can be collected.
    this.buffered =
      offset === this.buffered.length ? Buffer.alloc(0) : Buffer.from(this.buffered.subarray(offset));
    return frames;
  }
}

/** Header names (lower case) to their values; a name with several values is sent NUL-joined. */
export type SpdyHeaders = Record<string, string[]>;

/** The uncompressed name/value block of SYN_STREAM, SYN_REPLY and HEADERS (32-bit lengths). */
export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const names = Object.keys(headers);
  const parts: Buffer[] = [words(names.length)];
  for (const name of names) {
    const key = Buffer.from(name.toLowerCase(), 'utf8');
    const value = Buffer.from((headers[name] ?? []).join('\0'), 'utf8');
    parts.push(words(key.length), key, words(value.length), value);
  }
  return Buffer.concat(parts);
}

/** Reads an uncompressed name/value block; throws SpdyProtocolError when it is cut short. */
export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  let offset = 0;
  const take = (length: number): Buffer => {
    if (offset + length > block.length) throw new SpdyProtocolError('header block is cut short');
    const out = block.subarray(offset, offset + length);
    offset += length;
    return out;
  };
  const count = take(4).readUInt32BE(0);
  const headers: SpdyHeaders = {};
  for (let i = 0; i < count; i++) {
    const name = take(take(4).readUInt32BE(0)).toString('utf8').toLowerCase();
    const value = take(take(4).readUInt32BE(0)).toString('utf8');
    (headers[name] ??= []).push(...value.split('\0'));
  }
  return headers;
}
