// @host: what the reference kubelet gives a pod's containers, end to end on a real apiserver
// process, the Docker engine and CNI: volumes (emptyDir shared and as tmpfs, configMap and secret
// files that follow their objects, downwardAPI, hostPath with type checks, persistentVolumeClaim
// through its bound PersistentVolume, subPath and readOnly), the environment (fieldRefs, key refs,
// envFrom, service variables, $(VAR) in command), the kubelet-managed /etc/hosts and resolv.conf,
// and resources (cgroup settings, OOMKilled). Nothing is left on the host afterwards.
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import type * as k8s from '@kubernetes/client-node';
import { runCommand } from '../../../common/src/exec.ts';
import { LABEL_NODE } from '../src/runtime/container-runtime.ts';
import {
  fixtureImages,
  RUN_ID,
  podUntil as podUntilIn,
  startKubeletTestNode,
  type KubeletTestNode,
} from './support/host-node.ts';

const NODE = `ke-${RUN_ID}`;
const NODE_INDEX = 150 + (process.pid % 50); // clear of kubelet.host.test.ts's 200..249
const NS = 'env';

describe('reference kubelet: volumes, environment, /etc files and resources @host', function () {
  this.timeout(120_000);
  const docker = new Docker();
  const images = fixtureImages();
  let dir: string;
  let bed: KubeletTestNode | undefined;
  let core: k8s.CoreV1Api;
  const podsDir = (): string => join(dir, 'node', 'pods');

  before(async () => {
    bed = await startKubeletTestNode({
      prefix: 'kconform-kubelet-env-',
      guardTag: 'E',
      nodeName: NODE,
      nodeIndex: NODE_INDEX,
      namespace: NS,
      kubelet: (folder) => {
        writeFileSync(join(folder, 'host-resolv.conf'), 'nameserver 192.0.2.53\nsearch corp.example\n');
        return { resolvConf: join(folder, 'host-resolv.conf') };
      },
    });
    ({ dir, core } = bed);
  });

  after(async () => {
    await bed?.stop();
  });

  const pod = (
    name: string,
    spec: Partial<k8s.V1PodSpec> & Pick<k8s.V1PodSpec, 'containers'>,
  ): k8s.V1Pod => ({
    metadata: { name, namespace: NS, labels: { app: name } },
    spec: { nodeName: NODE, terminationGracePeriodSeconds: 1, ...spec },
  });
  const sleeper = (name: string, extra: Partial<k8s.V1Container> = {}): k8s.V1Container => ({
    name,
    image: images.busybox,
    command: ['sh', '-c', 'exec sleep 3600'],
    ...extra,
  });

  const podUntil = (name: string, what: string, done: (p: k8s.V1Pod) => boolean, timeoutMs = 60_000) =>
    podUntilIn(core, NS, name, what, done, timeoutMs);
  const running = (name: string): Promise<k8s.V1Pod> =>
    podUntil(
      name,
      'Running',
      (p) => p.status?.phase === 'Running' && !!p.status.containerStatuses?.every((c) => c.state?.running),
    );
  const containerId = (p: k8s.V1Pod, name: string): string =>
    p.status!.containerStatuses!.find((c) => c.name === name)!.containerID!.slice('docker://'.length);

  async function exec(id: string, script: string): Promise<string> {
    const result = await runCommand('docker', ['exec', id, 'sh', '-c', script], { allowFailure: true });
    if (result.code !== 0) throw new Error(`exec ${script} failed (${result.code}): ${result.stderr}`);
    return result.stdout;
  }
  async function events(name: string): Promise<k8s.CoreV1Event[]> {
    const list = await core.listNamespacedEvent({
      namespace: NS,
      fieldSelector: `involvedObject.name=${name}`,
    });
    return list.items;
  }
  async function eventUntil(name: string, reason: string): Promise<k8s.CoreV1Event> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const found = (await events(name)).find((e) => e.reason === reason);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(
      `no ${reason} event for ${name} after 30000 ms; events: ${JSON.stringify((await events(name)).map((e) => e.message))}`,
    );
  }
  async function deleteAndWait(name: string): Promise<void> {
    await core.deleteNamespacedPod({ name, namespace: NS });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const gone = await core.readNamespacedPod({ name, namespace: NS }).then(
        () => false,
        () => true,
      );
      if (gone) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`pod ${name} still there 30 s after deletion`);
  }

  it('shares an emptyDir between containers, a Memory emptyDir is a sized tmpfs, and both go with the pod', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('shared', {
        volumes: [
          { name: 'scratch', emptyDir: {} },
          { name: 'ram', emptyDir: { medium: 'Memory', sizeLimit: '8Mi' } },
        ],
        containers: [
          sleeper('writer', {
            volumeMounts: [
              { name: 'scratch', mountPath: '/out' },
              { name: 'ram', mountPath: '/ram' },
            ],
          }),
          sleeper('reader', {
            volumeMounts: [
              { name: 'scratch', mountPath: '/in', readOnly: true },
              { name: 'ram', mountPath: '/ram' },
            ],
          }),
        ],
      }),
    });
    const p = await running('shared');
    const writer = containerId(p, 'writer');
    const reader = containerId(p, 'reader');
    await exec(writer, 'echo hello > /out/f && echo ram > /ram/r');
    expect(await exec(reader, 'cat /in/f /ram/r')).to.equal('hello\nram\n');
    expect(
      (await runCommand('docker', ['exec', reader, 'sh', '-c', 'touch /in/x'], { allowFailure: true })).code,
    ).to.not.equal(0);
    const mounts = await exec(writer, 'cat /proc/mounts');
    expect(mounts).to.match(/^tmpfs \/ram tmpfs .*size=8192k/m);
    const uidDir = join(podsDir(), p.metadata!.uid!);
    expect(readFileSync('/proc/self/mounts', 'utf8')).to.include(uidDir);
    await deleteAndWait('shared');
    expect(existsSync(uidDir)).to.equal(false);
    expect(readFileSync('/proc/self/mounts', 'utf8')).to.not.include(uidDir);
  });

  it('projects configMap and secret keys as read-only files with modes, and follows configMap updates', async () => {
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: 'cfg' }, data: { 'app.conf': 'v1', other: 'x' } },
    });
    await core.createNamespacedSecret({
      namespace: NS,
      body: { metadata: { name: 'sec' }, stringData: { password: 'pw' } },
    });
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('files', {
        volumes: [
          {
            name: 'cfg',
            configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o400 }] },
          },
          { name: 'sec', secret: { secretName: 'sec', defaultMode: 0o440 } },
          { name: 'opt', configMap: { name: 'absent', optional: true } },
          {
            name: 'meta',
            downwardAPI: {
              items: [
                { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
                { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
              ],
            },
          },
        ],
        containers: [
          sleeper('main', {
            volumeMounts: [
              { name: 'cfg', mountPath: '/cfg' },
              { name: 'sec', mountPath: '/sec' },
              { name: 'opt', mountPath: '/opt-cfg' },
              { name: 'meta', mountPath: '/meta' },
              { name: 'cfg', mountPath: '/single.conf', subPath: 'conf/app.conf' },
            ],
          }),
        ],
      }),
    });
    const id = containerId(await running('files'), 'main');
    expect(
      await exec(
        id,
        'cat /cfg/conf/app.conf; echo; cat /sec/password; echo; ls /opt-cfg | wc -l; cat /meta/labels; echo; cat /meta/name; echo; cat /single.conf',
      ),
    ).to.equal('v1\npw\n0\napp="files"\nfiles\nv1');
    expect(await exec(id, 'stat -L -c %a /cfg/conf/app.conf /sec/password')).to.equal('400\n440\n');
    expect(
      (await runCommand('docker', ['exec', id, 'sh', '-c', 'echo x > /cfg/new'], { allowFailure: true }))
        .code,
    ).to.not.equal(0);

    await core.replaceNamespacedConfigMap({
      name: 'cfg',
      namespace: NS,
      body: { metadata: { name: 'cfg' }, data: { 'app.conf': 'v2' } },
    });
    const deadline = Date.now() + 30_000;
    let seen = '';
    while (Date.now() < deadline && seen !== 'v2') {
      seen = await exec(id, 'cat /cfg/conf/app.conf');
      await new Promise((r) => setTimeout(r, 300));
    }
    expect(seen, 'the configMap volume after the update').to.equal('v2');
    await deleteAndWait('files');
  });

  it('a volume that cannot be set up keeps the pod ContainerCreating with a FailedMount event', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('nocfg', {
        volumes: [{ name: 'cfg', configMap: { name: 'missing' } }],
        containers: [sleeper('main', { volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }] })],
      }),
    });
    const event = await eventUntil('nocfg', 'FailedMount');
    expect(event.message).to.equal(
      'MountVolume.SetUp failed for volume "cfg" : configmap "missing" not found',
    );
    expect(event.type).to.equal('Warning');
    const waiting = await podUntil(
      'nocfg',
      'ContainerCreating',
      (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'ContainerCreating',
    );
    expect(waiting.status?.phase).to.equal('Pending');
    // Creating the configMap lets it start.
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: 'missing' }, data: { k: 'v' } },
    });
    const id = containerId(await running('nocfg'), 'main');
    expect(await exec(id, 'cat /cfg/k')).to.equal('v');
    await deleteAndWait('nocfg');
  });

  it('hostPath: DirectoryOrCreate makes the folder, File checks, data outlives the pod', async () => {
    const hostDir = join(dir, 'host-data');
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('hostpath', {
        volumes: [{ name: 'h', hostPath: { path: hostDir, type: 'DirectoryOrCreate' } }],
        containers: [
          sleeper('main', {
            volumeMounts: [
              { name: 'h', mountPath: '/h' },
              { name: 'h', mountPath: '/logs', subPath: 'logs' },
            ],
          }),
        ],
      }),
    });
    const id = containerId(await running('hostpath'), 'main');
    await exec(id, 'echo kept > /h/f; echo log > /logs/l');
    await deleteAndWait('hostpath');
    expect(readFileSync(join(hostDir, 'f'), 'utf8')).to.equal('kept\n');
    expect(readFileSync(join(hostDir, 'logs', 'l'), 'utf8')).to.equal('log\n');

    await core.createNamespacedPod({
      namespace: NS,
      body: pod('badhost', {
        volumes: [{ name: 'h', hostPath: { path: join(dir, 'no-such-file'), type: 'File' } }],
        containers: [sleeper('main', { volumeMounts: [{ name: 'h', mountPath: '/h' }] })],
      }),
    });
    expect((await eventUntil('badhost', 'FailedMount')).message).to.equal(
      `MountVolume.SetUp failed for volume "h" : hostPath type check failed: ${join(dir, 'no-such-file')} is not a file`,
    );
    await core.deleteNamespacedPod({ name: 'badhost', namespace: NS, gracePeriodSeconds: 0 });
  });

  it('persistentVolumeClaim: waits while unbound, then mounts the bound PV path', async () => {
    const pvDir = join(dir, 'pv-data');
    await core.createNamespacedPersistentVolumeClaim({
      namespace: NS,
      body: {
        metadata: { name: 'claim' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
    });
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('pvc', {
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'claim' } }],
        containers: [sleeper('main', { volumeMounts: [{ name: 'data', mountPath: '/data' }] })],
      }),
    });
    const event = await eventUntil('pvc', 'FailedMount');
    expect(event.message).to.match(
      new RegExp(
        `^Unable to attach or mount volumes: unmounted volumes=\\[data\\], unattached volumes=\\[data\\], failed to process volumes=\\[data\\]: error processing PVC ${NS}/claim: PVC is not bound`,
      ),
    );
    await core.createPersistentVolume({
      body: {
        metadata: { name: `pv-${RUN_ID}` },
        spec: {
          capacity: { storage: '1Gi' },
          accessModes: ['ReadWriteOnce'],
          hostPath: { path: pvDir, type: 'DirectoryOrCreate' },
        },
      },
    });
    const claim = await core.readNamespacedPersistentVolumeClaim({ name: 'claim', namespace: NS });
    claim.spec!.volumeName = `pv-${RUN_ID}`;
    const updated = await core.replaceNamespacedPersistentVolumeClaim({
      name: 'claim',
      namespace: NS,
      body: claim,
    });
    updated.status = { phase: 'Bound' };
    await core.replaceNamespacedPersistentVolumeClaimStatus({ name: 'claim', namespace: NS, body: updated });
    const id = containerId(await running('pvc'), 'main');
    await exec(id, 'echo persisted > /data/f');
    await deleteAndWait('pvc');
    expect(readFileSync(join(pvDir, 'f'), 'utf8')).to.equal('persisted\n');
    await core.deletePersistentVolume({ name: `pv-${RUN_ID}` });
  });

  it('builds the environment: fieldRefs, key refs, envFrom, service variables, $(VAR) in command', async () => {
    await core.createNamespacedConfigMap({
      namespace: NS,
      body: { metadata: { name: 'envcfg' }, data: { mode: 'fast', color: 'blue' } },
    });
    const svc = await core.createNamespacedService({
      namespace: NS,
      body: {
        metadata: { name: 'my-db' },
        spec: { ports: [{ name: 'sql', port: 5432 }], selector: { app: 'db' } },
      },
    });
    const ip = svc.spec!.clusterIP!;
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('envpod', {
        restartPolicy: 'Never',
        containers: [
          {
            name: 'main',
            image: images.busybox,
            command: ['sh', '-c', `echo "$(GREETING)|"'$$(GREETING)'; env | sort`],
            envFrom: [{ configMapRef: { name: 'envcfg' }, prefix: 'CFG_' }],
            env: [
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
              { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
              { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'envcfg', key: 'mode' } } },
              { name: 'GREETING', value: 'hi-$(POD_NAME)-$(CFG_color)' },
              { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
            ],
            resources: { limits: { memory: '48Mi' } },
          },
        ],
      }),
    });
    const done = await podUntil('envpod', 'Succeeded', (p) => p.status?.phase === 'Succeeded');
    // (the control plane here has no kubelet API to proxy logs through: read them from the engine)
    const logs = (await runCommand('docker', ['logs', containerId(done, 'main')])).stdout;
    expect(logs.split('\n')[0]).to.equal('hi-envpod-blue|$(GREETING)');
    const env = new Map(
      logs
        .split('\n')
        .slice(1)
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(env.get('POD_NAME')).to.equal('envpod');
    expect(env.get('POD_NS')).to.equal(NS);
    expect(env.get('POD_IP')).to.equal(done.status?.podIP);
    expect(env.get('NODE')).to.equal(NODE);
    expect(env.get('MODE')).to.equal('fast');
    expect(env.get('CFG_color')).to.equal('blue');
    expect(env.get('MEM')).to.equal('48');
    expect(env.get('MY_DB_SERVICE_HOST')).to.equal(ip);
    expect(env.get('MY_DB_SERVICE_PORT_SQL')).to.equal('5432');
    expect(env.get('MY_DB_PORT_5432_TCP')).to.equal(`tcp://${ip}:5432`);
    expect(env.get('KUBERNETES_SERVICE_HOST')).to.match(/^10\.96\.0\.1$/);
  });

  it('a missing configMap key fails the container with CreateContainerConfigError', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('badenv', {
        containers: [
          sleeper('main', {
            env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'envcfg', key: 'nope' } } }],
          }),
        ],
      }),
    });
    const p = await podUntil(
      'badenv',
      'CreateContainerConfigError',
      (x) => x.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError',
    );
    expect(p.status!.containerStatuses![0]!.state!.waiting!.message).to.equal(
      `couldn't find key nope in ConfigMap ${NS}/envcfg`,
    );
    await core.deleteNamespacedPod({ name: 'badenv', namespace: NS, gracePeriodSeconds: 0 });
  });

  it('manages /etc/hosts (hostname, FQDN, hostAliases), resolv.conf per dnsPolicy, and the hostname', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('dnsfirst', {
        hostname: 'web',
        subdomain: 'group',
        hostAliases: [{ ip: '10.1.2.3', hostnames: ['foo.remote', 'bar.remote'] }],
        containers: [sleeper('main')],
      }),
    });
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('dnsnone', {
        dnsPolicy: 'None',
        dnsConfig: {
          nameservers: ['1.2.3.4'],
          searches: ['resolv.example'],
          options: [{ name: 'ndots', value: '2' }],
        },
        containers: [sleeper('main')],
      }),
    });
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('dnsdefault', { dnsPolicy: 'Default', containers: [sleeper('main')] }),
    });
    const first = await running('dnsfirst');
    const id = containerId(first, 'main');
    const ip = first.status!.podIP!;
    expect(await exec(id, 'cat /etc/hosts')).to.equal(
      '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' +
        'fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n' +
        `${ip}\tweb.group.${NS}.svc.cluster.local\tweb\n\n# Entries added by HostAliases.\n10.1.2.3\tfoo.remote\tbar.remote\n`,
    );
    expect(await exec(id, 'hostname')).to.equal('web\n');
    expect(await exec(id, 'cat /etc/resolv.conf')).to.equal(
      `nameserver 10.96.0.10\nsearch ${NS}.svc.cluster.local svc.cluster.local cluster.local corp.example\noptions ndots:5\n`,
    );
    expect(await exec(containerId(await running('dnsnone'), 'main'), 'cat /etc/resolv.conf')).to.equal(
      'nameserver 1.2.3.4\nsearch resolv.example\noptions ndots:2\n',
    );
    expect(await exec(containerId(await running('dnsdefault'), 'main'), 'cat /etc/resolv.conf')).to.equal(
      'nameserver 192.0.2.53\nsearch corp.example\n',
    );
    for (const name of ['dnsfirst', 'dnsnone', 'dnsdefault'])
      await core.deleteNamespacedPod({ name, namespace: NS, gracePeriodSeconds: 0 });
  });

  it('sets cgroup limits from resources, and a container over its memory limit is OOMKilled', async () => {
    await core.createNamespacedPod({
      namespace: NS,
      body: pod('limits', {
        containers: [
          sleeper('main', {
            resources: { requests: { cpu: '100m', memory: '16Mi' }, limits: { cpu: '500m', memory: '32Mi' } },
          }),
        ],
      }),
    });
    const info = await docker.getContainer(containerId(await running('limits'), 'main')).inspect();
    expect(info.HostConfig).to.deep.include({
      Memory: 32 * 2 ** 20,
      MemorySwap: 32 * 2 ** 20,
      CpuQuota: 50_000,
      CpuPeriod: 100_000,
      CpuShares: 102,
    });
    await core.deleteNamespacedPod({ name: 'limits', namespace: NS, gracePeriodSeconds: 0 });

    await core.createNamespacedPod({
      namespace: NS,
      body: pod('oom', {
        restartPolicy: 'Never',
        // tmpfs pages count against the container's memory cgroup: 64 MiB into a 16 MiB limit.
        volumes: [{ name: 'ram', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } }],
        containers: [
          {
            name: 'main',
            image: images.busybox,
            command: ['sh', '-c', 'exec dd if=/dev/zero of=/ram/fill bs=1M count=64'],
            volumeMounts: [{ name: 'ram', mountPath: '/ram' }],
            resources: { limits: { memory: '16Mi' } },
          },
        ],
      }),
    });
    const failed = await podUntil('oom', 'Failed', (p) => p.status?.phase === 'Failed');
    const terminated = failed.status?.containerStatuses?.[0]?.state?.terminated;
    // On a mismatch, say what the engine says now: Docker records an OOM kill from an event of
    // its own, which could in principle come after the exit it explains.
    const engine = terminated?.containerID
      ? (await docker.getContainer(terminated.containerID.replace('docker://', '')).inspect()).State
      : undefined;
    expect(
      terminated,
      `the status said ${JSON.stringify(terminated)}; the engine now says ${JSON.stringify({ exitCode: engine?.ExitCode, oomKilled: engine?.OOMKilled })}`,
    ).to.deep.include({ reason: 'OOMKilled', exitCode: 137 });
  });

  it('leaves nothing of its node behind when destroyed', async () => {
    await bed!.kubelet.destroy();
    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`${LABEL_NODE}=${NODE}`] },
    });
    expect(containers).to.deep.equal([]);
    expect(readFileSync('/proc/self/mounts', 'utf8')).to.not.include(podsDir());
    expect(existsSync(podsDir()) ? (await import('node:fs')).readdirSync(podsDir()) : []).to.deep.equal([]);
  });
});
