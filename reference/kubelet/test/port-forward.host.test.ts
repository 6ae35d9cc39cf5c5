// @host: port-forward and the SPDY fallback of exec, end to end: the real kubectl (WebSocket
// tunnel of SPDY, and plain SPDY) and client-node's PortForward (WebSocket channels) against
// `kconform up --nodes 1`, through the apiserver's pod proxy and the kubelet API into a busybox
// pod on the real Docker engine. `kconform down` runs in `after` whatever failed.
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { fixtureImages } from './support/host-node.ts';
import { NODE, upOneNode, type OneNodeCluster, type Outcome } from './support/one-node-cluster.ts';

/** Sends `data`, half-closes, and collects everything until the other side closes. */
function exchange(port: number, data: string | Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', () => resolve(Buffer.concat(chunks)));
    socket.on('error', reject);
    socket.setTimeout(20_000, () => socket.destroy(new Error(`no answer through port ${port} in 20 s`)));
    socket.end(data);
  });
}

const GET = 'GET /index.html HTTP/1.0\r\n\r\n';

interface Forward {
  /** remote port -> local port */
  local: Map<number, number>;
  child: ChildProcess;
  stderr: () => string;
}

/** Starts `kubectl port-forward pod/<pod> :<port>...` and waits for its "Forwarding from" lines. */
function portForward(
  kubeconfig: string,
  pod: string,
  ports: number[],
  env: NodeJS.ProcessEnv = {},
): Promise<Forward> {
  const child = spawn(
    'kubectl',
    ['--kubeconfig', kubeconfig, 'port-forward', '-v=6', `pod/${pod}`, ...ports.map((p) => `:${p}`)],
    { env: { ...process.env, ...env } },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGTERM');
      reject(new Error(`kubectl port-forward printed no ports in 30 s: ${stdout} ${stderr}`));
    }, 30_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`kubectl port-forward exited (${code}): ${stderr}`));
    });
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const local = new Map<number, number>();
      for (const m of stdout.matchAll(/Forwarding from 127\.0\.0\.1:(\d+) -> (\d+)/g)) {
        local.set(Number(m[2]), Number(m[1]));
      }
      if (local.size === ports.length) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ local, child, stderr: () => stderr });
      }
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

describe('port-forward and SPDY exec through the kubelet API @host', function () {
  this.timeout(300_000);
  let cluster: OneNodeCluster | undefined;
  let kubeconfig: string;
  let kc: k8s.KubeConfig;
  const children: ChildProcess[] = [];
  const image = fixtureImages().busybox;
  const kubectl = (args: string[], input?: string, env: NodeJS.ProcessEnv = {}): Promise<Outcome> =>
    cluster!.kubectl(args, input, env);
  const forward = async (ports: number[], env: NodeJS.ProcessEnv = {}): Promise<Forward> => {
    const started = await portForward(kubeconfig, 'web', ports, env);
    children.push(started.child);
    return started;
  };

  before(async () => {
    cluster = await upOneNode('kconform-port-forward-');
    ({ kubeconfig, kc } = cluster);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    // 8080: httpd on every address; 8081: httpd on 127.0.0.1 only; 9000: an echo server
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'web' },
        spec: {
          nodeName: NODE,
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'main',
              image,
              command: [
                'sh',
                '-c',
                'mkdir -p /www && echo hello-pf > /www/index.html && httpd -p 8080 -h /www && ' +
                  'httpd -p 127.0.0.1:8081 -h /www && nc -ll -p 9000 -e cat',
              ],
            },
          ],
        },
      },
    });
    const wait = await kubectl(['wait', '--for=condition=Ready', 'pod/web', '--timeout=90s']);
    expect(wait.code, wait.stderr).to.equal(0);
    // Ready comes with the container's start (no probe); the servers need a moment more.
    const probe = `printf 'GET /index.html HTTP/1.0\\r\\n\\r\\n' | nc 127.0.0.1 8080`;
    const deadline = Date.now() + 30_000;
    while (!(await kubectl(['exec', 'web', '--', 'sh', '-c', probe])).stdout.includes('hello-pf')) {
      if (Date.now() > deadline) throw new Error('httpd in pod web not serving after 30000 ms');
      await new Promise((r) => setTimeout(r, 200));
    }
  });

  afterEach(async () => {
    await Promise.all(children.splice(0).map(stop));
  });

  after(async () => {
    await cluster?.down(); // even when a test failed
  });

  const checkForwards = async (f: Forward): Promise<void> => {
    const web = (await exchange(f.local.get(8080)!, GET)).toString();
    expect(web).to.match(/^HTTP\/1\.[01] 200 OK\r\n/);
    expect(web.endsWith('\r\n\r\nhello-pf\n')).to.equal(true);
    // bound to 127.0.0.1 inside the pod: reachable only from the pod's own network namespace
    expect((await exchange(f.local.get(8081)!, GET)).toString()).to.match(/hello-pf\n$/);
    const payload = Buffer.alloc(300_000);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7) % 251;
    const echoed = await exchange(f.local.get(9000)!, payload);
    expect(echoed.length).to.equal(payload.length);
    expect(echoed.equals(payload)).to.equal(true);
  };

  it('kubectl port-forward over the WebSocket tunnel (SPDY/3.1+portforward.k8s.io) reaches pod ports, localhost-bound ones too', async () => {
    const f = await forward([8080, 8081, 9000]);
    await checkForwards(f);
    // Three connections in a row through one forward, and no fallback to plain SPDY was needed.
    for (let i = 0; i < 3; i++)
      expect((await exchange(f.local.get(8080)!, GET)).toString()).to.match(/hello-pf/);
    expect(f.stderr()).to.include('tunneling_dialer');
    expect(f.stderr()).not.to.include('fallback to secondary dialer');
  });

  it('kubectl port-forward over plain SPDY (KUBECTL_PORT_FORWARD_WEBSOCKETS=false)', async () => {
    const f = await forward([8080, 8081, 9000], { KUBECTL_PORT_FORWARD_WEBSOCKETS: 'false' });
    await checkForwards(f);
    expect(f.stderr()).not.to.include('tunneling_dialer');
    expect(f.stderr()).to.match(/POST https:\/\/\S+\/pods\/web\/portforward 101 Switching Protocols/);
  });

  it('a port nothing listens on: the connection closes and kubectl reports upstream error text', async () => {
    const f = await forward([7777]);
    expect((await exchange(f.local.get(7777)!, GET)).length).to.equal(0);
    const deadline = Date.now() + 20_000;
    while (!f.stderr().includes('an error occurred forwarding') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    // klog quotes the message: its inner quotes come escaped
    expect(f.stderr()).to.match(
      /an error occurred forwarding \d+ -> 7777: error forwarding port 7777 to pod [0-9a-f]{64}, uid : failed to connect to localhost:7777 inside namespace \\?"[0-9a-f]{64}\\?", IPv4: dial tcp4 127\.0\.0\.1:7777: connect: connection refused/,
    );
  });

  it("client-node's PortForward (WebSocket, v4.channel.k8s.io) reaches a pod port", async () => {
    const pf = new k8s.PortForward(kc);
    const output = new PassThrough();
    const errors = new PassThrough();
    const input = new PassThrough();
    let received = '';
    output.on('data', (c: Buffer) => (received += c.toString()));
    let errText = '';
    errors.on('data', (c: Buffer) => (errText += c.toString()));
    const ws = (await pf.portForward('default', 'web', [8080], output, errors, input)) as { close(): void };
    try {
      input.write(GET);
      const deadline = Date.now() + 20_000;
      while (!received.includes('hello-pf') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      expect(received, `error channel: ${errText}`).to.match(/^HTTP\/1\.[01] 200 OK\r\n[\s\S]*hello-pf\n$/);
    } finally {
      ws.close();
    }
  });

  it('kubectl exec over SPDY (KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false): output, exit code, stdin', async () => {
    const spdy = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
    const result = await kubectl(
      ['exec', '-v=6', 'web', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3'],
      undefined,
      spdy,
    );
    expect(result.code).to.equal(3);
    expect(result.stdout).to.equal('out\n');
    expect(result.stderr).to.include('err\n');
    expect(result.stderr).to.include('command terminated with exit code 3');
    expect(result.stderr).to.match(/POST https:\/\/\S+\/pods\/web\/exec\?\S+ 101 Switching Protocols/);
    const piped = await kubectl(
      ['exec', '-i', 'web', '--', 'sh', '-c', 'cat; echo done'],
      'one\ntwo\n',
      spdy,
    );
    expect(piped).to.deep.equal({ code: 0, stdout: 'one\ntwo\ndone\n', stderr: '' });
  });
});
