// @host: pod sandboxes on the real Docker engine with the real bridge + host-local CNI plugins,
// two nodes (two bridges, two /24s), the guard installed before the first pod. Traffic goes only
// to loopback inside pods and to the pod IPs of pods this file starts.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { retryUntil } from '../../../common/src/wait.ts';
import { cidrContains, parseCidr } from '../src/network/cidr.ts';
import { PodSandboxManager, type PodSandbox } from '../src/network/pod-sandbox.ts';
import { podContainerLabels, type PodRef } from '../src/runtime/container-runtime.ts';
import { DockerRuntime } from '../src/runtime/docker-runtime.ts';
import { HostTestBed, RUN_ID, type TestNode } from './support/host-node.ts';

// The receiver's handler: reads one line, finds the peer of its own connection in netstat (the
// address the packet arrived from, after any NAT) and reports both, to the caller and the logs.
const PEER_REPORTER = [
  'read msg',
  "peer=$(netstat -tn | awk '$4 ~ /:9000$/ {print $5}' | head -n 1)",
  'peer=${peer#::ffff:}',
  'peer=${peer%:*}',
  'echo "message=$msg peer=$peer" >&2',
  'echo "peer=$peer"',
].join('\n');

describe('pod sandboxes and pod networking @host', function () {
  this.timeout(120_000);
  const bed = new HostTestBed();
  let nodeA: TestNode;
  let nodeB: TestNode;
  const pod = (name: string): PodRef => ({ uid: `${RUN_ID}-${name}`, name, namespace: 'kcf-test' });

  /** Starts an app container in the sandbox; returns its id. */
  async function startApp(
    node: TestNode,
    sandbox: PodSandbox,
    name: string,
    cmd: string[],
    env?: Record<string, string>,
  ): Promise<string> {
    const id = await node.runtime.create({
      image: bed.images.busybox,
      cmd,
      env,
      labels: podContainerLabels(sandbox.pod, name),
      ...PodSandboxManager.joinModes(sandbox),
    });
    await node.runtime.start(id);
    return id;
  }

  before(async () => {
    await bed.setUp();
    // The hard rule: the guard is in place before any pod starts.
    await bed.guard.install();
    expect(await bed.guard.isInstalled()).to.equal(true);
    nodeA = await bed.addNode(0);
    nodeB = await bed.addNode(1);
  });
  after(() => bed.tearDown());

  it('a sandbox gets an IP from its node /24, and an app container in it has that IP on eth0', async () => {
    const started = Date.now();
    const sandbox = await nodeA.sandboxes.ensure(pod('addr'));
    console.log(`      sandbox (pause + CNI ADD) ready in ${Date.now() - started} ms: ${sandbox.ip}`);
    expect(cidrContains(parseCidr(nodeA.network.podCidr), sandbox.ip)).to.equal(true);
    expect(sandbox.gateway).to.equal(nodeA.network.gateway);
    expect(await nodeA.network.bridgeExists()).to.equal(true);
    // host-local keeps its allocations in our state dir, not in /var/lib/cni/networks.
    const bridge = nodeA.network.bridge;
    expect(existsSync(join(bed.stateDir, 'cni', bridge, 'ipam', bridge, sandbox.ip))).to.equal(true);
    expect(existsSync(join('/var/lib/cni/networks', bridge))).to.equal(false);

    const app = await startApp(nodeA, sandbox, 'app', ['sleep', '600']);
    const r = await nodeA.runtime.exec(app, ['ip', '-4', 'addr', 'show', 'dev', 'eth0'], {
      timeoutMs: 10_000,
    });
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(r.stdout).to.contain(`inet ${sandbox.ip}/24`);
  });

  it('ensure() is idempotent, and a restarted kubelet (new runtime and manager) re-adopts the sandbox', async () => {
    const first = await nodeA.sandboxes.ensure(pod('addr'));
    const again = await nodeA.sandboxes.ensure(pod('addr'));
    expect(again).to.deep.equal(first);

    const runtime = new DockerRuntime({ docker: bed.docker, logger: bed.logger, nodeName: nodeA.name });
    const restarted = new PodSandboxManager({
      runtime,
      network: nodeA.network.cni,
      pauseImage: bed.images.pause,
      logger: bed.logger,
    });
    expect(await restarted.listPodUids()).to.deep.equal([pod('addr').uid]);
    expect(await restarted.find(pod('addr').uid)).to.deep.equal(first);
    // Another node's runtime does not see it.
    expect(await nodeB.runtime.list()).to.deep.equal([]);
  });

  it('a stopped pause container is replaced by a fresh sandbox with a working network', async () => {
    const old = await nodeA.sandboxes.ensure(pod('replace'));
    await nodeA.runtime.stop(old.pauseId, 1);
    const fresh = await nodeA.sandboxes.ensure(pod('replace'));
    expect(fresh.pauseId).to.not.equal(old.pauseId);
    expect(await nodeA.runtime.inspect(old.pauseId)).to.equal(undefined);
    expect(cidrContains(parseCidr(nodeA.network.podCidr), fresh.ip)).to.equal(true);
    await nodeA.sandboxes.tearDown(pod('replace').uid);
  });

  it('two containers of one pod talk over localhost', async () => {
    const sandbox = await nodeA.sandboxes.ensure(pod('localhost'));
    const listener = await startApp(nodeA, sandbox, 'listener', ['nc', '-l', '-p', '8080']);
    const client = await startApp(nodeA, sandbox, 'client', ['sleep', '600']);
    const message = `hello-over-localhost-${RUN_ID}`;
    // The listener may not be listening yet: retry the send (bounded) until it connects.
    await retryUntil(
      () =>
        nodeA.runtime.exec(client, ['sh', '-c', `echo ${message} | nc -w 2 127.0.0.1 8080`], {
          timeoutMs: 10_000,
        }),
      {
        what: 'a connect to 127.0.0.1:8080 inside the pod',
        timeoutMs: 15_000,
        intervalMs: 200,
        done: (r) => r.exitCode === 0,
        describe: (r) => `last exit ${r?.exitCode}: ${r?.stderr.trim()}`,
      },
    );
    await bed.logsContaining(nodeA, listener, message);
  });

  it('pods on two nodes reach each other by pod IP, and the receiver sees the sender pod IP (no NAT)', async () => {
    const receiver = await nodeB.sandboxes.ensure(pod('receiver'));
    const sender = await nodeA.sandboxes.ensure(pod('sender'));
    expect(cidrContains(parseCidr(nodeB.network.podCidr), receiver.ip)).to.equal(true);
    expect(cidrContains(parseCidr(nodeA.network.podCidr), sender.ip)).to.equal(true);
    expect(nodeA.network.bridge).to.not.equal(nodeB.network.bridge);

    const server = await startApp(
      nodeB,
      receiver,
      'server',
      [
        'sh',
        '-c',
        'printf "%s\\n" "$HANDLER" > /tmp/handler.sh && exec nc -ll -p 9000 -e sh /tmp/handler.sh',
      ],
      { HANDLER: PEER_REPORTER },
    );
    const client = await startApp(nodeA, sender, 'client', ['sleep', '600']);
    const send = ['sh', '-c', `echo ${sender.ip} | nc -w 3 ${receiver.ip} 9000`];
    const reply = await retryUntil(() => nodeA.runtime.exec(client, send, { timeoutMs: 10_000 }), {
      what: `a connect from ${sender.ip} to ${receiver.ip}:9000`,
      timeoutMs: 20_000,
      intervalMs: 250,
      done: (r) => r.exitCode === 0 && r.stdout.includes('peer='),
      describe: (r) => `last exit ${r?.exitCode}: ${(r?.stdout ?? '').trim()} ${(r?.stderr ?? '').trim()}`,
    });
    expect(reply.stdout.trim()).to.equal(`peer=${sender.ip}`);
    await bed.logsContaining(nodeB, server, `message=${sender.ip} peer=${sender.ip}`);
  });

  it('tearDown() releases the IP (host-local allocation gone) and is idempotent', async () => {
    const sandbox = await nodeB.sandboxes.ensure(pod('short-lived'));
    const started = Date.now();
    await nodeB.sandboxes.tearDown(pod('short-lived').uid);
    console.log(`      sandbox teardown (CNI DEL + stop + remove) took ${Date.now() - started} ms`);
    const bridge = nodeB.network.bridge;
    expect(existsSync(join(bed.stateDir, 'cni', bridge, 'ipam', bridge, sandbox.ip))).to.equal(false);
    await nodeB.sandboxes.tearDown(pod('short-lived').uid);
    expect(await nodeB.runtime.inspect(sandbox.pauseId)).to.equal(undefined);
    expect(await nodeB.sandboxes.find(pod('short-lived').uid)).to.equal(undefined);
    expect(await nodeB.network.cni.cached({ containerId: sandbox.pauseId, netns: '' })).to.equal(undefined);
  });

  it('leaves nothing of this run on the host after cleanup', async () => {
    await bed.tearDown();
    expect(await bed.leftovers()).to.deep.equal({
      containers: [],
      bridges: [],
      vethsOnOurBridges: [],
      rules: [],
      netns: [],
      stateDir: [],
    });
  });
});
