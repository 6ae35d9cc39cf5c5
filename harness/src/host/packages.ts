// The Debian packages a kconform host needs, and how to tell which are missing.
import type { RunCommand } from '../../../common/src/exec.ts';

export interface RequiredPackage {
  name: string;
  /** Why kconform needs it, shown by `kconform doctor`. */
  why: string;
}

export const REQUIRED_PACKAGES: readonly RequiredPackage[] = [
  { name: 'docker.io', why: 'the container engine the reference kubelet runs pods on' },
  {
    name: 'containernetworking-plugins',
    why: 'the CNI bridge and host-local plugins that give pods their IPs',
  },
  { name: 'iptables', why: 'netfilter rules for the network guard and service VIPs' },
  { name: 'nftables', why: 'netfilter rules for service VIPs (nft backend)' },
  { name: 'conntrack', why: 'flushing stale connection-tracking entries when endpoints change' },
  { name: 'etcd-server', why: 'the distributed store backend of the reference apiserver' },
  { name: 'etcd-client', why: 'etcdctl, to inspect and repair the etcd store' },
  { name: 'busybox-static', why: 'the static binary the fixture images are built from' },
];

/** Names of the packages dpkg does not report as installed ("ii"). */
export async function missingPackages(
  run: RunCommand,
  packages: readonly RequiredPackage[] = REQUIRED_PACKAGES,
): Promise<RequiredPackage[]> {
  // One dpkg-query call for all of them; unknown packages go to stderr and simply don't match.
  const result = await run(
    'dpkg-query',
    ['-W', '-f=${Package} ${db:Status-Abbrev}\n', ...packages.map((p) => p.name)],
    {
      allowFailure: true,
    },
  );
  const installed = new Set(
    result.stdout
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter(([, status]) => status === 'ii')
      .map(([name]) => name),
  );
  return packages.filter((p) => !installed.has(p.name));
}

/** Installs `packages` with apt-get, refreshing the package lists first when they are missing. */
export async function installPackages(run: RunCommand, packages: readonly RequiredPackage[]): Promise<void> {
  if (packages.length === 0) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const names = packages.map((p) => p.name);
  const first = await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...names], {
    env,
    allowFailure: true,
  });
  if (first.code === 0) return;
  // A fresh machine has no package lists yet ("Unable to locate package"): update and retry once.
  await run('apt-get', ['update', '-q'], { env });
  await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...names], { env });
}
