// Volumes, after upstream's common/storage empty_dir.go, configmap_volume.go, secrets_volume.go and
// downwardapi_volume.go: pods print what they see in their volumes and exit, the log read through
// the API; what changes while a pod runs (ConfigMap updates, label changes) is read with exec.
import { expect } from 'chai';
import { execMustSucceed } from '../../lib/exec.ts';
import { randomSuffix, useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget, pollUntil } from '../../lib/wait.ts';
import { createOutputServiceAccount, podRunning, runForOutput, shell, testPod } from '../pods/pod-output.ts';

const b64 = (text: string): string => Buffer.from(text).toString('base64');
/** How often the suite re-reads a file it waits to change. */
const REREAD_MS = 1_000;
/** A pod that removes what a test left on a node gets this long, whatever the test's budget left. */
const CLEANUP_MS = 60_000;

describe('volumes: emptyDir, configMap, secret, downwardAPI, hostPath', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('volumes');

  before(async function () {
    this.timeout(60_000);
    await createOutputServiceAccount(ns.cluster, ns.name);
  });

  it('[VOLUMES-EMPTYDIR-SHARED] two containers share one emptyDir', async () => {
    const budget = new Budget(spec('VOLUMES-EMPTYDIR-SHARED').timeout);
    const mount = { volumeMounts: [{ name: 'shared', mountPath: '/usr/share/volumeshare' }] };
    // The reader waits (bounded) for the writer's file, then prints it.
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      testPod(
        'emptydir-shared',
        [
          shell(
            'writer',
            'echo "Hello from the busy-box sub-container" > /usr/share/volumeshare/shareddata.txt',
            mount,
          ),
          shell(
            'reader',
            'for i in $(seq 1 60); do [ -s /usr/share/volumeshare/shareddata.txt ] && break; sleep 1; done; cat /usr/share/volumeshare/shareddata.txt',
            mount,
          ),
        ],
        { volumes: [{ name: 'shared', emptyDir: {} }] },
      ),
      budget.left(),
    );
    expect(logs.reader).to.equal('Hello from the busy-box sub-container\n');
  });

  it('[VOLUMES-EMPTYDIR-DEFAULT-MODE] an emptyDir on the default medium is a 0777 directory', async () => {
    const budget = new Budget(spec('VOLUMES-EMPTYDIR-DEFAULT-MODE').timeout);
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      testPod(
        'emptydir-mode',
        [
          shell('main', 'stat -c %A /test-volume; echo content > /test-volume/f; cat /test-volume/f', {
            volumeMounts: [{ name: 'v', mountPath: '/test-volume' }],
          }),
        ],
        { volumes: [{ name: 'v', emptyDir: {} }] },
      ),
      budget.left(),
    );
    expect(logs.main).to.equal('drwxrwxrwx\ncontent\n');
  });

  it('[VOLUMES-EMPTYDIR-TMPFS] an emptyDir with medium Memory is a 0777 tmpfs', async () => {
    const budget = new Budget(spec('VOLUMES-EMPTYDIR-TMPFS').timeout);
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      testPod(
        'emptydir-tmpfs',
        [
          shell('main', 'stat -c %A /test-volume; awk \'$2 == "/test-volume" { print $3 }\' /proc/mounts', {
            volumeMounts: [{ name: 'v', mountPath: '/test-volume' }],
          }),
        ],
        { volumes: [{ name: 'v', emptyDir: { medium: 'Memory' } }] },
      ),
      budget.left(),
    );
    expect(logs.main).to.equal('drwxrwxrwx\ntmpfs\n');
  });

  it('[VOLUMES-CONFIGMAP-FILES] configMap keys are files with mode 0644', async () => {
    const budget = new Budget(spec('VOLUMES-CONFIGMAP-FILES').timeout);
    await ns.cluster.core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name: 'cm-files' }, data: { 'data-1': 'value-1', 'data-2': 'value-2' } },
    });
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      testPod(
        'configmap-files',
        [
          shell('main', 'cat /etc/cm/data-1; echo; cat /etc/cm/data-2; echo; stat -L -c %A /etc/cm/data-1', {
            volumeMounts: [{ name: 'cm', mountPath: '/etc/cm' }],
          }),
        ],
        { volumes: [{ name: 'cm', configMap: { name: 'cm-files' } }] },
      ),
      budget.left(),
    );
    expect(logs.main).to.equal('value-1\nvalue-2\n-rw-r--r--\n');
  });

  it('[VOLUMES-CONFIGMAP-MAPPINGS-MODE] items remap a key to a path with its own mode', async () => {
    const budget = new Budget(spec('VOLUMES-CONFIGMAP-MAPPINGS-MODE').timeout);
    await ns.cluster.core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name: 'cm-map' }, data: { 'data-1': 'value-1', 'data-2': 'value-2' } },
    });
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      testPod(
        'configmap-map',
        [
          shell(
            'main',
            'cat /etc/cm/path/to/data-2; echo; stat -L -c %A /etc/cm/path/to/data-2; ls /etc/cm',
            {
              volumeMounts: [{ name: 'cm', mountPath: '/etc/cm' }],
            },
          ),
        ],
        {
          volumes: [
            {
              name: 'cm',
              configMap: { name: 'cm-map', items: [{ key: 'data-2', path: 'path/to/data-2', mode: 0o400 }] },
            },
          ],
        },
      ),
      budget.left(),
    );
    expect(logs.main).to.equal('value-2\n-r--------\npath\n');
  });

  it('[VOLUMES-CONFIGMAP-UPDATES] an updated ConfigMap shows in the mounted file', async () => {
    const budget = new Budget(spec('VOLUMES-CONFIGMAP-UPDATES').timeout);
    const name = `cm-update-${randomSuffix()}`;
    await ns.cluster.core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name }, data: { 'data-1': 'value-1' } },
    });
    await ns.cluster.core.createNamespacedPod({
      namespace: ns.name,
      body: testPod(
        'configmap-update',
        [shell('main', 'exec sleep 3600', { volumeMounts: [{ name: 'cm', mountPath: '/etc/cm' }] })],
        { volumes: [{ name: 'cm', configMap: { name } }], restartPolicy: 'Always' },
      ),
    });
    await podRunning(ns.cluster, ns.name, 'configmap-update', budget.left());
    const target = { namespace: ns.name, pod: 'configmap-update', container: 'main' };
    expect(await execMustSucceed(ns.cluster, target, ['cat', '/etc/cm/data-1'], budget.left())).to.equal(
      'value-1',
    );
    await ns.cluster.core.replaceNamespacedConfigMap({
      name,
      namespace: ns.name,
      body: { metadata: { name }, data: { 'data-1': 'value-2' } },
    });
    await pollUntil(() => execMustSucceed(ns.cluster, target, ['cat', '/etc/cm/data-1'], budget.left()), {
      what: 'the updated value in /etc/cm/data-1',
      timeoutMs: budget.left(),
      intervalMs: REREAD_MS,
      done: (text) => text === 'value-2',
      describe: (text) => `the file holds ${JSON.stringify(text)}`,
    });
  });

  it('[VOLUMES-SECRET-FILES] secret keys are decoded files with the defaultMode', async () => {
    const budget = new Budget(spec('VOLUMES-SECRET-FILES').timeout);
    await ns.cluster.core.createNamespacedSecret({
      namespace: ns.name,
      body: {
        metadata: { name: 'secret-files' },
        data: { 'data-1': b64('value-1'), 'data-3': b64('value-3') },
      },
    });
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      testPod(
        'secret-files',
        [
          shell(
            'main',
            'cat /etc/secret/data-1; echo; cat /etc/secret/data-3; echo; stat -L -c %A /etc/secret/data-1',
            {
              volumeMounts: [{ name: 's', mountPath: '/etc/secret' }],
            },
          ),
        ],
        { volumes: [{ name: 's', secret: { secretName: 'secret-files', defaultMode: 0o400 } }] },
      ),
      budget.left(),
    );
    expect(logs.main).to.equal('value-1\nvalue-3\n-r--------\n');
  });

  it('[VOLUMES-DOWNWARDAPI-PODNAME] a downwardAPI file holds the pod name', async () => {
    const budget = new Budget(spec('VOLUMES-DOWNWARDAPI-PODNAME').timeout);
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      testPod(
        'downward-podname',
        [
          shell('main', 'cat /etc/podinfo/podname', {
            volumeMounts: [{ name: 'info', mountPath: '/etc/podinfo' }],
          }),
        ],
        {
          volumes: [
            {
              name: 'info',
              downwardAPI: { items: [{ path: 'podname', fieldRef: { fieldPath: 'metadata.name' } }] },
            },
          ],
        },
      ),
      budget.left(),
    );
    expect(logs.main).to.equal('downward-podname');
  });

  it('[VOLUMES-DOWNWARDAPI-CPU-LIMIT] a downwardAPI file holds the cpu limit in millicores', async () => {
    const budget = new Budget(spec('VOLUMES-DOWNWARDAPI-CPU-LIMIT').timeout);
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      testPod(
        'downward-cpu',
        [
          shell('main', 'cat /etc/podinfo/cpu_limit', {
            volumeMounts: [{ name: 'info', mountPath: '/etc/podinfo' }],
            resources: { limits: { cpu: '1250m', memory: '32Mi' } },
          }),
        ],
        {
          volumes: [
            {
              name: 'info',
              downwardAPI: {
                items: [
                  {
                    path: 'cpu_limit',
                    resourceFieldRef: { containerName: 'main', resource: 'limits.cpu', divisor: '1m' },
                  },
                ],
              },
            },
          ],
        },
      ),
      budget.left(),
    );
    expect(logs.main).to.equal('1250');
  });

  it('[VOLUMES-DOWNWARDAPI-LABELS-UPDATE] the labels file follows a label change of the running pod', async () => {
    const budget = new Budget(spec('VOLUMES-DOWNWARDAPI-LABELS-UPDATE').timeout);
    const pod = testPod(
      'downward-labels',
      [shell('main', 'exec sleep 3600', { volumeMounts: [{ name: 'info', mountPath: '/etc/podinfo' }] })],
      {
        restartPolicy: 'Always',
        volumes: [
          {
            name: 'info',
            downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] },
          },
        ],
      },
    );
    pod.metadata!.labels = { ...pod.metadata!.labels, key1: 'value1', key2: 'value2' };
    await ns.cluster.core.createNamespacedPod({ namespace: ns.name, body: pod });
    await podRunning(ns.cluster, ns.name, 'downward-labels', budget.left());
    const target = { namespace: ns.name, pod: 'downward-labels', container: 'main' };
    const first = await execMustSucceed(ns.cluster, target, ['cat', '/etc/podinfo/labels'], budget.left());
    expect(first.split('\n')).to.include.members(['key1="value1"', 'key2="value2"']);
    const current = await ns.cluster.core.readNamespacedPod({ name: 'downward-labels', namespace: ns.name });
    current.metadata!.labels = { ...current.metadata!.labels, key3: 'value3' };
    await ns.cluster.core.replaceNamespacedPod({
      name: 'downward-labels',
      namespace: ns.name,
      body: current,
    });
    await pollUntil(
      () => execMustSucceed(ns.cluster, target, ['cat', '/etc/podinfo/labels'], budget.left()),
      {
        what: 'key3="value3" in /etc/podinfo/labels',
        timeoutMs: budget.left(),
        intervalMs: REREAD_MS,
        done: (text) => text.split('\n').includes('key3="value3"'),
        describe: (text) => `the file holds ${JSON.stringify(text)}`,
      },
    );
  });

  it('[VOLUMES-HOSTPATH-SHARED-ON-NODE] a hostPath written by one pod is read by a later pod on that node', async () => {
    const budget = new Budget(spec('VOLUMES-HOSTPATH-SHARED-ON-NODE').timeout);
    const path = `/tmp/kconform-hostpath-${ns.name}`;
    const volume = { name: 'h', hostPath: { path, type: 'DirectoryOrCreate' } };
    const mount = { volumeMounts: [{ name: 'h', mountPath: '/host' }] };
    let node: string | undefined;
    let logs: Record<string, string>;
    try {
      await runForOutput(
        ns.cluster,
        ns.name,
        testPod('hostpath-writer', [shell('main', 'echo "written by the first pod" > /host/data', mount)], {
          volumes: [volume],
        }),
        budget.left(),
      );
      const writer = await ns.cluster.core.readNamespacedPod({ name: 'hostpath-writer', namespace: ns.name });
      await ns.cluster.core.deleteNamespacedPod({ name: 'hostpath-writer', namespace: ns.name });
      node = writer.spec!.nodeName!;
      logs = await runForOutput(
        ns.cluster,
        ns.name,
        testPod('hostpath-reader', [shell('main', 'cat /host/data', mount)], {
          volumes: [volume],
          nodeName: node,
        }),
        budget.left(),
      );
    } finally {
      // Also when the test failed: the folder must not outlive it.
      if (node) {
        // A last pod removes the folder from the node through its parent, /tmp (a folder still
        // mounted in the same container could not be removed).
        await runForOutput(
          ns.cluster,
          ns.name,
          testPod(
            'hostpath-cleanup',
            [
              shell('main', `rm -rf /node-tmp/${path.slice('/tmp/'.length)}`, {
                volumeMounts: [{ name: 'tmp', mountPath: '/node-tmp' }],
              }),
            ],
            { volumes: [{ name: 'tmp', hostPath: { path: '/tmp', type: 'Directory' } }], nodeName: node },
          ),
          CLEANUP_MS,
        );
      }
    }
    expect(logs.main).to.equal('written by the first pod\n');
  });
});
