// What the networking tests share: the schedulable nodes of the cluster, pods pinned to one of
// them (by the kubernetes.io/hostname label, as upstream's netserver pods are, or by nodeName when
// a node lacks it), waiting for a pod to run, and the busybox commands that serve and probe.
import type { V1Container, V1Node, V1Pod } from '@kubernetes/client-node';
import type { Cluster } from '../../lib/cluster.ts';
import { execInPod } from '../../lib/exec.ts';
import { schedulableNodes } from '../../lib/nodes.ts';
import { createServiceAccount as createNamedServiceAccount, shellContainer } from '../../lib/pods.ts';
import { pollUntil, waitForObject } from '../../lib/wait.ts';

/** The service account every pod of these tests names (created per namespace, no token mounted). */
export const NET_SERVICE_ACCOUNT = 'kconform-net';
export const HTTP_PORT = 8080;
/** Each exec a test makes must answer within this (a probe itself waits at most a few seconds). */
export const EXEC_TIMEOUT_MS = 30_000;
/** Consecutive successes needed before reachability counts as established. */
export const CONSECUTIVE_SUCCESSES = 3;

export async function createServiceAccount(cluster: Cluster, namespace: string): Promise<void> {
  await createNamedServiceAccount(cluster, namespace, NET_SERVICE_ACCOUNT);
}

const HOSTNAME_LABEL = 'kubernetes.io/hostname';

/** The first `count` schedulable nodes; fails saying how many there are when too few. */
export async function pickNodes(cluster: Cluster, count: number): Promise<V1Node[]> {
  const nodes = await schedulableNodes(cluster);
  if (nodes.length < count) {
    throw new Error(
      `this test needs ${count} schedulable node(s) but the cluster has ${nodes.length} ` +
        `(${nodes.map((n) => n.metadata?.name).join(', ') || 'none'}); a target with fewer must not declare MultiNode`,
    );
  }
  return nodes.slice(0, count);
}

/** Pins a pod to a node the way upstream's e2e pins its netserver pods. */
function placement(node: V1Node): Pick<NonNullable<V1Pod['spec']>, 'nodeSelector' | 'nodeName'> {
  const hostname = node.metadata?.labels?.[HOSTNAME_LABEL];
  return hostname ? { nodeSelector: { [HOSTNAME_LABEL]: hostname } } : { nodeName: node.metadata!.name! };
}

export const busybox = shellContainer;

export function podOn(
  node: V1Node,
  name: string,
  containers: V1Container[],
  extra: Partial<V1Pod['spec']> = {},
): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { 'conformance.kconform.io/test': name } },
    spec: {
      ...placement(node),
      serviceAccountName: NET_SERVICE_ACCOUNT,
      automountServiceAccountToken: false,
      terminationGracePeriodSeconds: 1,
      containers,
      ...extra,
    },
  };
}

const isReady = (pod: V1Pod | undefined): boolean =>
  pod?.status?.phase === 'Running' &&
  pod.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;

export function describePod(pod: V1Pod | undefined): string {
  if (!pod) return 'absent';
  const containers = (pod.status?.containerStatuses ?? [])
    .map((c) => {
      const state = c.state?.running
        ? 'running'
        : c.state?.terminated
          ? `terminated(${c.state.terminated.reason ?? c.state.terminated.exitCode})`
          : `waiting(${c.state?.waiting?.reason ?? '?'})`;
      return `${c.name}=${state} restarts=${c.restartCount}`;
    })
    .join(', ');
  return `phase ${pod.status?.phase ?? 'unset'} on ${pod.spec?.nodeName ?? 'no node'}, podIP ${pod.status?.podIP ?? 'unset'}; ${containers || 'no container statuses'}`;
}

/** Waits on a watch until the pod satisfies `until`; the timeout names the last state seen. */
export async function waitForPod(
  cluster: Cluster,
  namespace: string,
  name: string,
  what: string,
  until: (pod: V1Pod | undefined) => boolean,
  timeoutMs: number,
): Promise<V1Pod> {
  const pod = await waitForObject<V1Pod>(cluster, {
    what: `pod ${namespace}/${name} ${what}`,
    collectionPath: `/api/v1/namespaces/${namespace}/pods`,
    name,
    timeoutMs,
    until,
    describe: describePod,
  });
  return pod!;
}

/** Creates the pods at once, then waits until every one is Running and Ready. */
export async function runPods(
  cluster: Cluster,
  namespace: string,
  pods: V1Pod[],
  timeoutMs: number,
): Promise<V1Pod[]> {
  for (const body of pods) await cluster.core.createNamespacedPod({ namespace, body });
  return Promise.all(
    pods.map((p) =>
      waitForPod(cluster, namespace, p.metadata!.name!, 'Running and Ready', isReady, timeoutMs),
    ),
  );
}

/**
 * The server of the HTTP checks: busybox httpd on 8080 with a CGI script answering
 * `host=<hostname> client=<REMOTE_ADDR>`, so the client learns who answered and whom it saw.
 */
export function httpServer(name = 'server'): V1Container {
  const cgi = [
    '#!/bin/sh',
    'echo "Content-Type: text/plain"',
    'echo',
    'echo "host=$(hostname) client=$REMOTE_ADDR"',
  ].join('\n');
  return busybox(
    name,
    `mkdir -p /www/cgi-bin && printf '%s\\n' "$CGI" > /www/cgi-bin/id && chmod 755 /www/cgi-bin/id && exec httpd -f -p ${HTTP_PORT} -h /www`,
    { env: [{ name: 'CGI', value: cgi }], ports: [{ containerPort: HTTP_PORT, protocol: 'TCP' }] },
  );
}

/** A container that only waits, to exec probes from. */
export function idle(name = 'client'): V1Container {
  return busybox(name, 'trap "exit 0" TERM; while :; do sleep 1; done');
}

export interface HttpAnswer {
  host: string;
  /** The address the server saw the request come from (IPv4, without an IPv6-mapped prefix). */
  client: string;
}

/** One HTTP GET from inside `from` to ip:8080; undefined when it got no well-formed answer. */
export async function httpGet(
  cluster: Cluster,
  namespace: string,
  from: { pod: string; container: string },
  ip: string,
): Promise<{ answer: HttpAnswer | undefined; output: string }> {
  const result = await execInPod(
    cluster,
    { namespace, ...from },
    ['sh', '-c', `printf 'GET /cgi-bin/id HTTP/1.0\\r\\n\\r\\n' | nc -w 3 ${ip} ${HTTP_PORT}`],
    EXEC_TIMEOUT_MS,
  );
  const output = result.stdout + result.stderr;
  const match = /host=(\S+) client=\[?(?:::ffff:)?([0-9.]+)\]?/.exec(result.stdout);
  return { answer: match ? { host: match[1]!, client: match[2]! } : undefined, output };
}

/**
 * Polls HTTP from `from` to `ip` until it answers, then requires CONSECUTIVE_SUCCESSES answers in
 * a row (a single lucky response proves little); resolves with the last one.
 */
export async function httpMustAnswer(
  cluster: Cluster,
  namespace: string,
  from: { pod: string; container: string },
  ip: string,
  timeoutMs: number,
): Promise<HttpAnswer> {
  let streak = 0;
  const last = await pollUntil(() => httpGet(cluster, namespace, from, ip), {
    what: `${CONSECUTIVE_SUCCESSES} consecutive HTTP answers from ${ip}:${HTTP_PORT} to pod ${namespace}/${from.pod}`,
    timeoutMs,
    intervalMs: 1000,
    done: (r) => {
      streak = r.answer ? streak + 1 : 0;
      return streak >= CONSECUTIVE_SUCCESSES;
    },
    describe: (r) => `last output: ${JSON.stringify(r?.output ?? '')}`,
  });
  return last.answer!;
}

/** The IPv4 addresses on a container's interfaces other than loopback, seen from inside. */
export async function ownAddresses(
  cluster: Cluster,
  namespace: string,
  pod: string,
  container: string,
): Promise<string[]> {
  const result = await execInPod(
    cluster,
    { namespace, pod, container },
    ['ip', '-4', '-o', 'addr', 'show'],
    EXEC_TIMEOUT_MS,
  );
  if (result.exitCode !== 0)
    throw new Error(`ip -4 -o addr show in ${pod}/${container} exited ${result.exitCode}: ${result.stderr}`);
  return [...result.stdout.matchAll(/inet (\d+\.\d+\.\d+\.\d+)\//g)]
    .map((m) => m[1]!)
    .filter((ip) => !ip.startsWith('127.'));
}

/** Whether an IPv4 address lies inside a CIDR such as 10.244.1.0/24. */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const toNumber = (a: string): number => a.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const size = 2 ** (32 - Number(bits));
  const start = Math.floor(toNumber(base!) / size) * size;
  const value = toNumber(ip);
  return value >= start && value < start + size;
}

/** The server pod's UDP NoPorts counter (datagrams that reached a closed port of its namespace). */
export async function udpNoPorts(
  cluster: Cluster,
  namespace: string,
  pod: string,
  container: string,
): Promise<number> {
  const result = await execInPod(
    cluster,
    { namespace, pod, container },
    ['cat', '/proc/net/snmp'],
    EXEC_TIMEOUT_MS,
  );
  const lines = result.stdout.split('\n').filter((l) => l.startsWith('Udp: '));
  const names = lines[0]?.split(/\s+/) ?? [];
  const values = lines[1]?.split(/\s+/) ?? [];
  const index = names.indexOf('NoPorts');
  const value = Number(values[index]);
  if (index < 0 || !Number.isInteger(value)) {
    throw new Error(`no Udp NoPorts counter in /proc/net/snmp of ${pod}/${container}: ${result.stdout}`);
  }
  return value;
}

/**
 * Sends UDP probes from `from` to closed ports of `ip` (busybox traceroute: one probe per hop, at
 * most 4 hops, 2 s each) and tells whether the target itself answered (its ICMP port unreachable
 * ends the trace at `ip`). Bounded: at most 4 datagrams, only to the given pod IP.
 */
export async function udpProbe(
  cluster: Cluster,
  namespace: string,
  from: { pod: string; container: string },
  ip: string,
): Promise<{ reached: boolean; output: string }> {
  const result = await execInPod(
    cluster,
    { namespace, ...from },
    ['traceroute', '-n', '-q', '1', '-w', '2', '-m', '4', ip],
    EXEC_TIMEOUT_MS,
  );
  const output = result.stdout + result.stderr;
  const hops = result.stdout.split('\n').filter((line) => /^\s*\d+\s/.test(line));
  const reached = hops.some((line) => line.trim().split(/\s+/)[1] === ip);
  return { reached, output };
}
