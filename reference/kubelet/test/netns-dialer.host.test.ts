// @host (nsenter needs root): the port-forward dialer hands the kubelet a connection that has lost
// nothing. The helper connects inside a network namespace (here the test's own) and passes the
// socket over IPC; it keeps its copy open until the kubelet acknowledges it, so it must never read
// from it. A server that speaks first (a banner on accept, as SMTP or MySQL do) shows it: every
// banner has to arrive whole through the handed-over socket.
import { expect } from 'chai';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '../../../common/src/log.ts';
import { NetnsDialer } from '../src/api/netns-dialer.ts';

describe('port-forward netns dialer @host', function () {
  this.timeout(120_000);
  let server: net.Server;
  let port: number;
  let accepted = 0;
  const dialer = new NetnsDialer({ log: silentLogger, idleMs: 5_000 });

  before(async () => {
    server = net.createServer((socket) => {
      socket.on('error', () => undefined);
      socket.end(`banner-${++accepted}\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    dialer.stop();
    await new Promise((resolve) => server.close(resolve));
  });

  const readAll = (socket: net.Socket): Promise<string> =>
    new Promise((resolve) => {
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
      socket.resume();
    });

  it('delivers what a server sends first, whole, on every connection', async () => {
    const netns = `/proc/${process.pid}/ns/net`;
    const banners: string[] = [];
    for (let i = 0; i < 40; i++) banners.push(await readAll(await dialer.dial(netns, port)));
    expect(
      banners.filter((b) => !/^banner-\d+\n$/.test(b)),
      'banners lost or cut',
    ).to.deep.equal([]);
    expect(banners).to.have.lengthOf(40);
  });

  it('says what upstream says when nothing listens', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const free = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const err = await dialer.dial(`/proc/${process.pid}/ns/net`, free).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.match(
      new RegExp(`^IPv4: dial tcp4 127\\.0\\.0\\.1:${free}: connect: connection refused `),
    );
  });
});
