// The cluster a run targets: a kubeconfig the user names (checked before anything runs), or the
// embedded reference, started in a fresh state folder for the run and always stopped after it,
// whatever happened in between.
import { KubeConfig } from '@kubernetes/client-node';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usageError } from '../args.ts';
import type { Logger } from '../../../common/src/log.ts';
import type { ClusterOptions, DownOptions } from '../../../reference/cluster/src/cluster.ts';

export const REFERENCE_NODES = 2;

export interface Target {
  /** For reports and --list: `reference (embedded store, 2 nodes)` or `kubeconfig FILE (server URL)`. */
  description: string;
  /** Optional features the target supports; the reference supports all of them. */
  features: ReadonlySet<string> | 'all';
  /** Set for an existing cluster; undefined when the reference is started for the run. */
  kubeconfig?: string;
  /** The kubeconfig context to use instead of the file's current one. */
  context?: string;
}

/**
 * Checks a user's kubeconfig file without contacting the cluster: it must exist, be a file and name
 * a current cluster (or have the context `context`, when given). Throws a USAGE error naming the
 * file and what is wrong. The target supports `core` and the `features` declared for it.
 */
export function externalTarget(path: string, context?: string, features: readonly string[] = []): Target {
  const bad = (why: string) => usageError('run', `--kubeconfig ${path}: ${why}`);
  if (!existsSync(path)) throw bad('no such file');
  if (!statSync(path).isFile()) throw bad('not a file');
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(path);
  } catch (err) {
    throw bad(`not a readable kubeconfig (${(err as Error).message.split('\n')[0]})`);
  }
  if (context !== undefined) {
    if (!kc.getContextObject(context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw usageError(
        'run',
        `--context ${context}: ${path} has no such context; its contexts are ${known.join(', ') || 'none'}`,
      );
    }
    kc.setCurrentContext(context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw bad(`its current context "${kc.getCurrentContext()}" names no cluster`);
  return {
    description: `kubeconfig ${path}${context ? ` context ${context}` : ''} (server ${cluster.server})`,
    features: new Set(['core', ...features]),
    kubeconfig: path,
    ...(context ? { context } : {}),
  };
}

/**
 * The kubeconfig the suite gets: the user's file itself, or (with --context) a copy in `dir` whose
 * current context is the one asked for, since the suite reads only KUBECONFIG.
 */
export function suiteKubeconfig(target: Target & { kubeconfig: string }, dir: string): string {
  if (!target.context) return target.kubeconfig;
  const kc = new KubeConfig();
  kc.loadFromFile(target.kubeconfig);
  kc.setCurrentContext(target.context);
  const copy = join(dir, 'kubeconfig');
  writeFileSync(copy, kc.exportConfig(), { mode: 0o600 });
  return copy;
}

/** The reference supports every feature; a declared list (--features, a profile) narrows it. */
export const referenceTarget = (features?: readonly string[]): Target => ({
  description: `reference (embedded store, ${REFERENCE_NODES} nodes, started for the run)`,
  features: features === undefined ? 'all' : new Set(['core', ...features]),
});

export interface ReferenceDeps {
  prepareHost: () => Promise<void>;
  clusterUp: (options: ClusterOptions) => Promise<string>;
  clusterDown: (options: DownOptions) => Promise<boolean>;
  log: Logger;
  progress: (line: string) => void;
}

/**
 * Starts the reference in a fresh temporary state folder, calls `use` with its kubeconfig, and stops
 * and removes it afterwards, also when `use` or the start failed. When the start failed the state
 * folder (its logs) is kept and named in the error log for the post-mortem.
 */
export async function withReference<T>(
  deps: ReferenceDeps,
  use: (kubeconfig: string) => Promise<T>,
): Promise<T> {
  await deps.prepareHost();
  const stateDir = mkdtempSync(join(tmpdir(), 'kconform-run-'));
  let started = false;
  try {
    const kubeconfig = await deps.clusterUp({
      stateDir,
      nodes: REFERENCE_NODES,
      store: 'embedded',
      log: deps.log,
      progress: (line) => deps.progress(`reference: ${line}`),
    });
    started = true;
    return await use(kubeconfig);
  } finally {
    if (started) {
      await deps.clusterDown({
        stateDir,
        log: deps.log,
        progress: (line) => deps.progress(`reference: ${line}`),
      });
      rmSync(stateDir, { recursive: true, force: true });
    } else {
      // clusterUp tore down what it started and kept the logs.
      deps.log.error('the reference cluster did not start; its logs are kept', { stateDir });
    }
  }
}
