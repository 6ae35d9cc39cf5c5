// The files the node agent manages in a pod's /etc, after upstream's kubelet.go (hostAliases),
// kubelet_etc_hosts.go and dns.go (configurable nameservers): each pod prints the files and exits.
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget } from '../../lib/wait.ts';
import { createOutputServiceAccount, runForOutput, shell, testPod } from './pod-output.ts';

describe('pods: /etc/hosts and /etc/resolv.conf', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('pods-etc');

  before(async function () {
    this.timeout(60_000);
    await createOutputServiceAccount(ns.cluster, ns.name);
  });

  it('[PODS-ETC-HOSTS-ALIASES] hostAliases are written to /etc/hosts under upstream header', async () => {
    const budget = new Budget(spec('PODS-ETC-HOSTS-ALIASES').timeout);
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      testPod('host-aliases', [shell('main', 'cat /etc/hosts')], {
        hostAliases: [{ ip: '123.45.67.89', hostnames: ['foo.remote', 'bar.remote'] }],
      }),
      budget.left(),
    );
    expect(logs.main).to.include('\n# Entries added by HostAliases.\n123.45.67.89\tfoo.remote\tbar.remote\n');
  });

  it('[PODS-ETC-HOSTS-MANAGED] /etc/hosts is node-managed with the pod IP and hostname, unless the container mounts its own', async () => {
    const budget = new Budget(spec('PODS-ETC-HOSTS-MANAGED').timeout);
    await ns.cluster.core.createNamespacedConfigMap({
      namespace: ns.name,
      body: { metadata: { name: 'own-hosts' }, data: { hosts: '127.0.0.1 my-own-hosts-file\n' } },
    });
    const own = { volumeMounts: [{ name: 'own-hosts', mountPath: '/etc/hosts', subPath: 'hosts' }] };
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      testPod(
        'etc-hosts',
        [shell('managed', 'hostname; cat /etc/hosts'), shell('own', 'cat /etc/hosts', own)],
        {
          hostname: 'webhost',
          subdomain: 'websub',
          volumes: [{ name: 'own-hosts', configMap: { name: 'own-hosts' } }],
        },
      ),
      budget.left(),
    );
    const pod = await ns.cluster.core.readNamespacedPod({ name: 'etc-hosts', namespace: ns.name });
    const [hostname, ...hosts] = logs.managed!.split('\n');
    expect(hostname).to.equal('webhost');
    expect(hosts[0]).to.equal('# Kubernetes-managed hosts file.');
    const ip = pod.status!.podIP!;
    const line = hosts.find((l) => l.startsWith(`${ip}\t`));
    expect(line, `a line for the pod IP ${ip} in:\n${hosts.join('\n')}`).to.match(
      new RegExp(
        `^${ip.replace(/\./g, '\\.')}\\twebhost\\.websub\\.${ns.name}\\.svc\\.[a-z0-9.-]+\\twebhost$`,
      ),
    );
    expect(logs.own).to.equal('127.0.0.1 my-own-hosts-file\n');
  });

  it('[PODS-RESOLV-CLUSTER-FIRST] ClusterFirst: a nameserver, the cluster search path, ndots:5', async () => {
    const budget = new Budget(spec('PODS-RESOLV-CLUSTER-FIRST').timeout);
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      testPod('cluster-first', [shell('main', 'cat /etc/resolv.conf')], { dnsPolicy: 'ClusterFirst' }),
      budget.left(),
    );
    const lines = logs.main!.split('\n');
    expect(
      lines.filter((l) => /^nameserver \S+$/.test(l)).length,
      `nameservers in:\n${logs.main}`,
    ).to.be.greaterThan(0);
    const search = lines.find((l) => l.startsWith('search '));
    expect(search, `search line in:\n${logs.main}`).to.match(
      new RegExp(`^search ${ns.name}\\.svc\\.(\\S+) svc\\.\\1 \\1( |$)`),
    );
    const options = lines.find((l) => l.startsWith('options ')) ?? '';
    expect(options.split(/\s+/), `options in:\n${logs.main}`).to.include('ndots:5');
  });

  it('[PODS-RESOLV-NONE-DNSCONFIG] dnsPolicy None with dnsConfig gives exactly that resolv.conf', async () => {
    const budget = new Budget(spec('PODS-RESOLV-NONE-DNSCONFIG').timeout);
    const logs = await runForOutput(
      ns.cluster,
      ns.name,
      testPod('dns-none', [shell('main', 'cat /etc/resolv.conf')], {
        dnsPolicy: 'None',
        dnsConfig: {
          nameservers: ['1.1.1.1'],
          searches: ['resolv.conf.local'],
          options: [{ name: 'ndots', value: '2' }],
        },
      }),
      budget.left(),
    );
    const lines = logs.main!.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(lines.filter((l) => l.startsWith('nameserver'))).to.deep.equal(['nameserver 1.1.1.1']);
    expect(lines.filter((l) => l.startsWith('search'))).to.deep.equal(['search resolv.conf.local']);
    expect(lines.filter((l) => l.startsWith('options'))).to.deep.equal(['options ndots:2']);
  });
});
