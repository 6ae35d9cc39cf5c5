// The httpGet and tcpSocket probe actions against real servers on loopback: outcomes and texts as
// upstream's pkg/probe/http and pkg/probe/tcp give them, each settled once (answer, error or
// timeout, whichever comes first).
import { expect } from 'chai';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { doHttpGet, doTcpConnect } from '../src/probes/actions.ts';

describe('kubelet probe actions: httpGet and tcpSocket', () => {
  let server: http.Server;
  let port: number;

  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/ok') res.end('fine');
      else if (req.url === '/moved') res.writeHead(302, { Location: '/ok' }).end('go there');
      else if (req.url === '/slow') setTimeout(() => res.end('late'), 2_000).unref();
      else res.writeHead(500).end('secret detail');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const get = (path: string, timeoutMs = 1_000) =>
    doHttpGet({ url: new URL(`http://127.0.0.1:${port}${path}`), headers: {} }, timeoutMs);

  it('2xx succeeds, 3xx is a warning without following, 5xx fails without the body', async () => {
    expect(await get('/ok')).to.deep.equal({ result: 'success', output: 'fine' });
    expect(await get('/moved')).to.deep.equal({
      result: 'warning',
      output: 'Probe terminated redirects, Response body: go there',
    });
    expect(await get('/boom')).to.deep.equal({
      result: 'failure',
      output: 'HTTP probe failed with statuscode: 500',
    });
  });

  it('a server that does not answer in time fails with the client timeout text', async () => {
    expect(await get('/slow', 200)).to.deep.equal({
      result: 'failure',
      output: `Get "http://127.0.0.1:${port}/slow": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
    });
  });

  it('a TCP connect succeeds where something listens and is refused where nothing does', async () => {
    expect(await doTcpConnect('127.0.0.1', port, 1_000)).to.deep.equal({ result: 'success', output: '' });
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const free = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await doTcpConnect('127.0.0.1', free, 1_000)).to.deep.equal({
      result: 'failure',
      output: `dial tcp 127.0.0.1:${free}: connect: connection refused`,
    });
  });
});
