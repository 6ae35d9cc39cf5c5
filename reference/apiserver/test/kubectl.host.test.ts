// @host: the real kubectl (already on the machine) against the reference apiserver over HTTPS
// with a bearer token: the everyday workflow an operator runs, end to end.
import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlWith, runKubectl as run } from './support/kubectl.ts';
import { startSecureTestApi, type SecureTestApi } from './support/test-api.ts';

const MANIFEST = (image: string, replicasLabel: string) => `apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
    rev: "${replicasLabel}"
spec:
  containers:
  - name: main
    image: ${image}
    ports:
    - containerPort: 8080
  - name: sidecar
    image: kconform/busybox:test
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - name: http
    port: 80
    targetPort: 8080
`;

describe('the real kubectl against the reference apiserver @host', function () {
  this.timeout(120_000);
  let api: SecureTestApi;
  let dir: string;

  const { kubectl, ok } = kubectlWith(() => api.kubeconfigPath);

  before(async () => {
    api = await startSecureTestApi();
    dir = mkdtempSync(join(tmpdir(), 'kconform-kubectl-'));
  });
  after(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is refused with a wrong token (401) and talks HTTPS with the cluster CA', async () => {
    // A wrong token (kubectl prompts for a password when it has no credentials at all).
    const r = await run(
      ['--server', api.url, '--certificate-authority', api.caFile, '--token', 'wrong', 'get', 'namespaces'],
      {
        ...process.env,
        KUBECONFIG: '/dev/null',
      },
    );
    expect(r.code).not.to.equal(0);
    expect(r.stderr).to.include(
      'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
    );
    expect(await ok('version', '-o', 'json')).to.include('"gitVersion": "v1.32.0-kconform.0"');
  });

  it('create, apply, edit-and-apply (a patch), patch, label, get -o json, watch, delete, wait --for=delete', async () => {
    await ok('create', 'namespace', 'kc');
    const file = join(dir, 'web.yaml');
    writeFileSync(file, MANIFEST('kconform/busybox:v1', '1'));
    const applied = await ok('apply', '-n', 'kc', '-f', file);
    expect(applied).to.include('pod/web created');
    expect(applied).to.include('service/web created');

    const pod = JSON.parse(await ok('get', '-n', 'kc', 'pod', 'web', '-o', 'json'));
    expect(pod.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).to.be.a('string');
    const svc = JSON.parse(await ok('get', '-n', 'kc', 'service', 'web', '-o', 'json'));
    expect(svc.spec.clusterIP).to.match(/^10\.96\.\d+\.\d+$/);

    // Start watching before the changes so the watch must see them.
    const watcher = spawn('kubectl', [
      '--kubeconfig',
      api.kubeconfigPath,
      'get',
      '-n',
      'kc',
      'pods',
      '--watch',
      '--output-watch-events',
    ]);
    let watched = '';
    watcher.stdout.on('data', (chunk: Buffer) => (watched += chunk.toString()));

    writeFileSync(file, MANIFEST('kconform/busybox:v2', '2'));
    const reapplied = await ok('apply', '-n', 'kc', '-f', file, '-v=6');
    expect(reapplied).to.include('pod/web configured');
    const after = JSON.parse(await ok('get', '-n', 'kc', 'pod', 'web', '-o', 'json'));
    expect(after.spec.containers.map((c: { image: string }) => c.image)).to.deep.equal([
      'kconform/busybox:v2',
      'kconform/busybox:test',
    ]);
    expect(after.metadata.labels.rev).to.equal('2');
    expect(after.metadata.uid).to.equal(pod.metadata.uid); // patched in place, not replaced

    await ok(
      'patch',
      '-n',
      'kc',
      'pod',
      'web',
      '--type',
      'merge',
      '-p',
      '{"metadata":{"annotations":{"note":"patched"}}}',
    );
    await ok('label', '-n', 'kc', 'pod', 'web', 'tier=front');
    const labelled = JSON.parse(await ok('get', '-n', 'kc', 'pod', 'web', '-o', 'json'));
    expect(labelled.metadata.annotations.note).to.equal('patched');
    expect(labelled.metadata.labels.tier).to.equal('front');
    expect((await ok('get', '-n', 'kc', 'pods', '-l', 'tier=front', '-o', 'name')).trim()).to.equal(
      'pod/web',
    );

    await ok('delete', '-n', 'kc', 'pod', 'web', '--wait=false');
    await ok('wait', '-n', 'kc', '--for=delete', 'pod/web', '--timeout=30s');
    expect((await kubectl('get', '-n', 'kc', 'pod', 'web')).stderr).to.include('pods "web" not found');

    await waitFor(
      () => /^DELETED\s+web\s+/m.test(watched),
      () => `kubectl get --watch saw:\n${watched}`,
    );
    watcher.kill();
    // The server-side Table rows, as kubectl prints them: EVENT NAME READY STATUS RESTARTS AGE.
    expect(watched).to.match(/^EVENT\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    expect(watched).to.match(/^MODIFIED\s+web\s+0\/2\s+Pending\s+0\s+/m);
  });

  it('explains a field path from the served OpenAPI', async () => {
    const out = await ok('explain', 'pods.spec.containers.livenessProbe');
    expect(out).to.include('KIND:');
    expect(out).to.include('Pod');
  });

  it('bad input comes back as upstream-style errors', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(
      bad,
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers:\n  - name: c\n    image: x\n',
    );
    const r = await kubectl('apply', '-n', 'default', '-f', bad);
    expect(r.code).not.to.equal(0);
    expect(r.stderr).to.include('is invalid: metadata.name: Invalid value: "Bad_Name"');
    const unknown = join(dir, 'unknown.yaml');
    writeFileSync(
      unknown,
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: u\ndata:\n  a: "1"\nbogus: true\n',
    );
    const strict = await kubectl('create', '-n', 'default', '-f', unknown);
    expect(strict.code).not.to.equal(0);
    expect(strict.stderr).to.include('unknown field "bogus"');
  });
});

async function waitFor(done: () => boolean, describe: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`not seen after ${timeoutMs} ms: ${describe()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
