// SPDY/3 header compression: each direction of a session is ONE zlib stream, primed with the
// SPDY/3 dictionary, and every header block ends with a sync flush so the peer can inflate it at
// once (Go's spdy Framer does exactly this). Node's zlib streams work asynchronously, so each
// codec runs its blocks one after another, in the order they were handed in.
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.ts';
import { decodeHeaderBlock, encodeHeaderBlock, SpdyProtocolError, type SpdyHeaders } from './frames.ts';

/** Runs one zlib stream block by block: write the input, sync-flush, hand back what came out. */
class SerialZlib {
  private output: Buffer[] = [];
  private failure: Error | undefined;
  private failCurrent: ((err: Error) => void) | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly engine: Deflate | Inflate) {
    engine.on('data', (chunk: Buffer) => this.output.push(chunk));
    // A bad block breaks the stream for good (the flush callback never comes): fail this block
    // and every later one.
    engine.on('error', (err: Error) => {
      this.failure = err;
      this.failCurrent?.(err);
    });
  }

  run(input: Buffer): Promise<Buffer> {
    const step = this.tail.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          if (this.failure) return reject(this.failure);
          this.failCurrent = reject;
          this.engine.write(input);
          this.engine.flush(constants.Z_SYNC_FLUSH, () => {
            if (this.failure) return reject(this.failure);
            const out = Buffer.concat(this.output);
            this.output = [];
            resolve(out);
          });
        }),
    );
    this.tail = step.catch(() => undefined);
    return step;
  }

  close(): void {
    this.engine.close();
  }
}

/** Compresses the header blocks this side sends. */
export class HeaderCompressor {
  private readonly zlib = new SerialZlib(
    createDeflate({ dictionary: SPDY3_DICTIONARY, level: constants.Z_BEST_COMPRESSION }),
  );

  compress(headers: SpdyHeaders): Promise<Buffer> {
    return this.zlib.run(encodeHeaderBlock(headers));
  }

  close(): void {
    this.zlib.close();
  }
}

/** Inflates the header blocks the peer sends; a block that does not inflate is a protocol error. */
export class HeaderDecompressor {
  private readonly zlib = new SerialZlib(createInflate({ dictionary: SPDY3_DICTIONARY }));

  async decompress(block: Buffer): Promise<SpdyHeaders> {
    if (block.length === 0) return {};
    let raw: Buffer;
    try {
      raw = await this.zlib.run(block);
    } catch (err) {
      throw new SpdyProtocolError(`header block does not inflate: ${(err as Error).message}`);
    }
    return decodeHeaderBlock(raw);
  }

  close(): void {
    this.zlib.close();
  }
}
