// The grpc probe against a real gRPC health server on loopback (support/grpc-health-server.ts:
// Node's HTTP/2 server speaking grpc.health.v1 as a gRPC server does). Outcomes and texts follow
// upstream's pkg/probe/grpc.
import { expect } from 'chai';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { doGrpcCheck, healthCheckFrame, servingStatus } from '../src/probes/grpc.ts';
import { responseFrame, startGrpcHealthServer, type GrpcHealthServer } from './support/grpc-health-server.ts';

describe('kubelet probes: grpc', () => {
  let server: GrpcHealthServer;
  let port: number;

  before(async () => {
    server = await startGrpcHealthServer();
    port = server.port;
  });

  after(async () => {
    await server.close();
  });

  it('encodes the request and decodes the answer as the health protocol says', () => {
    expect(healthCheckFrame('')).to.deep.equal(Buffer.from([0, 0, 0, 0, 0]));
    expect(healthCheckFrame('db')).to.deep.equal(Buffer.from([0, 0, 0, 0, 4, 0x0a, 2, 0x64, 0x62]));
    expect(servingStatus(responseFrame(1))).to.equal(1);
    expect(servingStatus(responseFrame(0)), 'absent field').to.equal(0);
  });

  it('SERVING is a success; the service name travels in the request, with kube-probe as the agent', async () => {
    server.answers.set('', 1).set('db', 1);
    expect(await doGrpcCheck('127.0.0.1', port, '', 1000)).to.deep.equal({
      result: 'success',
      output: 'service healthy',
    });
    expect(await doGrpcCheck('127.0.0.1', port, 'db', 1000)).to.deep.include({ result: 'success' });
    expect(server.seen.slice(-2)).to.deep.equal([
      { path: '/grpc.health.v1.Health/Check', userAgent: 'kube-probe/1.32', service: '' },
      { path: '/grpc.health.v1.Health/Check', userAgent: 'kube-probe/1.32', service: 'db' },
    ]);
  });

  it('any other status, an unimplemented health service and silence are failures with upstream’s words', async () => {
    server.answers.set('down', 2).set('absent', 'unimplemented').set('slow', 'hang');
    expect(await doGrpcCheck('127.0.0.1', port, 'down', 1000)).to.deep.equal({
      result: 'failure',
      output: 'service unhealthy (responded with "NOT_SERVING")',
    });
    expect(await doGrpcCheck('127.0.0.1', port, 'absent', 1000)).to.deep.equal({
      result: 'failure',
      output:
        'error: this server does not implement the grpc health protocol (grpc.health.v1.Health): unknown service',
    });
    expect(await doGrpcCheck('127.0.0.1', port, 'slow', 300)).to.deep.equal({
      result: 'failure',
      output: 'timeout: health rpc did not complete within 300ms',
    });
  });

  it('a port nothing listens on fails once the timeout has passed, as upstream’s blocking dial', async () => {
    const closed = http2.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const began = Date.now();
    expect(await doGrpcCheck('127.0.0.1', freePort, '', 500)).to.deep.equal({
      result: 'failure',
      output: `timeout: failed to connect service "127.0.0.1:${freePort}" within 500ms: context deadline exceeded`,
    });
    expect(Date.now() - began).to.be.at.least(450);
  });
});
