// A container's environment, after upstream's common/node downwardapi.go, configmap.go,
// secrets.go, expansion.go and pods.go (service variables): each pod prints its environment and
// exits, and the log read through the API is the evidence.
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget } from '../../lib/wait.ts';
import {
  createOutputServiceAccount,
  parseEnv,
  podUntil,
  runForOutput,
  shell,
  testPod,
} from './pod-output.ts';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('pods: container environment', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('pods-env');

  before(async function () {
    this.timeout(60_000);
    await createOutputServiceAccount(ns.cluster, ns.name);
    await ns.cluster.core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name: 'env-config' }, data: { 'data-1': 'value-1', DATA_2: 'value-2' } },
    });
    await ns.cluster.core.createNamespacedSecret({
      namespace: ns.name,
      body: {
        metadata: { name: 'env-secret' },
        data: { 'data-1': b64('secret-1'), SECRET_2: b64('secret-2') },
      },
    });
  });

  // `env` run directly, not through a shell: a shell drops variables whose names are not
  // identifiers (such as "p_data-1"), which the node agent does pass.
  const printEnv = (name: string, env: Parameters<typeof shell>[2] = {}) =>
    testPod(name, [{ ...shell('main', ''), command: ['env'], ...env }]);

  it('[PODS-ENV-DOWNWARD-NAME-NAMESPACE-IP] fieldRefs give the pod name, namespace and IP', async () => {
    const budget = new Budget(spec('PODS-ENV-DOWNWARD-NAME-NAMESPACE-IP').timeout);
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      printEnv('downward-name', {
        env: [
          { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
          { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
          { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        ],
      }),
      budget.left(),
    );
    const pod = await ns.cluster.core.readNamespacedPod({ name: 'downward-name', namespace: ns.name });
    const env = parseEnv(logs.main!);
    expect(env.get('POD_NAME')).to.equal('downward-name');
    expect(env.get('POD_NAMESPACE')).to.equal(ns.name);
    expect(env.get('POD_IP'), 'POD_IP').to.match(/^\d+\.\d+\.\d+\.\d+$|:/);
    expect(env.get('POD_IP')).to.equal(pod.status?.podIP);
  });

  it('[PODS-ENV-DOWNWARD-HOST-IP] fieldRefs give the host IP and the node name', async () => {
    const budget = new Budget(spec('PODS-ENV-DOWNWARD-HOST-IP').timeout);
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      printEnv('downward-host', {
        env: [
          { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
          { name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        ],
      }),
      budget.left(),
    );
    const pod = await ns.cluster.core.readNamespacedPod({ name: 'downward-host', namespace: ns.name });
    const env = parseEnv(logs.main!);
    expect(env.get('HOST_IP'), 'HOST_IP').to.not.equal('');
    expect(env.get('HOST_IP')).to.equal(pod.status?.hostIP);
    expect(env.get('NODE_NAME')).to.equal(pod.spec?.nodeName);
  });

  it('[PODS-ENV-DOWNWARD-UID] fieldRefs give the pod uid and a label value', async () => {
    const budget = new Budget(spec('PODS-ENV-DOWNWARD-UID').timeout);
    const pod = printEnv('downward-uid', {
      env: [
        { name: 'POD_UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        {
          name: 'TEST_LABEL',
          valueFrom: { fieldRef: { fieldPath: "metadata.labels['conformance.kconform.io/test']" } },
        },
      ],
    });
    const logs = await runForOutput(ns.cluster, ns.name, pod, budget.left());
    const read = await ns.cluster.core.readNamespacedPod({ name: 'downward-uid', namespace: ns.name });
    const env = parseEnv(logs.main!);
    expect(env.get('POD_UID')).to.equal(read.metadata?.uid);
    expect(env.get('TEST_LABEL')).to.equal('downward-uid');
  });

  it('[PODS-ENV-DOWNWARD-RESOURCES] resourceFieldRefs give requests and limits, rounded up', async () => {
    const budget = new Budget(spec('PODS-ENV-DOWNWARD-RESOURCES').timeout);
    const field = (resource: string) => ({ resourceFieldRef: { resource } });
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      printEnv('downward-resources', {
        resources: { requests: { cpu: '250m', memory: '32Mi' }, limits: { cpu: '1250m', memory: '64Mi' } },
        env: [
          { name: 'CPU_LIMIT', valueFrom: field('limits.cpu') },
          { name: 'MEMORY_LIMIT', valueFrom: field('limits.memory') },
          { name: 'CPU_REQUEST', valueFrom: field('requests.cpu') },
          { name: 'MEMORY_REQUEST', valueFrom: field('requests.memory') },
        ],
      }),
      budget.left(),
    );
    const env = parseEnv(logs.main!);
    expect({
      cpuLimit: env.get('CPU_LIMIT'),
      memoryLimit: env.get('MEMORY_LIMIT'),
      cpuRequest: env.get('CPU_REQUEST'),
      memoryRequest: env.get('MEMORY_REQUEST'),
    }).to.deep.equal({ cpuLimit: '2', memoryLimit: '67108864', cpuRequest: '1', memoryRequest: '33554432' });
  });

  it('[PODS-ENV-CONFIGMAP-KEY] configMapKeyRef gives the key value', async () => {
    const budget = new Budget(spec('PODS-ENV-CONFIGMAP-KEY').timeout);
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      printEnv('configmap-key', {
        env: [
          { name: 'CONFIG_DATA_1', valueFrom: { configMapKeyRef: { name: 'env-config', key: 'data-1' } } },
        ],
      }),
      budget.left(),
    );
    expect(parseEnv(logs.main!).get('CONFIG_DATA_1')).to.equal('value-1');
  });

  it('[PODS-ENV-CONFIGMAP-ENVFROM] envFrom a ConfigMap gives every key, with and without a prefix', async () => {
    const budget = new Budget(spec('PODS-ENV-CONFIGMAP-ENVFROM').timeout);
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      printEnv('configmap-envfrom', {
        envFrom: [
          { configMapRef: { name: 'env-config' }, prefix: 'p_' },
          { configMapRef: { name: 'env-config' } },
        ],
      }),
      budget.left(),
    );
    const env = parseEnv(logs.main!);
    expect(env.get('p_data-1')).to.equal('value-1');
    expect(env.get('p_DATA_2')).to.equal('value-2');
    expect(env.get('DATA_2')).to.equal('value-2');
  });

  it('[PODS-ENV-SECRET-KEY] secretKeyRef and envFrom a Secret give decoded values', async () => {
    const budget = new Budget(spec('PODS-ENV-SECRET-KEY').timeout);
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      printEnv('secret-env', {
        env: [{ name: 'SECRET_DATA', valueFrom: { secretKeyRef: { name: 'env-secret', key: 'data-1' } } }],
        envFrom: [{ secretRef: { name: 'env-secret' } }],
      }),
      budget.left(),
    );
    const env = parseEnv(logs.main!);
    expect(env.get('SECRET_DATA')).to.equal('secret-1');
    expect(env.get('SECRET_2')).to.equal('secret-2');
  });

  it('[PODS-ENV-REF-MISSING-KEY] a missing required key is CreateContainerConfigError; an optional missing ref is skipped', async () => {
    const budget = new Budget(spec('PODS-ENV-REF-MISSING-KEY').timeout);
    await ns.cluster.core.createNamespacedPod({
      namespace: ns.name,
      body: printEnv('missing-key', {
        env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'env-config', key: 'no-such-key' } } }],
      }),
    });
    await podUntil(
      ns.cluster,
      ns.name,
      'missing-key',
      'container waiting with CreateContainerConfigError',
      (p) => p.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CreateContainerConfigError',
      budget.left(),
    );
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      printEnv('optional-ref', {
        env: [
          {
            name: 'OPTIONAL',
            valueFrom: { configMapKeyRef: { name: 'no-such-config', key: 'k', optional: true } },
          },
        ],
      }),
      budget.left(),
    );
    expect(parseEnv(logs.main!).has('OPTIONAL')).to.equal(false);
  });

  it('[PODS-ENV-SERVICE-LINKS] a pod gets docker-link variables for the services of its namespace', async () => {
    const budget = new Budget(spec('PODS-ENV-SERVICE-LINKS').timeout);
    const svc = await ns.cluster.core.createNamespacedService({
      namespace: ns.name,
      body: {
        metadata: { name: 'fooservice' },
        spec: { selector: { name: 'serverpod' }, ports: [{ port: 8765, protocol: 'TCP', targetPort: 8080 }] },
      },
    });
    const ip = svc.spec!.clusterIP!;
    const logs = await runForOutput(ns.cluster, ns.name, printEnv('service-links'), budget.left());
    const env = parseEnv(logs.main!);
    expect({
      host: env.get('FOOSERVICE_SERVICE_HOST'),
      port: env.get('FOOSERVICE_SERVICE_PORT'),
      url: env.get('FOOSERVICE_PORT'),
      proto: env.get('FOOSERVICE_PORT_8765_TCP_PROTO'),
      tcpPort: env.get('FOOSERVICE_PORT_8765_TCP_PORT'),
      addr: env.get('FOOSERVICE_PORT_8765_TCP_ADDR'),
    }).to.deep.equal({
      host: ip,
      port: '8765',
      url: `tcp://${ip}:8765`,
      proto: 'tcp',
      tcpPort: '8765',
      addr: ip,
    });
    const without = await runForOutput(
      ns.cluster,
      ns.name,
      testPod('no-service-links', [shell('main', 'env')], { enableServiceLinks: false }),
      budget.left(),
    );
    const plain = parseEnv(without.main!);
    expect([...plain.keys()].filter((k) => k.startsWith('FOOSERVICE_'))).to.deep.equal([]);
    expect(plain.get('KUBERNETES_SERVICE_HOST'), 'KUBERNETES_SERVICE_HOST').to.not.equal(undefined);
  });

  it('[PODS-ENV-COMPOSE] $(VAR) in env values composes earlier variables', async () => {
    const budget = new Budget(spec('PODS-ENV-COMPOSE').timeout);
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      printEnv('compose', {
        env: [
          { name: 'FOO', value: 'foo-value' },
          { name: 'BAR', value: 'bar-value' },
          { name: 'FOOBAR', value: '$(FOO);;$(BAR)' },
          { name: 'UNKNOWN', value: '$(NOPE)' },
          { name: 'ESCAPED', value: '$$(FOO)' },
        ],
      }),
      budget.left(),
    );
    const env = parseEnv(logs.main!);
    expect(env.get('FOOBAR')).to.equal('foo-value;;bar-value');
    expect(env.get('UNKNOWN')).to.equal('$(NOPE)');
    expect(env.get('ESCAPED')).to.equal('$(FOO)');
  });

  it('[PODS-COMMAND-EXPANSION] $(VAR) in the command is expanded', async () => {
    const budget = new Budget(spec('PODS-COMMAND-EXPANSION').timeout);
    const pod = testPod('command-expansion', [
      {
        name: 'main',
        image: shell('x', '').image,
        command: ['sh', '-c', `echo "test-value=$(TEST_VAR)" '$$(TEST_VAR)'`],
        env: [{ name: 'TEST_VAR', value: 'test-value' }],
      },
    ]);
    const logs = await runForOutput(ns.cluster, ns.name, pod, budget.left());
    expect(logs.main).to.equal('test-value=test-value $(TEST_VAR)\n');
  });

  it('[PODS-ARGS-EXPANSION] $(VAR) in args is expanded', async () => {
    const budget = new Budget(spec('PODS-ARGS-EXPANSION').timeout);
    const pod = testPod('args-expansion', [
      {
        name: 'main',
        image: shell('x', '').image,
        command: ['sh', '-c'],
        args: ['echo "test-value=$(TEST_VAR)"'],
        env: [{ name: 'TEST_VAR', value: 'test-value' }],
      },
    ]);
    const logs = await runForOutput(ns.cluster, ns.name, pod, budget.left());
    expect(logs.main).to.equal('test-value=test-value\n');
  });
});
