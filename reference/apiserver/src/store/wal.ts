// The write-ahead log's framing and file handling; what the frames hold is store-log.ts's business.
//
// A frame is [u32 body length][u32 crc32 of those 4 length bytes][u32 crc32 of the body][body],
// little-endian. One group commit writes exactly one frame, so after a crash only the last frame
// can be torn: a damaged frame with nothing valid after it is a torn tail (truncated on open);
// a damaged frame followed by a valid one was once durable, so that is corruption and an error.
import { crc32 } from 'node:zlib';
import { open, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StoreLogCorruptError } from './store-errors.ts';

const FRAME_HEADER_BYTES = 12;

export function encodeFrame(body: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  frame.writeUInt32LE(body.length, 0);
  frame.writeUInt32LE(crc32(frame.subarray(0, 4)), 4);
  frame.writeUInt32LE(crc32(body), 8);
  body.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

export interface Frame {
  /** Byte offset of the frame in the file. */
  offset: number;
  body: Buffer;
}

export interface ScannedLog {
  frames: Frame[];
  /** Bytes up to the end of the last intact frame; less than the file's size after a torn write. */
  validLength: number;
}

type FrameCheck = { body: Buffer; end: number } | { damage: string };

function checkFrame(buf: Buffer, offset: number): FrameCheck {
  if (buf.length - offset < FRAME_HEADER_BYTES) return { damage: 'incomplete frame header' };
  if (crc32(buf.subarray(offset, offset + 4)) !== buf.readUInt32LE(offset + 4)) {
    return { damage: 'frame header checksum mismatch' };
  }
  const length = buf.readUInt32LE(offset);
  const end = offset + FRAME_HEADER_BYTES + length;
  if (length === 0) return { damage: 'empty frame' };
  if (end > buf.length) return { damage: `frame of ${length} bytes runs past the end of the file` };
  const body = buf.subarray(offset + FRAME_HEADER_BYTES, end);
  if (crc32(body) !== buf.readUInt32LE(offset + 8)) return { damage: 'frame body checksum mismatch' };
  return { body, end };
}

/** The offset of the first intact frame starting after `from`, or -1. */
function nextIntactFrame(buf: Buffer, from: number): number {
  for (let offset = from; offset + FRAME_HEADER_BYTES <= buf.length; offset++) {
    if ('body' in checkFrame(buf, offset)) return offset;
  }
  return -1;
}

/** Splits a log into frames; throws StoreLogCorruptError (naming `file` and the offset) on damage. */
export function scanFrames(buf: Buffer, file: string): ScannedLog {
  const frames: Frame[] = [];
  let offset = 0;
  while (offset < buf.length) {
    const check = checkFrame(buf, offset);
    if ('body' in check) {
      frames.push({ offset, body: check.body });
      offset = check.end;
      continue;
    }
    const intact = nextIntactFrame(buf, offset + 1);
    if (intact !== -1) {
      throw new StoreLogCorruptError(
        file,
        offset,
        `${check.damage}, and an intact frame follows at ${intact}`,
      );
    }
    return { frames, validLength: offset };
  }
  return { frames, validLength: offset };
}

/** An open log file that only grows: each append is durable (fdatasync) when it resolves. */
export class WalAppender {
  private constructor(
    readonly file: string,
    private readonly handle: Awaited<ReturnType<typeof open>>,
  ) {}

  static async open(file: string): Promise<WalAppender> {
    return new WalAppender(file, await open(file, 'a'));
  }

  async append(data: Buffer): Promise<void> {
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await this.handle.write(data, written, data.length - written);
      written += bytesWritten;
    }
    // The file grew, and fdatasync also flushes the size, which reading the data back needs.
    await this.handle.datasync();
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** fsync a directory, so a rename or a new entry in it survives a crash. */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Replaces `file` with `chunks` so that a crash at any point leaves either the old or the new
 * content: write a temporary file, fsync it, rename it over `file`, fsync the directory.
 */
export async function replaceFileDurably(file: string, chunks: readonly Buffer[]): Promise<void> {
  const temporary = `${file}.tmp`;
  const handle = await open(temporary, 'w');
  try {
    for (const chunk of chunks) {
      let written = 0;
      while (written < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, written, chunk.length - written);
        written += bytesWritten;
      }
    }
    await handle.sync();
  } catch (err) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw err;
  }
  await handle.close();
  await rename(temporary, file);
  await syncDirectory(dirname(file));
}

/** Cuts `file` to `length` bytes, durably (drops a torn tail). */
export async function truncateDurably(file: string, length: number): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.truncate(length);
    await handle.sync();
  } finally {
    await handle.close();
  }
}
