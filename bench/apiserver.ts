// The reference apiserver over loopback HTTP, on each store backend: durable creates, gets, a
// list of 1,000 objects, and watch fan-out (1,000 watchers, the delay until each sees an event).
// The apiserver runs as its own process; bounded counts, loopback only; the etcd backend uses a
// throwaway etcd process.
import { tsxArgs } from '../common/src/tsx.ts';
import { Agent, request as httpRequest, get as httpGet, type ClientRequest } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEtcdProcess } from '../reference/apiserver/test/support/etcd-process.ts';
import { percentile, round, type Benchmark } from './benchmark.ts';

const APISERVER_MAIN = fileURLToPath(new URL('../reference/apiserver/src/main.ts', import.meta.url));
const CREATES = 3000;
const GETS = 20000;
const CONCURRENCY = 32;
const LIST_SIZE = 1000;
const LIST_RUNS = 20;
const WATCHERS = 1000;
const WATCH_WRITES = 20;

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(
      base + path,
      {
        method,
        agent,
        headers: data
          ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) }
          : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function timedPool(
  count: number,
  op: (i: number) => Promise<void>,
): Promise<{ perSecond: number; p50Ms: number; p99Ms: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await op(i);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    perSecond: Math.round(count / seconds),
    p50Ms: round(percentile(latencies, 50)),
    p99Ms: round(percentile(latencies, 99)),
  };
}

const expectStatus = (want: number) => (r: { status: number; text: string }) => {
  if (r.status !== want) throw new Error(`expected ${want}, got ${r.status}: ${r.text.slice(0, 200)}`);
};

/** Starts the apiserver as its own process (as it runs in a cluster), so the load generator here
 * and the server do not share one event loop. Resolves with its URL and a stop function. */
async function startApiserverProcess(args: string[]): Promise<{ base: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...tsxArgs(APISERVER_MAIN), ...args], {
    stdio: ['ignore', 'pipe', 'ignore'],
    env: { ...process.env, KCONFORM_LOG: 'warn' },
  });
  const base = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`apiserver exited with ${code}`)));
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { base, stop };
}

async function measure(args: string[]) {
  const { base, stop } = await startApiserverProcess(args);
  try {
    await call(base, 'POST', '/api/v1/namespaces', { metadata: { name: 'bench' } }).then(expectStatus(201));
    const create = await timedPool(CREATES, (i) =>
      call(base, 'POST', '/api/v1/namespaces/bench/configmaps', {
        metadata: { name: `cm-${i}` },
        data: { i: String(i) },
      }).then(expectStatus(201)),
    );
    const get = await timedPool(GETS, (i) =>
      call(base, 'GET', `/api/v1/namespaces/bench/configmaps/cm-${i % CREATES}`).then(expectStatus(200)),
    );

    await call(base, 'POST', '/api/v1/namespaces', { metadata: { name: 'listed' } }).then(expectStatus(201));
    await timedPool(LIST_SIZE, (i) =>
      call(base, 'POST', '/api/v1/namespaces/listed/configmaps', { metadata: { name: `l-${i}` } }).then(
        expectStatus(201),
      ),
    );
    const listTimes: number[] = [];
    for (let i = 0; i < LIST_RUNS; i++) {
      const t = performance.now();
      const r = await call(base, 'GET', '/api/v1/namespaces/listed/configmaps');
      expectStatus(200)(r);
      if ((JSON.parse(r.text) as { items: unknown[] }).items.length !== LIST_SIZE)
        throw new Error('list returned the wrong count');
      listTimes.push(performance.now() - t);
    }

    const watch = await watchFanOut(base);
    return {
      create,
      get,
      list1000: {
        runs: LIST_RUNS,
        p50Ms: round(percentile(listTimes, 50)),
        p99Ms: round(percentile(listTimes, 99)),
      },
      watchFanOut: watch,
    };
  } finally {
    await stop();
  }
}

/** 1,000 watchers on one namespace; each write's delay until every watcher has its event. */
async function watchFanOut(base: string) {
  await call(base, 'POST', '/api/v1/namespaces', { metadata: { name: 'watched' } }).then(expectStatus(201));
  const rv = JSON.parse((await call(base, 'GET', '/api/v1/namespaces/watched/configmaps')).text).metadata
    .resourceVersion as string;
  const watchAgent = new Agent({ keepAlive: false, maxSockets: Infinity });
  const sent = new Map<string, number>();
  const delays: number[] = [];
  let received = 0;
  const requests: ClientRequest[] = [];
  let established = 0;
  await new Promise<void>((resolve, reject) => {
    for (let w = 0; w < WATCHERS; w++) {
      const req = httpGet(
        `${base}/api/v1/namespaces/watched/configmaps?watch=true&resourceVersion=${rv}`,
        { agent: watchAgent },
        (res) => {
          if (++established === WATCHERS) resolve();
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            let nl: number;
            while ((nl = buffer.indexOf('\n')) >= 0) {
              const event = JSON.parse(buffer.slice(0, nl)) as { object: { metadata: { name: string } } };
              buffer = buffer.slice(nl + 1);
              const at = sent.get(event.object.metadata.name);
              if (at !== undefined) delays.push(performance.now() - at);
              received++;
            }
          });
        },
      );
      req.on('error', reject);
      requests.push(req);
    }
  });
  const deadline = Date.now() + 60_000;
  for (let i = 0; i < WATCH_WRITES; i++) {
    const name = `w-${i}`;
    sent.set(name, performance.now());
    await call(base, 'POST', '/api/v1/namespaces/watched/configmaps', { metadata: { name } }).then(
      expectStatus(201),
    );
    while (received < (i + 1) * WATCHERS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1));
  }
  for (const req of requests) req.destroy();
  watchAgent.destroy();
  return {
    watchers: WATCHERS,
    writes: WATCH_WRITES,
    delivered: received,
    expected: WATCHERS * WATCH_WRITES,
    p50Ms: round(percentile(delays, 50)),
    p99Ms: round(percentile(delays, 99)),
  };
}

export const apiserverBench: Benchmark = {
  name: 'apiserver',
  description: `creates (${CREATES}), gets (${GETS}) at concurrency ${CONCURRENCY}, list of ${LIST_SIZE}, watch fan-out to ${WATCHERS} watchers; embedded and etcd`,
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'kconform-bench-'));
    const results: Record<string, unknown> = {};
    try {
      results.embedded = await measure(['--data-dir', dir]);
      const etcd = await startEtcdProcess();
      try {
        results.etcd = await measure([
          '--store',
          'etcd',
          '--etcd-servers',
          etcd.endpoint,
          '--etcd-prefix',
          '/bench',
        ]);
      } finally {
        await etcd.stop();
      }
    } finally {
      agent.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
    return results;
  },
};
