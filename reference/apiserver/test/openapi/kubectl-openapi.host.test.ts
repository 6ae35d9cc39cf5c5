// The OpenAPI documents against the real kubectl (1.32), through a throwaway loopback server
// that serves only discovery, /openapi/* and just enough of the pod endpoints to see what
// kubectl sends. Needs /usr/bin/kubectl; no cluster, no network beyond 127.0.0.1.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
} from '../../src/http/discovery.ts';
import { OpenApiDocuments } from '../../src/openapi/openapi.ts';
import {
  cannotBeHandledMessage,
  fieldValidationWarnings,
  unknownFields,
} from '../../src/openapi/unknown-fields.ts';

const KUBECTL = '/usr/bin/kubectl';
const docs = new OpenApiDocuments();

interface Seen {
  method: string;
  url: string;
  contentType?: string;
  body: string;
}

interface ThrowawayOptions {
  /** Answer 404 to /openapi/v3*, so kubectl falls back to /openapi/v2. */
  noV3?: boolean;
  /** An existing pod returned for GET /api/v1/namespaces/default/pods/<name>. */
  existing?: Record<string, unknown>;
}

async function startServer(
  options: ThrowawayOptions,
): Promise<{ url: string; seen: Seen[]; close: () => Promise<void> }> {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks).toString();
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: req.headers['content-type'],
        body,
      });
      const send = (
        status: number,
        value: unknown,
        headers: Record<string, string | string[]> = {},
      ): void => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(JSON.stringify(value));
      };
      const notFound = (): void =>
        send(404, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
          message: 'not found',
        });
      const p = url.pathname;
      if (options.noV3 && p.startsWith('/openapi/v3')) return notFound();
      const openapi = docs.serve(p, url.searchParams, req.headers, req.method);
      if (openapi) {
        res.writeHead(openapi.status, openapi.headers);
        return res.end(openapi.body);
      }
      if (p === '/version') return send(200, versionInfo());
      if (p === '/api') return send(200, apiVersions('127.0.0.1'));
      if (p === '/apis') return send(200, apiGroupList());
      if (p === '/api/v1') return send(200, apiResourceList('', 'v1'));
      const group = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(p);
      if (group) return send(200, group[2] ? apiResourceList(group[1]!, group[2]) : apiGroup(group[1]!));
      const pod = /^\/api\/v1\/namespaces\/default\/pods(?:\/([^/]+))?$/.exec(p);
      if (!pod) return notFound();
      if (req.method === 'GET' && pod[1] && options.existing) return send(200, options.existing);
      if (req.method === 'PATCH' && options.existing) return send(200, options.existing);
      if (req.method !== 'POST') return notFound();
      // A stand-in for the apiserver's create: field validation as the real handler will do it.
      const obj = JSON.parse(body) as Record<string, unknown>;
      const gvk = { group: '', version: 'v1', kind: 'Pod' };
      const errors = unknownFields(docs.index, gvk, obj);
      const directive = url.searchParams.get('fieldValidation') ?? 'Warn';
      if (errors.length && directive === 'Strict')
        return send(400, {
          kind: 'Status',
          apiVersion: 'v1',
          status: 'Failure',
          reason: 'BadRequest',
          code: 400,
          message: cannotBeHandledMessage(gvk, errors),
        });
      const warnings = directive === 'Warn' ? fieldValidationWarnings(errors) : [];
      return send(
        201,
        { ...obj, metadata: { ...(obj.metadata as object), uid: 'u-1', resourceVersion: '1' } },
        warnings.length ? { Warning: warnings } : {},
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

const POD =
  'apiVersion: v1\nkind: Pod\nmetadata: {name: p1}\nspec:\n  containers:\n  - name: c\n    image: busybox\n';
const BAD_POD =
  'apiVersion: v1\nkind: Pod\nmetadata: {name: p1}\nspec:\n  foo: 1\n  containers:\n  - name: c\n    image: busybox\n';
const BAD_LIST =
  'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  metadata: {name: p1}\n  spec:\n    foo: 1\n    containers:\n    - image: busybox\n';

describe('OpenAPI documents with the real kubectl @host', function () {
  this.timeout(120_000);
  let dir = '';

  before(async function () {
    if (!existsSync(KUBECTL)) this.skip();
    dir = await mkdtemp(join(tmpdir(), 'kconform-openapi-'));
    await writeFile(join(dir, 'pod.yaml'), POD);
    await writeFile(join(dir, 'bad-pod.yaml'), BAD_POD);
    await writeFile(join(dir, 'bad-list.yaml'), BAD_LIST);
  });
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** Runs kubectl against a fresh throwaway server (and a fresh cache) with the given options. */
  async function kubectl(options: ThrowawayOptions, ...args: string[]): Promise<Run & { seen: Seen[] }> {
    const server = await startServer(options);
    const run = `${dir}/run-${Math.random().toString(36).slice(2)}`;
    const kubeconfig = `${run}.kubeconfig`;
    await writeFile(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- cluster: {server: "${server.url}"}\n  name: c\ncontexts:\n- context: {cluster: c, user: u, namespace: default}\n  name: c\ncurrent-context: c\nusers:\n- name: u\n  user: {}\n`,
    );
    try {
      const result = await new Promise<Run>((resolve) =>
        execFile(
          KUBECTL,
          ['--kubeconfig', kubeconfig, '--cache-dir', `${run}.cache`, ...args],
          { cwd: dir, timeout: 60_000 },
          (err, stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
      return { ...result, seen: server.seen };
    } finally {
      await server.close();
    }
  }

  it('explains pods.spec.containers.livenessProbe from the v3 document', async () => {
    const run = await kubectl({}, 'explain', 'pods.spec.containers.livenessProbe');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.match(/^KIND:\s+Pod\nVERSION:\s+v1\n\nFIELD: livenessProbe <Probe>/);
    expect(run.stdout).to.include('httpGet\t<HTTPGetAction>').and.include('periodSeconds\t<integer>');
    expect(run.seen.map((s) => s.url)).to.satisfy((urls: string[]) =>
      urls.some((u) => u.startsWith(`/openapi/v3/api/v1?hash=${docs.v3Hash('api/v1')}`)),
    );
  });

  it('explains a field of a named group', async () => {
    const run = await kubectl({}, 'explain', 'endpointslices.endpoints.conditions');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stdout).to.include('GROUP:      discovery.k8s.io').and.include('ready\t<boolean>');
  });

  it('applies with --dry-run=client, leaving validation to the server (no /openapi/v2 fetch)', async () => {
    const run = await kubectl({}, 'apply', '--dry-run=client', '-f', 'pod.yaml', '-o', 'json');
    expect(run.code, run.stderr).to.equal(0);
    const pod = JSON.parse(run.stdout) as {
      metadata: { name: string };
      spec: { containers: Array<{ name: string }> };
    };
    expect(pod.metadata.name).to.equal('p1');
    expect(pod.spec.containers[0]!.name).to.equal('c');
    expect(run.seen.some((s) => s.url.startsWith('/openapi/v2'))).to.equal(false);
  });

  it("sends fieldValidation=Strict on create and shows the server's strict decoding error", async () => {
    const ok = await kubectl({}, 'create', '--dry-run=server', '-f', 'pod.yaml');
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout.trim()).to.equal('pod/p1 created (server dry run)');
    const post = ok.seen.find((s) => s.method === 'POST')!;
    expect(post.url).to.include('dryRun=All').and.include('fieldValidation=Strict');

    const bad = await kubectl({}, 'create', '--dry-run=server', '-f', 'bad-pod.yaml');
    expect(bad.code).to.equal(1);
    expect(bad.stderr.trim()).to.equal(
      'Error from server (BadRequest): error when creating "bad-pod.yaml": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.foo"',
    );
  });

  it("passes fieldValidation=Warn through and prints the server's warnings", async () => {
    const run = await kubectl({}, 'create', '--dry-run=server', '--validate=warn', '-f', 'bad-pod.yaml');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.stderr).to.include('Warning: unknown field "spec.foo"');
    expect(run.seen.find((s) => s.method === 'POST')!.url).to.include('fieldValidation=Warn');
  });

  it('validates a List client-side against the protobuf /openapi/v2', async () => {
    const run = await kubectl({}, 'apply', '--dry-run=client', '-f', 'bad-list.yaml');
    expect(run.code).to.equal(1);
    expect(run.stderr).to.include(
      'ValidationError(Pod.spec): unknown field "foo" in io.k8s.api.core.v1.PodSpec',
    );
    expect(run.stderr).to.include(
      'ValidationError(Pod.spec.containers[0]): missing required field "name" in io.k8s.api.core.v1.Container',
    );
    expect(run.seen.some((s) => s.url.startsWith('/openapi/v2'))).to.equal(true);
  });

  it('falls back to /openapi/v2 (protobuf) when /openapi/v3 is missing', async () => {
    const run = await kubectl({ noV3: true }, 'create', '--dry-run=server', '-f', 'pod.yaml');
    expect(run.code, run.stderr).to.equal(0);
    expect(run.seen.some((s) => s.url.startsWith('/openapi/v2'))).to.equal(true);
    expect(run.seen.find((s) => s.method === 'POST')!.url).to.include('fieldValidation=Strict');
  });

  it('computes a strategic merge patch from the v3 merge keys when applying over an existing pod', async () => {
    const applied = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p1', namespace: 'default' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    };
    const existing = {
      ...applied,
      metadata: {
        ...applied.metadata,
        uid: 'u-1',
        resourceVersion: '5',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(applied) },
      },
    };
    await writeFile(
      join(dir, 'pod2.yaml'),
      POD.replace('busybox', 'busybox:2') + '  - name: d\n    image: nginx\n',
    );
    const run = await kubectl({ existing }, 'apply', '-f', 'pod2.yaml');
    expect(run.code, run.stderr).to.equal(0);
    const patch = run.seen.find((s) => s.method === 'PATCH')!;
    expect(patch.contentType).to.equal('application/strategic-merge-patch+json');
    expect(patch.url).to.include('fieldValidation=Strict');
    const spec = (JSON.parse(patch.body) as { spec: Record<string, unknown> }).spec;
    expect(spec['$setElementOrder/containers']).to.deep.equal([{ name: 'c' }, { name: 'd' }]);
    expect(spec.containers).to.deep.equal([
      { image: 'busybox:2', name: 'c' },
      { image: 'nginx', name: 'd' },
    ]);
  });
});
