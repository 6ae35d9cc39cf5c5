// A fresh namespace per test file: created in `before`, deleted in `after` whether the tests passed
// or not. Deletion is only requested, not awaited: a cluster without a namespace controller leaves
// the namespace Terminating, and that is no concern of the suite. A test that fails gets the
// namespace's diagnostics (pods, events, logs) recorded before any clean-up of the file runs.
import { randomBytes } from 'node:crypto';
import { ApiException } from '@kubernetes/client-node';
import { loadCluster, type Cluster } from './cluster.ts';
import { useFailureDiagnostics } from './diagnostics.ts';

/** Limits for the suite's own set-up and clean-up (not requirements; those live in the specs). */
export const SUITE_TIMEOUTS = {
  /** Creating the test namespace and whatever a file's `before` adds to it. */
  setupMs: 60_000,
  /** Requesting the deletion of what a file created. */
  cleanupMs: 60_000,
} as const;

/** Label on every namespace the suite creates, so a person can find leftovers. */
export const SUITE_LABEL = 'conformance.kconform.io/suite';

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

/** Five random characters from the alphabet upstream uses for generated names. */
export function randomSuffix(length = 5): string {
  return [...randomBytes(length)].map((byte) => SUFFIX_ALPHABET[byte % SUFFIX_ALPHABET.length]).join('');
}

export interface TestNamespace {
  /** The cluster under test (from KUBECONFIG). */
  readonly cluster: Cluster;
  /** The namespace's name, e.g. `kconform-api-watch-x7k2p`. */
  readonly name: string;
}

/**
 * Registers `before`/`after` hooks that create `kconform-<base>-<random>` and delete it afterwards,
 * and an `afterEach` that records the namespace's diagnostics when a test fails. Call it before the
 * file's own `afterEach` hooks, so the diagnostics show what the test left behind.
 * The returned handle's fields may be read from inside tests and later hooks only.
 */
export function useTestNamespace(base: string): TestNamespace {
  if (!/^[a-z0-9]([a-z0-9-]{0,40}[a-z0-9])?$/.test(base)) {
    throw new Error(
      `useTestNamespace("${base}"): the base must be 1-42 lower-case letters, digits and dashes`,
    );
  }
  let cluster: Cluster | undefined;
  let name: string | undefined;

  before(async function () {
    this.timeout(SUITE_TIMEOUTS.setupMs);
    cluster = loadCluster();
    const wanted = `kconform-${base}-${randomSuffix()}`;
    const created = await cluster.core.createNamespace({
      body: { metadata: { name: wanted, labels: { [SUITE_LABEL]: base } } },
    });
    name = created.metadata?.name ?? wanted;
  });

  useFailureDiagnostics(() => (cluster && name ? { cluster, name } : undefined));

  after(async function () {
    this.timeout(SUITE_TIMEOUTS.cleanupMs);
    if (!cluster || !name) return;
    await deleteNamespace(cluster, name);
  });

  return {
    get cluster() {
      if (!cluster)
        throw new Error('the test namespace is only available inside tests and hooks after before()');
      return cluster;
    },
    get name() {
      if (!name)
        throw new Error('the test namespace is only available inside tests and hooks after before()');
      return name;
    },
  };
}

/** Requests a namespace's deletion; a namespace already gone is fine. */
export async function deleteNamespace(cluster: Cluster, name: string): Promise<void> {
  try {
    await cluster.core.deleteNamespace({ name });
  } catch (err) {
    if (err instanceof ApiException && err.code === 404) return;
    throw err;
  }
}
