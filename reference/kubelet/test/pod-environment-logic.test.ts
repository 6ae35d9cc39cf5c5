// The pure parts of what a pod's containers get from the kubelet: `$(VAR)` expansion, the service
// variables, the environment (envFrom, valueFrom, optional sources), the downward API, /etc/hosts
// and resolv.conf, API data volume payloads and the atomic writer (on a temp folder).
import { expect } from 'chai';
import {
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readlinkSync,
  readdirSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1ConfigMap, V1Container, V1Pod, V1Secret, V1Service } from '@kubernetes/client-node';
import { containerBinds, containerSpec, cpuQuota, cpuShares } from '../src/pods/container-spec.ts';
import {
  formatMap,
  metadataField,
  resourceFieldValue,
  type DownwardContext,
} from '../src/pods/downward-api.ts';
import { ContainerConfigError, expandCommand, resolveEnv, type EnvSources } from '../src/pods/env.ts';
import { podDnsConfig, renderHosts, renderResolvConf } from '../src/pods/etc-files.ts';
import { expand, mappingFor } from '../src/pods/expansion.ts';
import { serviceEnvironment } from '../src/pods/service-env.ts';
import { DATA_DIR_NAME, writeAtomically } from '../src/volumes/atomic-writer.ts';
import { memoryVolumeSize } from '../src/volumes/empty-dir.ts';
import { checkHostPathType } from '../src/volumes/host-path.ts';
import { configMapPayload, downwardApiPayload, secretPayload } from '../src/volumes/projections.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

const pod = (spec: Partial<V1Pod['spec']> = {}): V1Pod => ({
  metadata: {
    name: 'web-0',
    namespace: 'shop',
    uid: 'uid-1',
    labels: { app: 'web', tier: 'front' },
    annotations: { note: 'say "hi"' },
  },
  spec: {
    nodeName: 'node-a',
    serviceAccountName: 'sa',
    containers: [{ name: 'main', image: 'img' }],
    ...spec,
  },
});

const downward: DownwardContext = {
  podIps: ['10.244.1.5'],
  hostIps: ['192.168.1.2'],
  allocatable: { cpu: '2', memory: '4Gi' },
};

function sources(
  configMaps: Record<string, V1ConfigMap>,
  secrets: Record<string, V1Secret> = {},
): EnvSources {
  return {
    configMap: (_ns, name) => Promise.resolve(configMaps[name]),
    secret: (_ns, name) => Promise.resolve(secrets[name]),
  };
}

describe('kubelet: $(VAR) expansion (upstream expansion.Expand)', () => {
  const mapping = mappingFor(
    new Map([
      ['A', 'x'],
      ['EMPTY', ''],
    ]),
  );
  const cases: [string, string][] = [
    ['$(A)', 'x'],
    ['pre-$(A)-post', 'pre-x-post'],
    ['$(UNKNOWN)', '$(UNKNOWN)'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$x'],
    ['$(EMPTY)z', 'z'],
    ['$A', '$A'],
    ['$(A', '$(A'],
    ['trailing $', 'trailing $'],
    ['$()', '$()'],
  ];
  for (const [input, want] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(want)}`, () =>
      expect(expand(input, mapping)).to.equal(want));
  }
});

describe('kubelet: service environment variables', () => {
  const svc = (
    namespace: string,
    name: string,
    clusterIP: string,
    ports: NonNullable<V1Service['spec']>['ports'],
  ): V1Service => ({ metadata: { namespace, name }, spec: { clusterIP, ports } }) as V1Service;
  const services = [
    svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]),
    svc('shop', 'redis-primary', '10.96.0.20', [
      { port: 6379 },
      { name: 'metrics', port: 9121, protocol: 'UDP' },
    ]),
    svc('shop', 'headless', 'None', [{ port: 80 }]),
    svc('other', 'elsewhere', '10.96.0.30', [{ port: 80 }]),
  ];

  it('gives docker-link variables for the namespace and for kubernetes, upstream names and values', () => {
    const env = serviceEnvironment(services, 'shop', true);
    expect(Object.fromEntries(env)).to.deep.equal({
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443',
      KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
      REDIS_PRIMARY_SERVICE_HOST: '10.96.0.20',
      REDIS_PRIMARY_SERVICE_PORT: '6379',
      REDIS_PRIMARY_SERVICE_PORT_METRICS: '9121',
      REDIS_PRIMARY_PORT: 'tcp://10.96.0.20:6379',
      REDIS_PRIMARY_PORT_6379_TCP: 'tcp://10.96.0.20:6379',
      REDIS_PRIMARY_PORT_6379_TCP_PROTO: 'tcp',
      REDIS_PRIMARY_PORT_6379_TCP_PORT: '6379',
      REDIS_PRIMARY_PORT_6379_TCP_ADDR: '10.96.0.20',
      REDIS_PRIMARY_PORT_9121_UDP: 'udp://10.96.0.20:9121',
      REDIS_PRIMARY_PORT_9121_UDP_PROTO: 'udp',
      REDIS_PRIMARY_PORT_9121_UDP_PORT: '9121',
      REDIS_PRIMARY_PORT_9121_UDP_ADDR: '10.96.0.20',
    });
  });

  it('keeps only the kubernetes service when enableServiceLinks is false', () => {
    const env = serviceEnvironment(services, 'shop', false);
    expect([...env.keys()].every((k) => k.startsWith('KUBERNETES_'))).to.equal(true);
    expect(env.get('KUBERNETES_SERVICE_HOST')).to.equal('10.96.0.1');
  });
});

describe('kubelet: container environment (makeEnvironmentVariables)', () => {
  const cm: V1ConfigMap = { data: { level: 'debug', 'url-key': 'http://x' } };
  const secret: V1Secret = { data: { password: b64('s3cret') } };

  it('resolves envFrom with prefix, values with $(VAR), fieldRefs, resourceFieldRefs and key refs', async () => {
    const container: V1Container = {
      name: 'main',
      image: 'img',
      envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }, { secretRef: { name: 'sec' } }],
      env: [
        { name: 'NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'GREETING', value: 'hi $(NAME) in $(CFG_level) via $(REDIS_SERVICE_HOST), $$(NAME) $(NOPE)' },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'TIER', valueFrom: { fieldRef: { fieldPath: "metadata.labels['tier']" } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
        { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'POD_IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } },
        { name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
        { name: 'MEM_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'level' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
        { name: 'MISSING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'none', optional: true } } },
      ],
    };
    const env = await resolveEnv(
      pod(),
      container,
      downward,
      sources({ cfg: cm }, { sec: secret }),
      new Map([
        ['REDIS_SERVICE_HOST', '10.96.0.20'],
        ['NAME', 'from-service'],
      ]),
    );
    expect(Object.fromEntries(env)).to.deep.equal({
      CFG_level: 'debug',
      'CFG_url-key': 'http://x',
      password: 's3cret',
      NAME: 'web-0',
      GREETING: 'hi web-0 in debug via 10.96.0.20, $(NAME) $(NOPE)',
      NS: 'shop',
      UID: 'uid-1',
      TIER: 'front',
      NODE: 'node-a',
      SA: 'sa',
      HOST_IP: '192.168.1.2',
      POD_IP: '10.244.1.5',
      POD_IPS: '10.244.1.5',
      CPU: '2',
      MEM_MI: '4096',
      LEVEL: 'debug',
      PASSWORD: 's3cret',
      REDIS_SERVICE_HOST: '10.96.0.20',
    });
  });

  it('fails with upstream messages for a missing object or key that is not optional', async () => {
    const failure = async (env: V1Container['env'], envFrom?: V1Container['envFrom']): Promise<string> => {
      const err = await resolveEnv(
        pod(),
        { name: 'main', env, ...(envFrom ? { envFrom } : {}) },
        downward,
        sources({ cfg: cm }),
        new Map(),
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).to.be.instanceOf(ContainerConfigError);
      return (err as Error).message;
    };
    expect(
      await failure([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'k' } } }]),
    ).to.equal('configmap "nope" not found');
    expect(
      await failure([{ name: 'X', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }]),
    ).to.equal("couldn't find key k in ConfigMap shop/cfg");
    expect(await failure([{ name: 'X', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }])).to.equal(
      'secret "s" not found',
    );
    expect(await failure([], [{ secretRef: { name: 's' } }])).to.equal('secret "s" not found');
    const optional = await resolveEnv(
      pod(),
      { name: 'main', envFrom: [{ configMapRef: { name: 'nope', optional: true } }] },
      downward,
      sources({}),
      new Map(),
    );
    expect(optional.size).to.equal(0);
  });

  it('expands command and args against the final environment', () => {
    const out = expandCommand(
      { name: 'c', command: ['sh', '-c', 'echo $(A) $$(A) $(B)'], args: ['$(A)'] },
      new Map([['A', 'one']]),
    );
    expect(out).to.deep.equal({ command: ['sh', '-c', 'echo one $(A) $(B)'], args: ['one'] });
  });
});

describe('kubelet: downward API values', () => {
  it('formats labels and annotations as upstream FormatMap, sorted and quoted', () => {
    expect(metadataField(pod(), 'metadata.labels')).to.equal('app="web"\ntier="front"');
    expect(metadataField(pod(), 'metadata.annotations')).to.equal('note="say \\"hi\\""');
    expect(formatMap({})).to.equal('');
  });

  it('divides resources by the divisor rounding up, and an unset limit is the node allocatable', () => {
    const p = pod({
      containers: [
        { name: 'main', resources: { limits: { cpu: '250m', memory: '64Mi' }, requests: { cpu: '100m' } } },
      ],
    });
    const main = p.spec!.containers[0]!;
    expect(resourceFieldValue({ resource: 'limits.cpu' }, p, main, downward)).to.equal('1');
    expect(resourceFieldValue({ resource: 'limits.cpu', divisor: '1m' }, p, main, downward)).to.equal('250');
    expect(resourceFieldValue({ resource: 'requests.cpu', divisor: '1m' }, p, main, downward)).to.equal(
      '100',
    );
    expect(resourceFieldValue({ resource: 'limits.memory', divisor: '1Mi' }, p, main, downward)).to.equal(
      '64',
    );
    expect(
      resourceFieldValue({ resource: 'limits.memory' }, pod(), pod().spec!.containers[0], downward),
    ).to.equal(String(4 * 2 ** 30));
    expect(
      resourceFieldValue(
        { resource: 'limits.cpu', containerName: 'main', divisor: '1m' },
        p,
        undefined,
        downward,
      ),
    ).to.equal('250');
  });
});

describe('kubelet: /etc/hosts and resolv.conf', () => {
  it('renders upstream managed hosts: localhost lines, the pod IP with hostname (and FQDN), aliases', () => {
    const p = pod({
      hostname: 'db',
      subdomain: 'backend',
      hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.local', 'bar.local'] }],
    });
    expect(renderHosts(p, ['10.244.1.5'], 'cluster.local')).to.equal(
      '# Kubernetes-managed hosts file.\n' +
        '127.0.0.1\tlocalhost\n' +
        '::1\tlocalhost ip6-localhost ip6-loopback\n' +
        'fe00::0\tip6-localnet\n' +
        'fe00::0\tip6-mcastprefix\n' +
        'fe00::1\tip6-allnodes\n' +
        'fe00::2\tip6-allrouters\n' +
        '10.244.1.5\tdb.backend.shop.svc.cluster.local\tdb\n' +
        '\n# Entries added by HostAliases.\n' +
        '10.1.2.3\tfoo.local\tbar.local\n',
    );
    expect(renderHosts(pod(), ['10.244.1.5'], 'cluster.local')).to.match(/\n10\.244\.1\.5\tweb-0\n$/);
  });

  const dns = {
    clusterDns: ['10.96.0.10'],
    clusterDomain: 'cluster.local',
    hostResolvConf: 'nameserver 1.1.1.1\nsearch corp.example\noptions rotate\n',
  };

  it('ClusterFirst: the cluster DNS, the cluster search path plus the host search, ndots:5', () => {
    expect(renderResolvConf(podDnsConfig(pod({ dnsPolicy: 'ClusterFirst' }), dns))).to.equal(
      'nameserver 10.96.0.10\nsearch shop.svc.cluster.local svc.cluster.local cluster.local corp.example\noptions ndots:5\n',
    );
  });

  it('Default: the host resolv.conf; None: dnsConfig alone; dnsConfig merges with options replaced', () => {
    expect(podDnsConfig(pod({ dnsPolicy: 'Default' }), dns)).to.deep.equal({
      servers: ['1.1.1.1'],
      searches: ['corp.example'],
      options: ['rotate'],
    });
    const none = pod({
      dnsPolicy: 'None',
      dnsConfig: {
        nameservers: ['1.2.3.4'],
        searches: ['a.example'],
        options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
      },
    });
    expect(renderResolvConf(podDnsConfig(none, dns))).to.equal(
      'nameserver 1.2.3.4\nsearch a.example\noptions ndots:2 edns0\n',
    );
    const merged = pod({
      dnsConfig: { nameservers: ['10.96.0.10', '9.9.9.9'], options: [{ name: 'ndots', value: '1' }] },
    });
    expect(podDnsConfig(merged, dns)).to.deep.include({
      servers: ['10.96.0.10', '9.9.9.9'],
      options: ['ndots:1'],
    });
    // A host-network pod with ClusterFirst uses the host's resolver.
    expect(podDnsConfig(pod({ hostNetwork: true }), dns).servers).to.deep.equal(['1.1.1.1']);
  });
});

describe('kubelet: container mounts and resources', () => {
  const volumes = new Map([
    ['data', { path: '/var/kubelet/pods/u/volumes/kubernetes.io~empty-dir/data', readOnly: false }],
    ['cfg', { path: '/var/kubelet/pods/u/volumes/kubernetes.io~configmap/cfg', readOnly: true }],
  ]);
  const etc = { hosts: '/p/etc-hosts', resolvConf: '/p/resolv.conf' };

  it('binds volumes (readOnly, subPath), API data read-only, and the /etc files unless mounted over', () => {
    const binds = containerBinds(
      {
        name: 'main',
        volumeMounts: [
          { name: 'data', mountPath: '/data', readOnly: true },
          { name: 'data', mountPath: '/logs', subPath: 'logs/app' },
          { name: 'cfg', mountPath: '/etc/hosts', subPath: 'hosts' },
        ],
      },
      volumes,
      etc,
    );
    expect(binds).to.deep.equal([
      '/var/kubelet/pods/u/volumes/kubernetes.io~empty-dir/data:/data:ro',
      '/var/kubelet/pods/u/volumes/kubernetes.io~empty-dir/data/logs/app:/logs',
      '/var/kubelet/pods/u/volumes/kubernetes.io~configmap/cfg/hosts:/etc/hosts:ro',
      '/p/resolv.conf:/etc/resolv.conf',
    ]);
    expect(() =>
      containerBinds(
        { name: 'm', volumeMounts: [{ name: 'data', mountPath: '/x', subPath: '../up' }] },
        volumes,
        etc,
      ),
    ).to.throw(ContainerConfigError);
    expect(() =>
      containerBinds({ name: 'm', volumeMounts: [{ name: 'nope', mountPath: '/x' }] }, volumes, etc),
    ).to.throw('cannot find volume "nope" to mount into container "m"');
  });

  it('maps limits to CFS quota and memory (no swap), requests to shares as upstream', () => {
    expect(cpuShares(0)).to.equal(2);
    expect(cpuShares(100)).to.equal(102);
    expect(cpuQuota(0)).to.equal(0);
    expect(cpuQuota(5)).to.equal(1000);
    expect(cpuQuota(1500)).to.equal(150_000);
    const spec = containerSpec(
      {
        name: 'main',
        image: 'img',
        resources: { requests: { cpu: '100m' }, limits: { cpu: '1', memory: '32Mi' } },
      },
      {
        pod: pod(),
        sandbox: {
          pod: { uid: 'uid-1', name: 'web-0', namespace: 'shop' },
          pauseId: 'p',
          ip: '10.244.1.5',
          gateway: undefined,
        },
        restartCount: 0,
      },
    );
    expect(spec).to.deep.include({
      cpuShares: 102,
      cpuQuota: 100_000,
      cpuPeriod: 100_000,
      memoryBytes: 32 * 2 ** 20,
      memorySwapBytes: 32 * 2 ** 20,
    });
  });

  it('sizes a Memory emptyDir by sizeLimit, else the pod memory limit, else allocatable', () => {
    const p = pod({ containers: [{ name: 'a', resources: { limits: { memory: '64Mi' } } }] });
    expect(
      memoryVolumeSize({ name: 'v', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } }, p, '1Gi'),
    ).to.equal(16 * 2 ** 20);
    expect(memoryVolumeSize({ name: 'v', emptyDir: { medium: 'Memory' } }, p, '1Gi')).to.equal(64 * 2 ** 20);
    expect(memoryVolumeSize({ name: 'v', emptyDir: { medium: 'Memory' } }, pod(), '1Gi')).to.equal(2 ** 30);
  });
});

describe('kubelet: API data volume payloads and the atomic writer', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kcf-atomic-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('configMap and secret payloads follow items, modes and optional as upstream', () => {
    const cm: V1ConfigMap = { data: { a: '1', b: '2' }, binaryData: { bin: b64('\u0001') } };
    expect([...configMapPayload(cm, undefined, 0o644, false).keys()].sort()).to.deep.equal(['a', 'b', 'bin']);
    const items = configMapPayload(cm, [{ key: 'a', path: 'sub/x', mode: 0o400 }], 0o644, false);
    expect([...items]).to.deep.equal([['sub/x', { data: Buffer.from('1'), mode: 0o400 }]]);
    expect(() => configMapPayload(cm, [{ key: 'zz', path: 'z' }], 0o644, false)).to.throw(
      'configmap references non-existent config key: zz',
    );
    expect(configMapPayload(cm, [{ key: 'zz', path: 'z' }], 0o644, true).size).to.equal(0);
    expect(secretPayload({ data: { p: b64('pw') } }, undefined, 0o400, false).get('p')).to.deep.equal({
      data: Buffer.from('pw'),
      mode: 0o400,
    });
    expect(() => secretPayload({ data: {} }, [{ key: 'k', path: 'k' }], 0o644, false)).to.throw(
      'references non-existent secret key: k',
    );
    const d = downwardApiPayload(
      pod(),
      [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }],
      0o644,
      downward,
    );
    expect(d.get('name')?.data.toString()).to.equal('web-0');
  });

  it('swaps ..data atomically: user-visible symlinks, new contents, stale names and old dirs gone', () => {
    const file = (text: string, mode = 0o644) => ({ data: Buffer.from(text), mode });
    expect(
      writeAtomically(
        dir,
        new Map([
          ['a', file('1')],
          ['sub/b', file('2', 0o600)],
        ]),
      ),
    ).to.equal(true);
    expect(readlinkSync(join(dir, 'a'))).to.equal(join(DATA_DIR_NAME, 'a'));
    expect(readFileSync(join(dir, 'sub', 'b'), 'utf8')).to.equal('2');
    expect(statSync(join(dir, 'sub', 'b')).mode & 0o777).to.equal(0o600);
    const firstTarget = readlinkSync(join(dir, DATA_DIR_NAME));
    expect(
      writeAtomically(
        dir,
        new Map([
          ['a', file('1')],
          ['sub/b', file('2', 0o600)],
        ]),
      ),
    ).to.equal(false);

    expect(
      writeAtomically(
        dir,
        new Map([
          ['a', file('changed')],
          ['c', file('3')],
        ]),
      ),
    ).to.equal(true);
    expect(readFileSync(join(dir, 'a'), 'utf8')).to.equal('changed');
    expect(readFileSync(join(dir, 'c'), 'utf8')).to.equal('3');
    expect(existsSync(join(dir, 'sub'))).to.equal(false);
    expect(existsSync(join(dir, firstTarget))).to.equal(false);
    expect(lstatSync(join(dir, DATA_DIR_NAME)).isSymbolicLink()).to.equal(true);
    expect(readdirSync(dir).filter((n) => n.startsWith('..')).length).to.equal(2); // ..data and one ts dir
    expect(() => writeAtomically(dir, new Map([['../x', file('no')]]))).to.throw("must not contain '..'");
  });

  it('checks hostPath types as upstream, creating for the OrCreate types', () => {
    checkHostPathType(join(dir, 'made'), 'DirectoryOrCreate');
    expect(statSync(join(dir, 'made')).isDirectory()).to.equal(true);
    checkHostPathType(join(dir, 'made', 'f'), 'FileOrCreate');
    expect(statSync(join(dir, 'made', 'f')).isFile()).to.equal(true);
    expect(() => checkHostPathType(join(dir, 'made', 'f'), 'Directory')).to.throw(
      `hostPath type check failed: ${join(dir, 'made', 'f')} is not a directory`,
    );
    expect(() => checkHostPathType(join(dir, 'absent'), 'File')).to.throw('is not a file');
    expect(() => checkHostPathType(dir, 'Socket')).to.throw('is not a socket file');
    checkHostPathType(join(dir, 'anything'), '');
  });
});
