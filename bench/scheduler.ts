// The reference scheduler end to end: a reference apiserver process, NODES Nodes with no kubelet
// behind them (made Ready through the status subresource), the scheduler as its own process, and
// PODS pods created at full speed. Measures pods bound per second (first create → last binding
// seen) and the latency from each pod's create request to its binding as seen by a watch.
// Loopback only. The load generator speaks plain HTTPS (client-node's serializer would take most of
// a core of this machine away from the apiserver and the scheduler). KCONFORM_BENCH_SCHEDULER_NODES / _PODS override the counts for a smaller run;
// the result carries the counts used. KCONFORM_BENCH_CPU_PROF=DIR profiles the scheduler and the
// apiserver processes.
import { spawn } from 'node:child_process';
import type { ClientRequest } from 'node:http';
import { Agent, request as httpsRequest, get as httpsGet } from 'node:https';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { tsxArgs } from '../common/src/tsx.ts';
import { startControlPlane } from '../reference/cluster/src/control-plane.ts';
import { countFromEnv, percentile, round, type Benchmark } from './benchmark.ts';

const SCHEDULER_MAIN = fileURLToPath(new URL('../reference/scheduler/src/main.ts', import.meta.url));
export const NODES = 1000;
export const PODS = 10_000;
/** Pods per owner (ReplicaSet-like ownerReferences), so spreading has work to do. */
const PODS_PER_OWNER = 100;
const CONCURRENCY = 32;
const NAMESPACE = 'bench';
/** Give up waiting for bindings after this long; the result then says how many were bound. */
const BIND_TIMEOUT_MS = 15 * 60_000;

async function pool(count: number, op: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await op(next++);
    }),
  );
}

interface Api {
  call(method: string, path: string, body?: unknown): Promise<unknown>;
  watch(path: string, onEvent: (type: string, object: k8s.V1Pod) => void): ClientRequest;
}

function apiFromKubeconfig(kc: k8s.KubeConfig): Api {
  const cluster = kc.getCurrentCluster()!;
  const token = kc.getCurrentUser()!.token!;
  const ca = Buffer.from(cluster.caData!, 'base64');
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY, ca });
  const headers = { Authorization: `Bearer ${token}` };
  return {
    call: (method, path, body) =>
      new Promise((resolve, reject) => {
        const data = body === undefined ? undefined : JSON.stringify(body);
        const req = httpsRequest(
          cluster.server + path,
          {
            method,
            agent,
            headers: data
              ? { ...headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) }
              : headers,
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (text += c));
            res.on('end', () => {
              if ((res.statusCode ?? 0) >= 300)
                reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 200)}`));
              else resolve(JSON.parse(text));
            });
          },
        );
        req.on('error', reject);
        req.end(data);
      }),
    watch: (path, onEvent) => {
      const req = httpsGet(cluster.server + path, { ca, headers }, (res) => {
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          let nl: number;
          while ((nl = buffer.indexOf('\n')) >= 0) {
            const line = buffer.slice(0, nl);
            buffer = buffer.slice(nl + 1);
            if (!line.trim()) continue;
            const event = JSON.parse(line) as { type: string; object: k8s.V1Pod };
            onEvent(event.type, event.object);
          }
        });
      });
      req.on('error', () => undefined); // aborted at the end
      return req;
    },
  };
}

/** KCONFORM_BENCH_CPU_PROF=DIR: the scheduler and apiserver processes write V8 CPU profiles there on exit. */
const profileArgs = (): string[] => {
  const dir = process.env['KCONFORM_BENCH_CPU_PROF'];
  return dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [];
};

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. On a shared
 * machine whose speed varies between runs, CPU per pod compares builds better than throughput.
 */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    // Fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // USER_HZ is 100 on Linux
  } catch {
    return undefined;
  }
}

function startSchedulerProcess(
  kubeconfigPath: string,
): Promise<{ stop: () => Promise<void>; pid: number | undefined }> {
  const child = spawn(
    process.execPath,
    [...profileArgs(), ...tsxArgs(SCHEDULER_MAIN), '--kubeconfig', kubeconfigPath],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, KCONFORM_LOG: 'warn' },
    },
  );
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('scheduler ready')) resolve({ stop, pid: child.pid });
    });
    child.once('exit', (code) => reject(new Error(`scheduler exited with ${code} before it was ready`)));
  });
}

export const schedulerBench: Benchmark = {
  name: 'scheduler',
  description: `${NODES} kubelet-less nodes, ${PODS} pods: pods bound per second and create→bound latency`,
  async run({ log }) {
    const nodes = countFromEnv('KCONFORM_BENCH_SCHEDULER_NODES', NODES);
    const pods = countFromEnv('KCONFORM_BENCH_SCHEDULER_PODS', PODS);
    const dir = mkdtempSync(join(tmpdir(), 'kconform-bench-scheduler-'));
    const cp = await startControlPlane({ stateDir: join(dir, 'cp'), nodeArgs: profileArgs() });
    let scheduler: { stop: () => Promise<void>; pid: number | undefined } | undefined;
    let watchRequest: ClientRequest | undefined;
    try {
      const kc = new k8s.KubeConfig();
      kc.loadFromFile(cp.kubeconfigPath);
      const api = apiFromKubeconfig(kc);
      await api.call('POST', '/api/v1/namespaces', { metadata: { name: NAMESPACE } });

      const nodesStarted = performance.now();
      const resources = { cpu: '32', memory: '128Gi', pods: '110' };
      await pool(nodes, async (i) => {
        const name = `node-${i}`;
        const node = (await api.call('POST', '/api/v1/nodes', {
          metadata: { name, labels: { 'kubernetes.io/hostname': name } },
        })) as k8s.V1Node;
        node.status = {
          capacity: resources,
          allocatable: resources,
          conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady' }],
        };
        await api.call('PUT', `/api/v1/nodes/${name}/status`, node);
      });
      const nodesMs = performance.now() - nodesStarted;
      log.info('nodes ready', { nodes, ms: Math.round(nodesMs) });

      scheduler = await startSchedulerProcess(cp.kubeconfigPath);
      const cpuBefore = {
        apiserver: cpuSeconds(cp.process.pid) ?? 0,
        scheduler: cpuSeconds(scheduler.pid) ?? 0,
      };

      // The watch that sees each binding; started before the first pod is created.
      const created = new Map<string, number>();
      const latencies: number[] = [];
      let lastBound = 0;
      let allBound!: () => void;
      const done = new Promise<void>((resolve) => (allBound = resolve));
      const list = (await api.call('GET', `/api/v1/namespaces/${NAMESPACE}/pods`)) as k8s.V1PodList;
      watchRequest = api.watch(
        `/api/v1/namespaces/${NAMESPACE}/pods?watch=true&resourceVersion=${list.metadata!.resourceVersion!}`,
        (type, pod) => {
          if (type !== 'MODIFIED' || !pod.spec?.nodeName) return;
          const name = pod.metadata!.name!;
          const started = created.get(name);
          if (started === undefined) return; // already counted (or not ours)
          created.delete(name);
          lastBound = performance.now();
          latencies.push(lastBound - started);
          if (latencies.length === pods) allBound();
        },
      );

      const podsStarted = performance.now();
      await pool(pods, async (i) => {
        const name = `pod-${i}`;
        const owner = Math.floor(i / PODS_PER_OWNER);
        created.set(name, performance.now());
        await api.call('POST', `/api/v1/namespaces/${NAMESPACE}/pods`, {
          metadata: {
            name,
            labels: { app: `app-${owner}` },
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: `rs-${owner}`,
                uid: `rs-${owner}-uid`,
                controller: true,
              },
            ],
          },
          spec: {
            containers: [
              { name: 'c', image: 'busybox', resources: { requests: { cpu: '100m', memory: '128Mi' } } },
            ],
          },
        });
      });
      const createMs = performance.now() - podsStarted;
      log.info('pods created', { pods, ms: Math.round(createMs) });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        done,
        new Promise<void>((resolve) => (timer = setTimeout(resolve, BIND_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      const bound = latencies.length;
      const cpuMs = (now: number | undefined, before: number): number | undefined =>
        now === undefined ? undefined : round(((now - before) * 1000 * 1000) / Math.max(bound, 1));
      const seconds = ((bound === pods ? lastBound : performance.now()) - podsStarted) / 1000;
      return {
        nodes,
        pods,
        bound,
        ...(bound < pods ? { note: `only ${bound} of ${pods} bound within ${BIND_TIMEOUT_MS} ms` } : {}),
        nodeSetupMs: round(nodesMs),
        podCreatesPerSecond: Math.round(pods / (createMs / 1000)),
        podsScheduledPerSecond: Math.round(bound / seconds),
        // CPU milliseconds per 1,000 pods bound, from the first pod's create to the last binding.
        cpuMsPer1000Pods: {
          apiserver: cpuMs(cpuSeconds(cp.process.pid), cpuBefore.apiserver),
          scheduler: cpuMs(cpuSeconds(scheduler.pid), cpuBefore.scheduler),
        },
        scheduleLatency: {
          p50Ms: round(percentile(latencies, 50)),
          p90Ms: round(percentile(latencies, 90)),
          p99Ms: round(percentile(latencies, 99)),
          maxMs: round(percentile(latencies, 100)),
        },
      };
    } finally {
      watchRequest?.destroy();
      await scheduler?.stop();
      await cp.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
