// @host: the real kubectl against a throwaway loopback server that records request bodies. Each
// typed-client command's protobuf body must decode to exactly the object the same command prints
// with `--dry-run=client -o json` (nothing needed removing: no field differs). Run with
// KCONFORM_UPDATE_PROTOBUF_FIXTURES=1 to rewrite the captured bodies under fixtures/ that the fast
// test decodes without kubectl (formatted by prettier); review the change as a diff.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as prettier from 'prettier';
import { apiGroupList, apiResourceList, apiVersions, versionInfo } from '../../src/http/discovery.ts';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from '../../src/protobuf/kubernetes-protobuf.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const UPDATE_FIXTURES = process.env.KCONFORM_UPDATE_PROTOBUF_FIXTURES === '1';
const CREATE_QUERY = '?fieldManager=kubectl-create&fieldValidation=Strict';
/** Not valid UTF-8, so kubectl puts it in binaryData (ConfigMap) and base64 (Secret). */
const BINARY_FILE_BYTES = Buffer.from([0xff, 0xfe, 0x00, 0x01, 0x80]);

interface Recorded {
  method: string;
  url: string;
  contentType: string;
  accept: string;
  body: Buffer;
}

function statusJson(code: number, status: 'Success' | 'Failure', message = '') {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status, message, code };
}

/** Just enough apiserver for kubectl: discovery, one Node, and create/delete answered in JSON. */
function handle(req: IncomingMessage, body: Buffer, res: ServerResponse, host: string): void {
  const json = (code: number, value: unknown) => {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  const path = new URL(req.url ?? '/', 'http://loopback').pathname;
  const group = /^\/apis\/([^/]+)\/([^/]+)$/.exec(path);
  if (req.method === 'GET') {
    if (path === '/version') return json(200, versionInfo());
    if (path === '/api') return json(200, apiVersions(host));
    if (path === '/apis') return json(200, apiGroupList());
    if (path === '/api/v1') return json(200, apiResourceList('', 'v1'));
    if (group) return json(200, apiResourceList(group[1]!, group[2]!) ?? statusJson(404, 'Failure'));
    if (path === '/api/v1/nodes/n1')
      return json(200, { kind: 'Node', apiVersion: 'v1', metadata: { name: 'n1' } });
  }
  if (req.method === 'POST') {
    const isProtobuf = (req.headers['content-type'] ?? '').startsWith(PROTOBUF_MEDIA_TYPE);
    try {
      // Echo the object back, as an apiserver answers a create; kubectl debug reads its containers.
      return json(201, isProtobuf ? decodeKubernetesProtobuf(body).object : JSON.parse(body.toString()));
    } catch (err) {
      return json(400, statusJson(400, 'Failure', (err as Error).message));
    }
  }
  if (req.method === 'DELETE') return json(200, statusJson(200, 'Success'));
  json(404, statusJson(404, 'Failure', `${req.method} ${path} not served here`));
}

describe('protobuf request bodies from the real kubectl @host', function () {
  this.timeout(120_000);
  let server: Server;
  let dir: string;
  let kubeconfig: string;
  let binaryFile: string;
  const recorded: Recorded[] = [];

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const { method = '', url = '' } = req;
        const contentType = req.headers['content-type'] ?? '';
        recorded.push({ method, url, contentType, accept: req.headers.accept ?? '', body });
        handle(req, body, res, `127.0.0.1:${(server.address() as AddressInfo).port}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    dir = mkdtempSync(join(tmpdir(), 'kconform-protobuf-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        `clusters: [{name: loopback, cluster: {server: "http://127.0.0.1:${port}"}}]`,
        'users: [{name: dummy, user: {token: dummy-token}}]',
        'contexts: [{name: loopback, context: {cluster: loopback, user: dummy, namespace: default}}]',
        'current-context: loopback',
        '',
      ].join('\n'),
    );
    binaryFile = join(dir, 'binary');
    writeFileSync(binaryFile, BINARY_FILE_BYTES);
  });
  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  // kubectl runs as a child process while this process serves it: never block on it (no spawnSync).
  const kubectl = (...args: string[]) =>
    new Promise<string>((resolve, reject) => {
      const env = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig };
      execFile(
        'kubectl',
        ['--kubeconfig', kubeconfig, ...args],
        { encoding: 'utf8', timeout: 60_000, env },
        (err, stdout, stderr) =>
          err ? reject(new Error(`kubectl ${args.join(' ')}: ${err.message}\n${stderr}`)) : resolve(stdout),
      );
    });
  /** The one body-carrying request `args` sends. */
  const capture = async (...args: string[]): Promise<Recorded> => {
    const before = recorded.length;
    await kubectl(...args);
    const sent = recorded.slice(before).filter((r) => r.body.length > 0);
    expect(sent, `requests with a body from kubectl ${args.join(' ')}`).to.have.length(1);
    return sent[0]!;
  };
  const saveFixture = async (name: string, body: Buffer, expected: unknown) => {
    if (!UPDATE_FIXTURES) return;
    const jsonFile = join(FIXTURES, `${name}.json`);
    const options = (await prettier.resolveConfig(jsonFile)) ?? {};
    writeFileSync(join(FIXTURES, `${name}.pb`), body);
    writeFileSync(
      jsonFile,
      await prettier.format(JSON.stringify(expected), { ...options, filepath: jsonFile }),
    );
  };

  const creates: Array<{ title: string; args: string[]; path: string; fixture?: string }> = [
    {
      title: 'create namespace',
      args: ['create', 'namespace', 'kc'],
      path: '/api/v1/namespaces',
      fixture: 'namespace',
    },
    {
      title: 'create configmap (literal and binary file)',
      args: ['create', 'configmap', 'x', '--from-literal=a=b', '--from-file=bin=BINARY'],
      path: '/api/v1/namespaces/default/configmaps',
      fixture: 'configmap',
    },
    {
      title: 'create secret generic',
      args: ['create', 'secret', 'generic', 's', '--from-literal=a=b', '--from-file=bin=BINARY'],
      path: '/api/v1/namespaces/default/secrets',
      fixture: 'secret-generic',
    },
    {
      title: 'create secret docker-registry',
      args: [
        'create',
        'secret',
        'docker-registry',
        'reg',
        '--docker-username=u',
        '--docker-password=p',
        '--docker-server=r.example',
      ],
      path: '/api/v1/namespaces/default/secrets',
    },
    {
      title: 'create serviceaccount',
      args: ['create', 'serviceaccount', 'sa'],
      path: '/api/v1/namespaces/default/serviceaccounts',
      fixture: 'serviceaccount',
    },
    {
      title: 'create service clusterip',
      args: ['create', 'service', 'clusterip', 'web', '--tcp=80:8080'],
      path: '/api/v1/namespaces/default/services',
      fixture: 'service-clusterip',
    },
    {
      title: 'create service clusterip (headless)',
      args: ['create', 'service', 'clusterip', 'headless', '--clusterip=None'],
      path: '/api/v1/namespaces/default/services',
    },
    {
      title: 'create service nodeport',
      args: ['create', 'service', 'nodeport', 'np', '--tcp=80:8080', '--node-port=30080'],
      path: '/api/v1/namespaces/default/services',
      fixture: 'service-nodeport',
    },
    {
      title: 'create service loadbalancer (named target port)',
      args: ['create', 'service', 'loadbalancer', 'lb', '--tcp=443:https'],
      path: '/api/v1/namespaces/default/services',
    },
    {
      title: 'create service externalname',
      args: ['create', 'service', 'externalname', 'ex', '--external-name=example.com'],
      path: '/api/v1/namespaces/default/services',
    },
  ];

  for (const { title, args, path, fixture } of creates) {
    it(`kubectl ${title}: protobuf body decodes to the --dry-run=client object`, async () => {
      const withFile = args.map((a) => a.replace('BINARY', binaryFile));
      const sent = await capture(...withFile);
      expect(sent.method).to.equal('POST');
      expect(sent.url).to.equal(path + CREATE_QUERY);
      expect(sent.contentType).to.equal(PROTOBUF_MEDIA_TYPE);
      expect(sent.accept).to.equal(`${PROTOBUF_MEDIA_TYPE},application/json`);
      const expected = JSON.parse(await kubectl(...withFile, '--dry-run=client', '-o', 'json'));
      expect(decodeKubernetesProtobuf(sent.body).object).to.deep.equal(expected);
      if (fixture) await saveFixture(fixture, sent.body, expected);
    });
  }

  it('kubectl debug node: creates its Pod in protobuf', async () => {
    const sent = await capture(
      'debug',
      'node/n1',
      '--image=busybox',
      '--profile=sysadmin',
      '--env=A=1',
      '--',
      'sleep',
      '1',
    );
    expect([sent.method, sent.url, sent.contentType]).to.deep.equal([
      'POST',
      '/api/v1/namespaces/default/pods',
      PROTOBUF_MEDIA_TYPE,
    ]);
    const { object } = decodeKubernetesProtobuf(sent.body);
    const name = (object.metadata as { name: string }).name;
    expect(name).to.match(/^node-debugger-n1-[a-z0-9]{5}$/);
    const expected = {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name, creationTimestamp: null },
      spec: {
        volumes: [{ name: 'host-root', hostPath: { path: '/' } }],
        containers: [
          {
            name: 'debugger',
            image: 'busybox',
            command: ['sleep', '1'],
            env: [{ name: 'A', value: '1' }],
            resources: {},
            volumeMounts: [{ name: 'host-root', mountPath: '/host' }],
            terminationMessagePolicy: 'File',
            securityContext: { privileged: true },
          },
        ],
        restartPolicy: 'Never',
        nodeName: 'n1',
        hostNetwork: true,
        hostPID: true,
        hostIPC: true,
        tolerations: [{ operator: 'Exists' }],
      },
      status: {},
    };
    expect(object).to.deep.equal(expected);
    await saveFixture('pod-debug-node', sent.body, expected);
  });

  it('kubectl run and kubectl delete send JSON, not protobuf', async () => {
    const run = [
      'run',
      'web',
      '--image=nginx',
      '--port=80',
      '--labels=app=web',
      '--env=A=1',
      '--restart=Never',
    ];
    const created = await capture(...run, '--command', '--', 'sh', '-c', 'echo hi');
    expect([created.method, created.url, created.contentType]).to.deep.equal([
      'POST',
      '/api/v1/namespaces/default/pods?fieldManager=kubectl-run',
      'application/json',
    ]);
    const dryRun = JSON.parse(
      await kubectl(...run, '--dry-run=client', '-o', 'json', '--command', '--', 'sh', '-c', 'echo hi'),
    );
    expect(JSON.parse(created.body.toString())).to.deep.equal(dryRun);

    const deleted = await capture('delete', 'configmap', 'x');
    expect([deleted.method, deleted.url, deleted.contentType]).to.deep.equal([
      'DELETE',
      '/api/v1/namespaces/default/configmaps/x',
      'application/json',
    ]);
    expect(JSON.parse(deleted.body.toString())).to.deep.equal({ propagationPolicy: 'Background' });
  });

  it('never asks for /openapi/v3 to create with fieldValidation=Strict', () => {
    expect(recorded.filter((r) => r.url.startsWith('/openapi'))).to.deep.equal([]);
  });
});
