// The runtime request timeout: an engine that accepts a request and never answers (a hung
// dockerd) fails the call with a clear error after the timeout, and the request is abandoned, not
// left open. The "engine" here is an HTTP server on a unix socket that never replies; the client
// is the real dockerode.
import { expect } from 'chai';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { silentLogger } from '../../../common/src/log.ts';
import { DockerRuntime, RuntimeTimeoutError } from '../src/runtime/docker-runtime.ts';

describe('docker runtime: request timeout', () => {
  let dir: string;
  let server: Server;
  const requests: IncomingMessage[] = [];
  let closed = 0;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kcf-hung-engine-'));
    server = createServer((req) => {
      requests.push(req);
      req.socket.on('close', () => closed++);
      // never answers
    });
    await new Promise<void>((resolve) => server.listen(join(dir, 'docker.sock'), resolve));
  });

  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const runtime = (requestTimeoutMs: number) =>
    new DockerRuntime({
      docker: new Docker({ socketPath: join(dir, 'docker.sock') }),
      logger: silentLogger,
      nodeName: 'n1',
      requestTimeoutMs,
    });

  it('fails a call the engine never answers with a RuntimeTimeoutError naming the call, and drops the request', async () => {
    const began = Date.now();
    const err = await runtime(300)
      .list()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(RuntimeTimeoutError);
    expect((err as Error).message).to.equal(
      'the Docker engine did not answer list containers within 300ms (runtime request timeout)',
    );
    expect(Date.now() - began).to.be.within(250, 5000);
    expect(requests.at(-1)?.url).to.match(/\/containers\/json/);
    // The aborted request's connection is closed by the client, not left hanging.
    for (let i = 0; i < 50 && closed === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(closed).to.be.at.least(1);
  });

  it('gives a stop its grace period on top of the timeout', async () => {
    const began = Date.now();
    const err = await runtime(200)
      .stop('abc123', 1)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).to.be.instanceOf(RuntimeTimeoutError);
    expect(Date.now() - began).to.be.at.least(1150);
  });
});
