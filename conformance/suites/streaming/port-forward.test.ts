// pods/portforward over WebSocket (v4.channel.k8s.io), the way client-node's PortForward and
// upstream's "forwarding over websockets" e2e tests speak it: the runner talks only to the API
// server, which reaches the pod through its node. One pod serves HTTP on all addresses (8080),
// HTTP on 127.0.0.1 only (8081) and an echo server (9000).
import { PortForward, type V1Pod } from '@kubernetes/client-node';
import { expect } from 'chai';
import { PassThrough } from 'node:stream';
import { execInPod } from '../../lib/exec.ts';
import { image } from '../../lib/images.ts';
import { useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget, pollUntil, waitForObject } from '../../lib/wait.ts';

const POD = 'forward-target';
const GET = 'GET /index.html HTTP/1.0\r\n\r\n';
const SERVE =
  'mkdir -p /www && echo forwarded-ok > /www/index.html && httpd -p 8080 -h /www && ' +
  'httpd -p 127.0.0.1:8081 -h /www && nc -ll -p 9000 -e cat';

interface Forwarded {
  /** Channel 0 after the port prefix. */
  data: () => Buffer;
  /** Channel 1 after the port prefix. */
  errors: () => string;
  send: (bytes: string | Buffer) => void;
  closed: () => boolean;
  close: () => void;
}

describe('streaming: port-forward', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('streaming-port-forward');

  before(async function () {
    this.timeout(180_000);
    const { core } = ns.cluster;
    await core.createNamespacedPod({
      namespace: ns.name,
      body: {
        metadata: { name: POD },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'main', image: image('busybox'), command: ['sh', '-c', SERVE] }],
        },
      },
    });
    await waitForObject<V1Pod>(ns.cluster, {
      what: `pod ${ns.name}/${POD} Running`,
      collectionPath: `/api/v1/namespaces/${ns.name}/pods`,
      name: POD,
      timeoutMs: 120_000,
      until: (p) => p?.status?.phase === 'Running',
      describe: (p) => `phase ${p?.status?.phase ?? 'unknown'}`,
    });
    // Running comes with the container's start; the servers need a moment more.
    const probe = `printf '${GET.replace(/\r\n/g, '\\r\\n')}' | nc 127.0.0.1 8080`;
    await pollUntil(
      () =>
        execInPod(
          ns.cluster,
          { namespace: ns.name, pod: POD, container: 'main' },
          ['sh', '-c', probe],
          10_000,
        ),
      {
        what: `httpd serving in ${ns.name}/${POD}`,
        timeoutMs: 30_000,
        done: (r) => r.stdout.includes('forwarded-ok'),
        describe: (r) => JSON.stringify(r?.stdout ?? ''),
      },
    );
  });

  /** Opens pods/portforward for one port through client-node, which strips the port prefixes. */
  async function forward(port: number): Promise<Forwarded> {
    const chunks: Buffer[] = [];
    let errorText = '';
    const output = new PassThrough();
    const errors = new PassThrough();
    const input = new PassThrough();
    output.on('data', (c: Buffer) => chunks.push(c));
    errors.on('data', (c: Buffer) => (errorText += c.toString('utf8')));
    const ws = (await new PortForward(ns.cluster.kubeconfig).portForward(
      ns.name,
      POD,
      [port],
      output,
      errors,
      input,
    )) as {
      close(): void;
      readyState: number;
    };
    return {
      data: () => Buffer.concat(chunks),
      errors: () => errorText,
      send: (bytes) => input.write(bytes),
      closed: () => ws.readyState === 3, // CLOSED
      close: () => ws.close(),
    };
  }

  const until = (
    what: string,
    timeoutMs: number,
    check: () => boolean,
    state?: Forwarded,
  ): Promise<boolean> =>
    pollUntil(async () => check(), {
      what,
      timeoutMs,
      done: (ok) => ok,
      // On a timeout, say what did arrive: bytes on the data channel, the error channel's text.
      describe: () =>
        state
          ? `data ${JSON.stringify(state.data().toString('latin1').slice(0, 200))}, ` +
            `errors ${JSON.stringify(state.errors())}, websocket ${state.closed() ? 'closed' : 'open'}`
          : 'not yet',
    });

  it('[STREAMING-PORT-FORWARD] a forwarded connection reaches the pod port and carries bytes both ways', async () => {
    const budget = new Budget(spec('STREAMING-PORT-FORWARD').timeout);
    const web = await forward(8080);
    try {
      web.send(GET);
      // An error or a closed connection ends the wait at once: nothing more can come.
      await until(
        'the HTTP answer through port-forward to 8080',
        budget.left(),
        () => web.data().toString().includes('forwarded-ok') || web.errors() !== '' || web.closed(),
        web,
      );
      expect(web.errors(), 'the error channel').to.equal('');
      expect(web.data().toString()).to.match(/^HTTP\/1\.[01] 200 OK\r\n[\s\S]*\r\n\r\nforwarded-ok\n$/);
    } finally {
      web.close();
    }
    const echo = await forward(9000);
    try {
      const payload = Buffer.alloc(100_000);
      for (let i = 0; i < payload.length; i++) payload[i] = (i * 13) % 251;
      echo.send(payload);
      await until(
        '100000 bytes echoed through port-forward to 9000',
        budget.left(),
        () => echo.data().length >= payload.length,
        echo,
      );
      expect(echo.data().equals(payload), 'the echo equals what was sent').to.equal(true);
    } finally {
      echo.close();
    }
  });

  it('[STREAMING-PORT-FORWARD-LOCALHOST] a server bound to 127.0.0.1 in the pod is reached', async () => {
    const budget = new Budget(spec('STREAMING-PORT-FORWARD-LOCALHOST').timeout);
    const local = await forward(8081);
    try {
      local.send(GET);
      await until(
        'the HTTP answer through port-forward to 127.0.0.1:8081',
        budget.left(),
        () => local.data().toString().includes('forwarded-ok'),
        local,
      );
      expect(local.data().toString()).to.match(/^HTTP\/1\.[01] 200 OK\r\n[\s\S]*forwarded-ok\n$/);
    } finally {
      local.close();
    }
  });

  it('[STREAMING-PORT-FORWARD-NO-LISTENER] a port nothing listens on gets an error naming it, and the connection closes', async () => {
    const budget = new Budget(spec('STREAMING-PORT-FORWARD-NO-LISTENER').timeout);
    const nothing = await forward(7777);
    try {
      nothing.send(GET);
      await until(
        'an error on channel 1 and the connection closed',
        budget.left(),
        () => nothing.errors() !== '' && nothing.closed(),
        nothing,
      );
      expect(nothing.errors()).to.include('7777');
      expect(nothing.data().length).to.equal(0);
    } finally {
      nothing.close();
    }
  });
});
