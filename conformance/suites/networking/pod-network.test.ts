// Pod networking seen from inside pods: every pod gets an address of its node's range, the
// containers of a pod share localhost, and pods reach each other by pod IP over TCP and UDP on one
// node and across nodes, without NAT. The runner never sends a packet to a pod itself.
import { expect } from 'chai';
import { useTestNamespace } from '../../lib/namespace.ts';
import { schedulableNodes } from '../../lib/nodes.ts';
import { spec, useSpecTimeouts } from '../../lib/specs.ts';
import { Budget, pollUntil } from '../../lib/wait.ts';
import {
  createServiceAccount,
  httpMustAnswer,
  httpServer,
  idle,
  inCidr,
  ownAddresses,
  pickNodes,
  podOn,
  runPods,
  udpNoPorts,
  udpProbe,
} from './net-pods.ts';

describe('networking: pod IPs and pod-to-pod traffic', () => {
  useSpecTimeouts();
  const ns = useTestNamespace('net-pods');

  before(async function () {
    this.timeout(60_000);
    await createServiceAccount(ns.cluster, ns.name);
  });

  it('[NETWORKING-POD-IP-IN-NODE-CIDR] a pod reports the IP its interface carries, inside its node podCIDR', async () => {
    const budget = new Budget(spec('NETWORKING-POD-IP-IN-NODE-CIDR').timeout);
    const { cluster } = ns;
    // One pod per schedulable node (two at most), so different nodes' ranges are seen too.
    const nodes = (await schedulableNodes(cluster)).slice(0, 2);
    expect(nodes.length, 'schedulable nodes').to.be.greaterThan(0);
    const pods = await runPods(
      cluster,
      ns.name,
      nodes.map((node, i) => podOn(node, `ip-${i}`, [idle('main')])),
      budget.left(),
    );
    const seen = new Set<string>();
    for (const [i, pod] of pods.entries()) {
      const node = nodes[i]!;
      const ip = pod.status?.podIP;
      expect(ip, `status.podIP of ${pod.metadata?.name}`).to.match(/^\d+\.\d+\.\d+\.\d+$/);
      expect(pod.status?.podIPs?.[0]?.ip, 'status.podIPs[0].ip').to.equal(ip);
      expect(pod.spec?.nodeName, 'the node the pod was placed on').to.equal(node.metadata?.name);
      const cidr = node.spec?.podCIDR;
      if (cidr)
        expect(inCidr(ip!, cidr), `pod IP ${ip} inside node ${node.metadata?.name} podCIDR ${cidr}`).to.equal(
          true,
        );
      const own = await ownAddresses(cluster, ns.name, pod.metadata!.name!, 'main');
      expect(own, `addresses on the interfaces of ${pod.metadata?.name}`).to.include(ip);
      expect(seen.has(ip!), `pod IP ${ip} given to two pods`).to.equal(false);
      seen.add(ip!);
    }
  });

  it('[NETWORKING-LOCALHOST-WITHIN-POD] containers of one pod reach each other on localhost and share the pod IP', async () => {
    const budget = new Budget(spec('NETWORKING-LOCALHOST-WITHIN-POD').timeout);
    const { cluster } = ns;
    const [node] = await pickNodes(cluster, 1);
    const [pod] = await runPods(
      cluster,
      ns.name,
      [podOn(node!, 'shared', [httpServer('server'), idle('client')])],
      budget.left(),
    );
    const answer = await httpMustAnswer(
      cluster,
      ns.name,
      { pod: 'shared', container: 'client' },
      '127.0.0.1',
      budget.left(),
    );
    expect(answer.host, 'hostname the server reports').to.equal('shared');
    expect(answer.client, 'address the server saw').to.equal('127.0.0.1');
    const ip = pod!.status!.podIP!;
    expect(await ownAddresses(cluster, ns.name, 'shared', 'server'), 'server container addresses').to.include(
      ip,
    );
    expect(await ownAddresses(cluster, ns.name, 'shared', 'client'), 'client container addresses').to.include(
      ip,
    );
  });

  /** Server and client pods on the given nodes; the client reaches the server by its pod IP. */
  async function httpBetween(specId: string, nodesApart: boolean): Promise<void> {
    const budget = new Budget(spec(specId).timeout);
    const { cluster } = ns;
    const nodes = await pickNodes(cluster, nodesApart ? 2 : 1);
    const suffix = nodesApart ? 'apart' : 'together';
    const [server, client] = await runPods(
      cluster,
      ns.name,
      [
        podOn(nodes[0]!, `http-server-${suffix}`, [httpServer()]),
        podOn(nodes.at(-1)!, `http-client-${suffix}`, [idle()]),
      ],
      budget.left(),
    );
    expect(server!.spec?.nodeName === client!.spec?.nodeName, 'server and client on the same node').to.equal(
      !nodesApart,
    );
    const answer = await httpMustAnswer(
      cluster,
      ns.name,
      { pod: client!.metadata!.name!, container: 'client' },
      server!.status!.podIP!,
      budget.left(),
    );
    expect(answer.host, 'hostname the server pod reports').to.equal(server!.metadata!.name);
    expect(answer.client, 'source address the server saw (the client pod IP: no NAT)').to.equal(
      client!.status!.podIP,
    );
  }

  it('[NETWORKING-POD-TO-POD-SAME-NODE-HTTP] a pod reaches a pod on its own node by pod IP over HTTP, seen with its own IP', async () => {
    await httpBetween('NETWORKING-POD-TO-POD-SAME-NODE-HTTP', false);
  });

  it('[NETWORKING-POD-TO-POD-OTHER-NODE-HTTP] a pod reaches a pod on another node by pod IP over HTTP, seen with its own IP', async () => {
    await httpBetween('NETWORKING-POD-TO-POD-OTHER-NODE-HTTP', true);
  });

  /** UDP probes from a client pod to a server pod; the server's own namespace counts them. */
  async function udpBetween(specId: string, nodesApart: boolean): Promise<void> {
    const budget = new Budget(spec(specId).timeout);
    const { cluster } = ns;
    const nodes = await pickNodes(cluster, nodesApart ? 2 : 1);
    const suffix = nodesApart ? 'apart' : 'together';
    const [server, client] = await runPods(
      cluster,
      ns.name,
      [
        podOn(nodes[0]!, `udp-server-${suffix}`, [idle('server')]),
        podOn(nodes.at(-1)!, `udp-client-${suffix}`, [idle()]),
      ],
      budget.left(),
    );
    const serverName = server!.metadata!.name!;
    const from = { pod: client!.metadata!.name!, container: 'client' };
    const ip = server!.status!.podIP!;
    let streak = 0;
    let before = await udpNoPorts(cluster, ns.name, serverName, 'server');
    // Each round: the trace must end at the server pod and the server must have counted the
    // datagrams; CONSECUTIVE rounds in a row.
    await pollUntil(
      async () => {
        const probe = await udpProbe(cluster, ns.name, from, ip);
        const after = await udpNoPorts(cluster, ns.name, serverName, 'server');
        const counted = after - before;
        before = after;
        return { ...probe, counted };
      },
      {
        what: `3 consecutive UDP rounds from pod ${from.pod} reaching pod ${serverName} (${ip})`,
        timeoutMs: budget.left(),
        intervalMs: 1000,
        done: (r) => {
          streak = r.reached && r.counted >= 1 ? streak + 1 : 0;
          return streak >= 3;
        },
        describe: (r) =>
          `last round: ${r?.counted ?? 0} datagram(s) counted by the server; traceroute said ${JSON.stringify(r?.output ?? '')}`,
      },
    );
  }

  it('[NETWORKING-POD-TO-POD-SAME-NODE-UDP] UDP from a pod reaches a pod on its own node by pod IP and is answered', async () => {
    await udpBetween('NETWORKING-POD-TO-POD-SAME-NODE-UDP', false);
  });

  it('[NETWORKING-POD-TO-POD-OTHER-NODE-UDP] UDP from a pod reaches a pod on another node by pod IP and is answered', async () => {
    await udpBetween('NETWORKING-POD-TO-POD-OTHER-NODE-UDP', true);
  });
});
