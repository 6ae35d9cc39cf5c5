// Host-network pods (spec.hostNetwork): they share their node's network namespace, so they report
// the node's IP as theirs, see the node's hostname, and reach pods on the pod network as the node
// itself does (upstream's networking.go "node-pod communication", whose client is a host-network
// pod). Everything is checked through the API and from inside pods (exec), never from the runner.
import { expect } from 'chai';
import type { V1Pod } from '@kubernetes/client-node';
import { execMustSucceed } from '../../lib/exec.ts';
import { useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget } from '../../lib/wait.ts';
import {
  busybox,
  containerOf,
  createPods,
  createServiceAccount,
  podUntil,
  probePod,
} from '../probes/probe-pods.ts';

const SERVER_PORT = 8080;
/** Declared, never bound: only its defaulted hostPort is looked at. */
const DECLARED_PORT = 18_081;

const running = (name: string) => (p: V1Pod) =>
  Boolean(containerOf(p, name)?.state?.running && p.status?.podIP);

describe('pods: host network', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('pods-hostnet');

  before(async function () {
    this.timeout(60_000);
    await createServiceAccount(ns.cluster, ns.name);
  });

  it('[PODS-HOST-NETWORK-IP] a host-network pod reports its node’s IP and hostname as its own', async () => {
    const budget = new Budget(spec('PODS-HOST-NETWORK-IP').timeout);
    await createPods(ns.cluster, ns.name, [
      probePod('hostnet-a', [busybox('main', 'sleep 600', { ports: [{ containerPort: DECLARED_PORT }] })], {
        hostNetwork: true,
      }),
    ]);
    const a = await podUntil(
      ns.cluster,
      ns.name,
      'hostnet-a',
      'running with an IP',
      running('main'),
      budget.left(),
    );
    expect(a.spec?.containers[0]?.ports?.[0]?.hostPort, 'defaulted hostPort').to.equal(DECLARED_PORT);
    expect(a.status?.podIP, 'podIP').to.equal(a.status?.hostIP);
    const node = await ns.cluster.core.readNode({ name: a.spec!.nodeName! });
    const internal = (node.status?.addresses ?? [])
      .filter((x) => x.type === 'InternalIP')
      .map((x) => x.address);
    expect(internal, `the InternalIP addresses of node ${node.metadata?.name}`).to.include(a.status?.podIP);

    // a second one on the same node shares the node's hostname
    await createPods(ns.cluster, ns.name, [
      probePod('hostnet-b', [busybox('main', 'sleep 600')], {
        hostNetwork: true,
        nodeName: a.spec!.nodeName!,
      }),
    ]);
    await podUntil(ns.cluster, ns.name, 'hostnet-b', 'running', running('main'), budget.left());
    const hostname = (pod: string) =>
      execMustSucceed(
        ns.cluster,
        { namespace: ns.name, pod, container: 'main' },
        ['hostname'],
        budget.left(),
      );
    const [nameA, nameB] = [(await hostname('hostnet-a')).trim(), (await hostname('hostnet-b')).trim()];
    expect(nameA, 'hostname in a host-network pod').to.not.equal('hostnet-a');
    expect(nameB, 'the same node, the same hostname').to.equal(nameA);
    const hosts = await execMustSucceed(
      ns.cluster,
      { namespace: ns.name, pod: 'hostnet-a', container: 'main' },
      ['cat', '/etc/hosts'],
      budget.left(),
    );
    expect(hosts.startsWith('# Kubernetes-managed hosts file.\n'), `/etc/hosts:\n${hosts}`).to.equal(false);
  });

  it('[PODS-HOST-NETWORK-NODE-POD] a client in a host-network pod reaches a pod on the pod network by its IP', async () => {
    const budget = new Budget(spec('PODS-HOST-NETWORK-NODE-POD').timeout);
    await createPods(ns.cluster, ns.name, [
      probePod('netserver', [
        busybox(
          'server',
          `mkdir -p /www && echo netserver-ok > /www/hostname && exec httpd -f -p ${SERVER_PORT} -h /www`,
          { ports: [{ containerPort: SERVER_PORT }] },
        ),
      ]),
    ]);
    const server = await podUntil(
      ns.cluster,
      ns.name,
      'netserver',
      'running',
      running('server'),
      budget.left(),
    );
    const serverIp = server.status!.podIP!;
    expect(serverIp, 'a pod-network IP, not the node’s').to.not.equal(server.status?.hostIP);
    await createPods(ns.cluster, ns.name, [
      probePod('hostnet-client', [busybox('client', 'sleep 600')], { hostNetwork: true }),
    ]);
    await podUntil(ns.cluster, ns.name, 'hostnet-client', 'running', running('client'), budget.left());
    // three answers in a row: one lucky response proves little
    for (let attempt = 1; attempt <= 3; attempt++) {
      const answer = await execMustSucceed(
        ns.cluster,
        { namespace: ns.name, pod: 'hostnet-client', container: 'client' },
        ['sh', '-c', `printf 'GET /hostname HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${serverIp} ${SERVER_PORT}`],
        budget.left(),
      );
      expect(answer, `answer ${attempt} from ${serverIp}:${SERVER_PORT}`).to.include('netserver-ok');
    }
  });
});
