// The SPDY/3.1 codec and session: frames byte for byte, header compression with the SPDY/3
// dictionary, and two sessions talking over a real loopback TCP connection.
import { expect } from 'chai';
import { once } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createDeflate, createInflate, constants } from 'node:zlib';
import { SPDY3_DICTIONARY } from '../src/spdy/dictionary.ts';
import {
  decodeHeaderBlock,
  encodeFrame,
  encodeHeaderBlock,
  FrameReader,
  SpdyProtocolError,
  type SpdyFrame,
} from '../src/spdy/frames.ts';
import { HeaderCompressor, HeaderDecompressor } from '../src/spdy/header-codec.ts';
import { SpdySession, type SpdyStream } from '../src/spdy/session.ts';

function zlibRun(engine: ReturnType<typeof createInflate>, input: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    engine.on('data', (c: Buffer) => out.push(c));
    engine.once('error', reject);
    engine.write(input);
    engine.flush(constants.Z_SYNC_FLUSH, () => resolve(Buffer.concat(out)));
  });
}

/** Everything until the peer's FIN; unlike `for await`, leaves the writable side open. */
const readAll = (stream: NodeJS.ReadableStream): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });

describe('SPDY/3.1', () => {
  describe('frames', () => {
    it('writes a DATA frame: stream id, FIN flag, 24-bit length', () => {
      const bytes = encodeFrame({ type: 'data', streamId: 5, fin: true, data: Buffer.from('hi') });
      expect(bytes.toString('hex')).to.equal('00000005' + '01000002' + '6869');
    });

    it('writes control frames with the version 3 and the type in the header', () => {
      expect(encodeFrame({ type: 'ping', id: 7 }).toString('hex')).to.equal('80030006000000040000' + '0007');
      expect(encodeFrame({ type: 'rst_stream', streamId: 3, status: 5 }).toString('hex')).to.equal(
        '8003000300000008' + '00000003' + '00000005',
      );
      expect(encodeFrame({ type: 'goaway', lastGoodStreamId: 9, status: 0 }).toString('hex')).to.equal(
        '8003000700000008' + '00000009' + '00000000',
      );
      const syn = encodeFrame({
        type: 'syn_stream',
        streamId: 1,
        associatedTo: 0,
        priority: 0,
        fin: false,
        unidirectional: false,
        headerBlock: Buffer.from('ab'),
      });
      expect(syn.toString('hex')).to.equal('800300010000000c' + '00000001' + '00000000' + '0000' + '6162');
    });

    it('reads back every frame type it writes, across arbitrary chunk boundaries', () => {
      const frames: SpdyFrame[] = [
        { type: 'data', streamId: 1, fin: false, data: Buffer.from('payload') },
        {
          type: 'syn_stream',
          streamId: 3,
          associatedTo: 0,
          priority: 2,
          fin: true,
          unidirectional: true,
          headerBlock: Buffer.from([1, 2, 3]),
        },
        { type: 'syn_reply', streamId: 3, fin: false, headerBlock: Buffer.from([4]) },
        { type: 'headers', streamId: 3, fin: true, headerBlock: Buffer.from([5]) },
        { type: 'rst_stream', streamId: 3, status: 1 },
        { type: 'settings', clear: false, entries: [{ flags: 1, id: 7, value: 65536 }] },
        { type: 'ping', id: 2 },
        { type: 'goaway', lastGoodStreamId: 3, status: 1 },
        { type: 'window_update', streamId: 1, delta: 1024 },
      ];
      const wire = Buffer.concat(frames.map(encodeFrame));
      const reader = new FrameReader();
      const seen: SpdyFrame[] = [];
      for (let at = 0; at < wire.length; at += 5) seen.push(...reader.push(wire.subarray(at, at + 5)));
      expect(seen).to.deep.equal(frames);
    });

    it('refuses a control frame of another SPDY version', () => {
      const v2 = Buffer.from('8002000600000004' + '00000001', 'hex');
      expect(() => new FrameReader().push(v2)).to.throw(SpdyProtocolError, 'unsupported SPDY version 2');
    });

    it('encodes a header block with 32-bit lengths, several values NUL-joined, names lower-cased', () => {
      const block = encodeHeaderBlock({ StreamType: ['data'], port: ['80', '81'] });
      expect(block.toString('hex')).to.equal(
        '00000002' +
          '0000000a' +
          Buffer.from('streamtype').toString('hex') +
          '00000004' +
          Buffer.from('data').toString('hex') +
          '00000004' +
          Buffer.from('port').toString('hex') +
          '00000005' +
          Buffer.from('80\x0081').toString('hex'),
      );
      expect(decodeHeaderBlock(block)).to.deep.equal({ streamtype: ['data'], port: ['80', '81'] });
      expect(() => decodeHeaderBlock(block.subarray(0, 10))).to.throw(SpdyProtocolError, 'cut short');
    });
  });

  describe('header compression', () => {
    it('is one zlib stream with the 1423-byte SPDY/3 dictionary, readable by a plain inflater', async () => {
      expect(SPDY3_DICTIONARY.length).to.equal(1423);
      const compressor = new HeaderCompressor();
      const first = await compressor.compress({ streamtype: ['error'], port: ['8080'] });
      const second = await compressor.compress({ streamtype: ['data'], port: ['8080'] });
      // zlib header with FDICT set, then the dictionary's Adler-32
      expect(first[1]! & 0x20).to.equal(0x20);
      const inflater = createInflate({ dictionary: SPDY3_DICTIONARY });
      expect(decodeHeaderBlock(await zlibRun(inflater, first))).to.deep.equal({
        streamtype: ['error'],
        port: ['8080'],
      });
      // The second block only decodes in the same context: it refers back to the first.
      const out: Buffer[] = [];
      inflater.removeAllListeners('data');
      inflater.on('data', (c: Buffer) => out.push(c));
      await new Promise<void>((resolve) => {
        inflater.write(second);
        inflater.flush(constants.Z_SYNC_FLUSH, () => resolve());
      });
      expect(decodeHeaderBlock(Buffer.concat(out))).to.deep.equal({ streamtype: ['data'], port: ['8080'] });
      compressor.close();
      inflater.close();
    });

    it('inflates what a deflater primed with the dictionary wrote, and refuses what is not zlib', async () => {
      const deflate = createDeflate({ dictionary: SPDY3_DICTIONARY });
      const block = await zlibRun(deflate as never, encodeHeaderBlock({ requestid: ['0'] }));
      const decompressor = new HeaderDecompressor();
      expect(await decompressor.decompress(block)).to.deep.equal({ requestid: ['0'] });
      decompressor.close();
      const garbage = new HeaderDecompressor();
      let failure: Error | undefined;
      await garbage.decompress(Buffer.from('not zlib at all')).catch((err: Error) => (failure = err));
      expect(failure?.message).to.match(/^header block does not inflate/);
      garbage.close();
    });
  });

  describe('session over loopback TCP', () => {
    let server: Server;
    let serverSession: SpdySession;
    let clientSession: SpdySession;
    let clientSocket: Socket;
    const accepted: SpdyStream[] = [];

    beforeEach(async () => {
      accepted.length = 0;
      server = createServer();
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const port = (server.address() as { port: number }).port;
      const serverSide = once(server, 'connection') as Promise<[Socket]>;
      clientSocket = connect(port, '127.0.0.1');
      await once(clientSocket, 'connect');
      const [socket] = await serverSide;
      serverSession = new SpdySession(socket, {
        server: true,
        accept: (headers) =>
          headers['streamtype']?.[0] === 'bogus' ? 'invalid stream type "bogus"' : undefined,
      });
      serverSession.on('stream', (s: SpdyStream) => accepted.push(s));
      clientSession = new SpdySession(clientSocket, { server: false });
    });

    afterEach(async () => {
      clientSession.destroy();
      serverSession.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('opens streams with headers, carries bytes both ways and half-closes with FIN', async () => {
      const stream = await clientSession.createStream({ streamtype: ['data'], port: ['80'] });
      expect(stream.id).to.equal(1);
      expect(accepted).to.have.length(1);
      const peer = accepted[0]!;
      expect(peer.header('streamType')).to.equal('data');
      expect(peer.header('port')).to.equal('80');
      const big = Buffer.alloc(300_000, 'x'); // several DATA frames
      stream.end(Buffer.concat([Buffer.from('ping:'), big]));
      const got = await readAll(peer);
      expect(got.length).to.equal(5 + big.length);
      expect(got.startsWith('ping:x')).to.equal(true);
      // The other direction still flows after the client's FIN.
      peer.end('pong');
      expect(await readAll(stream)).to.equal('pong');
      const second = await clientSession.createStream({ streamtype: ['error'] });
      expect(second.id).to.equal(3);
    });

    it('refuses a stream the accept hook rejects with RST_STREAM', async () => {
      let failure: Error | undefined;
      await clientSession.createStream({ streamtype: ['bogus'] }).catch((err: Error) => (failure = err));
      expect(failure?.message).to.equal('stream 1 was reset (status 5)');
      expect(accepted).to.have.length(0);
    });

    it('answers PINGs, and a reset ends the peer stream', async () => {
      await clientSession.ping();
      await serverSession.ping();
      const stream = await clientSession.createStream({ streamtype: ['data'] });
      const peer = accepted[0]!;
      const ended = once(peer, 'close');
      stream.reset();
      await ended;
      expect(peer.wasReset).to.equal(true);
    });

    it('closes the connection after GOAWAY, ending every open stream', async () => {
      const stream = await clientSession.createStream({ streamtype: ['data'] });
      const closed = once(clientSession, 'close');
      const text = readAll(stream);
      accepted[0]!.write('last words');
      serverSession.close();
      await closed;
      expect(await text).to.equal('last words');
    });
  });
});
