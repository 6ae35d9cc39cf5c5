// @host: `kubectl logs` and `kubectl exec` end to end: the real kubectl against `kconform up
// --nodes 1`, through the apiserver's pod proxy to the kubelet API over HTTPS and WebSocket, on
// the real Docker engine. Nothing is left behind: `kconform down` runs in `after` whatever failed.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { get } from 'node:https';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { fixtureImages } from './support/host-node.ts';
import { NODE, run, upOneNode, type OneNodeCluster, type Outcome } from './support/one-node-cluster.ts';

/** GET on the kubelet API with the cluster CA, and a token when given: code and body. */
function kubeletGet(port: number, path: string, ca: string, token?: string): Promise<[number, string]> {
  return new Promise((resolve, reject) => {
    const headers = token ? { Authorization: `Bearer ${token}` } : {};
    get({ host: '127.0.0.1', port, path, ca, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve([res.statusCode ?? 0, body]));
    }).on('error', reject);
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('kubectl logs and exec through the kubelet API @host', function () {
  this.timeout(300_000);
  let cluster: OneNodeCluster | undefined;
  let stateDir: string;
  let kubeconfig: string;
  let core: k8s.CoreV1Api;
  const image = fixtureImages().busybox;
  const kubectl = (args: string[], input?: string): Promise<Outcome> => cluster!.kubectl(args, input);

  const runningPod = async (name: string, command: string, restarts = 0, marker = false): Promise<void> => {
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name },
        spec: {
          nodeName: NODE,
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'main',
              image,
              command: ['sh', '-c', command],
              ...(marker ? { volumeMounts: [{ name: 'state', mountPath: '/state' }] } : {}),
            },
          ],
          ...(marker ? { volumes: [{ name: 'state', emptyDir: {} }] } : {}),
        },
      },
    });
    const deadline = Date.now() + 90_000;
    for (;;) {
      const pod = await core.readNamespacedPod({ namespace: 'default', name });
      const status = pod.status?.containerStatuses?.[0];
      if (status?.state?.running && (status.restartCount ?? 0) >= restarts) return;
      if (Date.now() > deadline) {
        throw new Error(`pod ${name} not running with ${restarts} restart(s) after 90000 ms`);
      }
      await sleep(250);
    }
  };

  before(async () => {
    cluster = await upOneNode('kconform-kubelet-api-');
    ({ stateDir, kubeconfig } = cluster);
    core = cluster.kc.makeApiClient(k8s.CoreV1Api);
  });

  after(async () => {
    await cluster?.down(); // even when a test failed
  });

  it('serves the kubelet API on the port the Node reports, over TLS, to the token only', async () => {
    const node = await core.readNode({ name: NODE });
    const port = node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 0;
    expect(port).to.be.above(0);
    expect(node.status?.addresses).to.deep.include({ type: 'InternalIP', address: '127.0.0.1' });
    const ca = readFileSync(join(stateDir, 'pki', 'ca.crt'), 'utf8');
    const token = readFileSync(join(stateDir, 'kubelet-api-token'), 'utf8').trim();
    expect(await kubeletGet(port, '/healthz', ca)).to.deep.equal([401, 'Unauthorized']);
    expect(await kubeletGet(port, '/healthz', ca, 'wrong')).to.deep.equal([401, 'Unauthorized']);
    expect(await kubeletGet(port, '/healthz', ca, token)).to.deep.equal([200, 'ok']);
    const [code, body] = await kubeletGet(port, '/pods', ca, token);
    expect(code).to.equal(200);
    expect(JSON.parse(body)).to.include({ kind: 'PodList', apiVersion: 'v1' });
  });

  it('serves /pods (the PodList of the node’s pods), /metrics and /metrics/probes to the token only', async () => {
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'metered' },
        spec: {
          nodeName: NODE,
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'main',
              image,
              command: ['sh', '-c', 'exec sleep 3600'],
              readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1 },
            },
          ],
        },
      },
    });
    const deadline = Date.now() + 90_000;
    for (;;) {
      const pod = await core.readNamespacedPod({ namespace: 'default', name: 'metered' });
      if (pod.status?.containerStatuses?.[0]?.ready) break;
      if (Date.now() > deadline) throw new Error('pod metered not ready after 90000 ms');
      await sleep(250);
    }
    const node = await core.readNode({ name: NODE });
    const port = node.status!.daemonEndpoints!.kubeletEndpoint!.Port!;
    const ca = readFileSync(join(stateDir, 'pki', 'ca.crt'), 'utf8');
    const token = readFileSync(join(stateDir, 'kubelet-api-token'), 'utf8').trim();
    expect(await kubeletGet(port, '/metrics', ca)).to.deep.equal([401, 'Unauthorized']);

    const [podsCode, podsBody] = await kubeletGet(port, '/pods', ca, token);
    expect(podsCode).to.equal(200);
    const list = JSON.parse(podsBody) as { kind: string; items: k8s.V1Pod[] };
    const metered = list.items.find((p) => p.metadata?.name === 'metered');
    expect(metered?.spec?.nodeName).to.equal(NODE);
    expect(list.items.every((p) => p.spec?.nodeName === NODE)).to.equal(true);

    // the running-container gauge follows the runtime relist (every second): wait for it, bounded
    let code = 0;
    let metrics = '';
    const relisted = Date.now() + 10_000;
    do {
      [code, metrics] = await kubeletGet(port, '/metrics', ca, token);
      if (/^kubelet_running_containers\{container_state="running"\} [1-9]/m.test(metrics)) break;
      await sleep(250);
    } while (Date.now() < relisted);
    expect(code).to.equal(200);
    expect(metrics).to.include(`kubelet_node_name{node="${NODE}"} 1`);
    expect(metrics).to.include('# TYPE kubelet_pod_start_duration_seconds histogram');
    expect(metrics).to.match(/^kubelet_pod_start_duration_seconds_count [1-9]\d*$/m);
    expect(metrics).to.match(/^kubelet_running_pods [1-9]\d*$/m);
    expect(metrics).to.match(/^kubelet_running_containers\{container_state="running"\} [1-9]\d*$/m);
    expect(metrics).to.match(/^kubelet_pod_worker_duration_seconds_count\{operation_type="create"\} [1-9]/m);
    expect(metrics).to.match(/^process_resident_memory_bytes \d+$/m);
    const [probesCode, probes] = await kubeletGet(port, '/metrics/probes', ca, token);
    expect(probesCode).to.equal(200);
    expect(probes).to.match(
      /^prober_probe_total\{probe_type="Readiness",result="successful",container="main",pod="metered",namespace="default",pod_uid="[0-9a-f-]+"\} [1-9]\d*$/m,
    );
  });

  it('logs: all lines, --tail, --timestamps, and -f sees a new line appear', async () => {
    await runningPod('echo', 'for i in 1 2 3; do echo line $i; done; sleep 3600');
    const all = await kubectl(['logs', 'echo']);
    expect(all).to.deep.equal({ code: 0, stdout: 'line 1\nline 2\nline 3\n', stderr: '' });
    expect((await kubectl(['logs', 'echo', '--tail', '1'])).stdout).to.equal('line 3\n');
    expect((await kubectl(['logs', 'echo', '--tail', '1', '--timestamps'])).stdout).to.match(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z line 3\n$/,
    );

    await runningPod('ticker', 'i=0; while true; do echo tick $i; i=$((i+1)); sleep 1; done');
    const follow = spawn('kubectl', ['--kubeconfig', kubeconfig, 'logs', '-f', 'ticker', '--tail', '1']);
    let seen = '';
    follow.stdout.on('data', (chunk: Buffer) => (seen += chunk.toString()));
    try {
      const deadline = Date.now() + 30_000;
      while (seen.split('\n').filter(Boolean).length < 3 && Date.now() < deadline) await sleep(100);
      const lines = seen.split('\n').filter(Boolean);
      expect(lines.length, `kubectl logs -f showed: ${JSON.stringify(seen)}`).to.be.at.least(3);
      const numbers = lines.map((l) => Number(/^tick (\d+)$/.exec(l)?.[1]));
      expect(numbers[1]).to.equal(numbers[0]! + 1); // new lines, as they are written
    } finally {
      follow.kill('SIGTERM');
    }
  });

  it('logs --previous reads the instance before a restart, and says so when there is none', async () => {
    const none = await kubectl(['logs', 'echo', '--previous']);
    expect(none.code).to.equal(1);
    expect(none.stderr.trim()).to.equal(
      'Error from server (BadRequest): previous terminated container "main" in pod "echo" not found',
    );
    // The first run leaves a mark in an emptyDir and fails; the second sees it and keeps running.
    await runningPod(
      'restarts',
      'if [ -f /state/ran ]; then echo second run; sleep 3600; fi; touch /state/ran; echo first run; echo first err >&2; exit 1',
      1,
      true,
    );
    expect((await kubectl(['logs', 'restarts'])).stdout).to.equal('second run\n');
    // stdout and stderr are two streams on the engine: their relative order is not kept.
    const previous = await kubectl(['logs', 'restarts', '--previous']);
    expect(previous.stdout.split('\n').sort()).to.deep.equal(['', 'first err', 'first run']);
  });

  it('exec: stdout, stderr and the exit code reach kubectl', async () => {
    await runningPod('shell', 'sleep 3600');
    const result = await kubectl(['exec', 'shell', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
    expect(result.code).to.equal(3);
    expect(result.stdout).to.equal('out\n');
    expect(result.stderr).to.include('err\n');
    expect(result.stderr).to.include('command terminated with exit code 3');
    expect(await kubectl(['exec', 'shell', '--', 'true'])).to.deep.equal({ code: 0, stdout: '', stderr: '' });
  });

  it('exec -i: stdin is piped through and closed', async () => {
    const result = await kubectl(['exec', '-i', 'shell', '--', 'sh', '-c', 'cat; echo done'], 'one\ntwo\n');
    expect(result).to.deep.equal({ code: 0, stdout: 'one\ntwo\ndone\n', stderr: '' });
  });

  it('exec -it: a TTY of the size of kubectl’s terminal, and the exit code through it', async () => {
    // kubectl needs a terminal of its own for -t: `script` gives it a pty, sized with stty.
    // The first instant of a session may see 0x0 (the size is set just after the process
    // starts, as with upstream runtimes), so the pod's shell waits up to 5 s for it.
    const inPod =
      'tty; i=0; while [ "$(stty size 2>/dev/null)" = "" ] || [ "$(stty size)" = "0 0" ]; do' +
      ' i=$((i+1)); [ $i -gt 100 ] && break; sleep 0.05; done; echo "size $(stty size)"; exit 4';
    const inScript = `stty rows 40 cols 100; kubectl --kubeconfig ${kubeconfig} exec -it shell -- sh -c '${inPod}'`;
    const result = await run('script', ['-qec', inScript, '/dev/null']);
    const lines = result.stdout.split(/\r?\n/).map((l) => l.trim());
    expect(
      lines.filter((l) => /^\/dev\/pts\/\d+$/.test(l)),
      `the pod's tty; output: ${JSON.stringify(result.stdout)}`,
    ).to.have.lengthOf(1);
    expect(lines, `output: ${JSON.stringify(result.stdout)}`).to.include('size 40 100');
    expect(result.code, `script's exit status (kubectl's); stderr ${result.stderr}`).to.equal(4);
  });

  it('exec with a TTY follows the resizes the client sends while it runs (client-node)', async () => {
    // client-node sends {"width","height"} in lower case; the shell prints its size until it
    // sees the second one (10 s at most), so each resize must reach the TTY of a running process.
    const out = Object.assign(new PassThrough(), { columns: 80, rows: 24 });
    let text = '';
    out.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const loop =
      'i=0; while [ $i -lt 200 ]; do s=$(stty size); echo "size $s"; [ "$s" = "50 120" ] && exit 0;' +
      ' i=$((i+1)); sleep 0.05; done; exit 1';
    let status: k8s.V1Status | undefined;
    const ws = await new k8s.Exec(cluster!.kc).exec(
      'default',
      'shell',
      'main',
      ['sh', '-c', loop],
      out,
      null,
      null,
      true,
      (s) => (status = s),
    );
    try {
      const deadline = Date.now() + 10_000;
      while (!text.includes('size 24 80') && Date.now() < deadline) await sleep(50);
      expect(text, 'the first size').to.include('size 24 80');
      Object.assign(out, { columns: 120, rows: 50 }).emit('resize');
      while (!status && Date.now() < deadline + 10_000) await sleep(50);
    } finally {
      ws.close();
    }
    expect(status?.status, `final status ${JSON.stringify(status)}; output ${JSON.stringify(text)}`).to.equal(
      'Success',
    );
    expect(text).to.include('size 50 120');
  });

  it('answers upstream errors: missing pod, unknown or unnamed container, unbound pod', async () => {
    expect(
      (await kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/nope/log'])).stderr.trim(),
    ).to.equal('Error from server (NotFound): pods "nope" not found');
    expect((await kubectl(['exec', 'shell', '-c', 'nope', '--', 'true'])).stderr.trim()).to.equal(
      'Error from server (BadRequest): container nope is not valid for pod shell',
    );
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'pair' },
        spec: {
          nodeName: NODE,
          containers: [
            { name: 'a', image, command: ['sleep', '3600'] },
            { name: 'b', image, command: ['sleep', '3600'] },
          ],
        },
      },
    });
    expect(
      (await kubectl(['get', '--raw', '/api/v1/namespaces/default/pods/pair/log'])).stderr.trim(),
    ).to.equal(
      'Error from server (BadRequest): a container name must be specified for pod pair, choose one of: [a b]',
    );
    // `kconform up` runs the scheduler: a node selector no node matches keeps this pod unbound
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'unbound' },
        spec: { nodeSelector: { 'kconform.test/nowhere': 'true' }, containers: [{ name: 'c', image }] },
      },
    });
    expect((await kubectl(['exec', 'unbound', '--', 'true'])).stderr.trim()).to.equal(
      'Error from server (BadRequest): pod unbound does not have a host assigned',
    );
  });
});
