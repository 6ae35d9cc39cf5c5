// @host: the real kubectl against the reference apiserver for apps/v1 Deployments and ReplicaSets:
// create, apply (client- and server-side merge of the template), scale, set image, get columns,
// explain, and the refusals kubectl shows. No controllers run: only the API is exercised.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubectlWith } from './support/kubectl.ts';
import { startSecureTestApi, type SecureTestApi } from './support/test-api.ts';

const DEPLOYMENT = (image: string, replicas: number) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: main
        image: ${image}
        ports:
        - containerPort: 8080
      - name: sidecar
        image: kconform/busybox:test
`;

const REPLICASET = `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: front
spec:
  replicas: 2
  selector:
    matchExpressions:
    - {key: tier, operator: In, values: [front]}
  template:
    metadata:
      labels:
        tier: front
    spec:
      containers:
      - name: main
        image: kconform/busybox:test
`;

describe('the real kubectl with apps/v1 against the reference apiserver @host', function () {
  this.timeout(120_000);
  let api: SecureTestApi;
  let dir: string;

  const { kubectl, ok } = kubectlWith(() => api.kubeconfigPath);
  const file = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  before(async () => {
    api = await startSecureTestApi();
    dir = mkdtempSync(join(tmpdir(), 'kconform-kubectl-apps-'));
  });
  after(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('kubectl create deployment, get deploy (columns) and get -o jsonpath of the defaults', async () => {
    await ok('create', 'deployment', 'made', '--image', 'kconform/busybox:test', '--replicas', '3');
    const table = await ok('get', 'deploy', 'made');
    expect(table.split('\n')[0]).to.match(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    expect(table.split('\n')[1]).to.match(/^made\s+0\/3\s+0\s+0\s+\d+s$/);
    const strategy = await ok(
      'get',
      'deployment',
      'made',
      '-o',
      'jsonpath={.spec.strategy.rollingUpdate.maxSurge}',
    );
    expect(strategy).to.equal('25%');
    const wide = await ok('get', 'deployments.apps', '-o', 'wide');
    expect(wide).to.match(/made\s+0\/3\s+0\s+0\s+\S+\s+busybox\s+kconform\/busybox:test\s+app=made/);
  });

  it('kubectl apply twice merges the template by container name; scale and set image update spec', async () => {
    const path = file('deploy.yaml', DEPLOYMENT('kconform/busybox:test', 2));
    expect(await ok('apply', '-f', path)).to.include('deployment.apps/web created');
    writeFileSync(path, DEPLOYMENT('kconform/busybox:v2', 2));
    expect(await ok('apply', '-f', path)).to.include('deployment.apps/web configured');
    const images = await ok(
      'get',
      'deploy',
      'web',
      '-o',
      'jsonpath={.spec.template.spec.containers[*].image}',
    );
    expect(images).to.equal('kconform/busybox:v2 kconform/busybox:test');
    expect(await ok('scale', 'deployment/web', '--replicas', '4')).to.include('deployment.apps/web scaled');
    expect(await ok('set', 'image', 'deployment/web', 'main=kconform/busybox:v3')).to.include(
      'deployment.apps/web image updated',
    );
    const after = JSON.parse(await ok('get', 'deploy', 'web', '-o', 'json'));
    expect(after.spec.replicas).to.equal(4);
    expect(after.spec.template.spec.containers.map((c: { image: string }) => c.image)).to.deep.equal([
      'kconform/busybox:v3',
      'kconform/busybox:test',
    ]);
    expect(after.metadata.generation).to.equal(4);
  });

  it('a ReplicaSet with matchExpressions: apply, get rs, scale and a refused selector change', async () => {
    expect(await ok('apply', '-f', file('rs.yaml', REPLICASET))).to.include('replicaset.apps/front created');
    const table = await ok('get', 'rs');
    expect(table.split('\n')[0]).to.match(/^NAME\s+DESIRED\s+CURRENT\s+READY\s+AGE$/);
    expect(table).to.match(/front\s+2\s+0\s+0\s+\d+s/);
    expect(await ok('scale', 'rs', 'front', '--replicas', '0')).to.include('replicaset.apps/front scaled');
    const r = await kubectl(
      'patch',
      'rs',
      'front',
      '--type',
      'merge',
      '-p',
      '{"spec":{"selector":{"matchExpressions":null,"matchLabels":{"tier":"front"}}}}',
    );
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.include(
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"tier":"front"}',
    );
    expect(r.stderr).to.include('field is immutable');
  });

  it('kubectl explain reads the apps/v1 schema', async () => {
    const text = await ok('explain', 'deployment.spec.strategy');
    expect(text).to.include('GROUP:      apps');
    expect(text).to.include('rollingUpdate');
  });
});
