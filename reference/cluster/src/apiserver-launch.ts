// One description of how the reference apiserver process is launched, shared by `kconform up`
// (detached, reference/cluster/src/cluster.ts) and the tests' control plane (an attached child,
// control-plane.ts): its credentials in the state dir and its command line.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tsxArgs } from '../../../common/src/tsx.ts';
import type { CertificatePaths, Pki } from './pki.ts';

const APISERVER_MAIN = fileURLToPath(new URL('../../apiserver/src/main.ts', import.meta.url));

export interface ApiserverCredentials {
  serving: CertificatePaths;
  /** The admin's bearer token (also in the token file the apiserver reads). */
  token: string;
  tokenFile: string;
}

/** The serving certificate (loopback and the `kubernetes` Service's names) and an admin token. */
export async function apiserverCredentials(stateDir: string, pki: Pki): Promise<ApiserverCredentials> {
  const serving = await pki.serving(
    'apiserver',
    ['127.0.0.1', '10.96.0.1'],
    ['localhost', 'kubernetes', 'kubernetes.default.svc'],
  );
  const token = randomBytes(24).toString('hex');
  const tokenFile = join(stateDir, 'tokens.csv');
  writeFileSync(tokenFile, `${token},kconform-admin,kconform-admin,"system:masters"\n`, { mode: 0o600 });
  return { serving, token, tokenFile };
}

export interface ApiserverLaunch {
  stateDir: string;
  credentials: ApiserverCredentials;
  /** 0 or absent: the apiserver picks a free port and prints it. */
  port?: number;
  /** `--store etcd --etcd-servers …`, or nothing for the embedded store. */
  storeArgs?: string[];
  /** How the apiserver reaches the kubelets' API (logs, exec). */
  kubelet?: { caFile: string; tokenFile: string };
}

/** Node's arguments for the apiserver process. */
export function apiserverArgs(launch: ApiserverLaunch): string[] {
  const { stateDir, credentials } = launch;
  return [
    ...tsxArgs(APISERVER_MAIN),
    '--data-dir',
    stateDir,
    ...(launch.port ? ['--secure-port', String(launch.port)] : []),
    '--tls-cert-file',
    credentials.serving.cert,
    '--tls-private-key-file',
    credentials.serving.key,
    '--token-auth-file',
    credentials.tokenFile,
    '--audit-log-path',
    join(stateDir, 'audit.log'),
    ...(launch.kubelet
      ? [
          '--kubelet-certificate-authority',
          launch.kubelet.caFile,
          '--kubelet-token-file',
          launch.kubelet.tokenFile,
        ]
      : []),
    ...(launch.storeArgs ?? []),
  ];
}
