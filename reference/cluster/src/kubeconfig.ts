// Writes a kubeconfig for a reference cluster: the apiserver URL, the CA that signed its serving
// certificate, and a bearer token. The file is what kubectl, client-node and the suite read.
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';

export interface KubeconfigSpec {
  server: string;
  caPem: string;
  token: string;
  user?: string;
  cluster?: string;
  namespace?: string;
}

export function renderKubeconfig(spec: KubeconfigSpec): string {
  const cluster = spec.cluster ?? 'kconform';
  const user = spec.user ?? 'kconform-admin';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: cluster,
        cluster: {
          server: spec.server,
          'certificate-authority-data': Buffer.from(spec.caPem).toString('base64'),
        },
      },
    ],
    users: [{ name: user, user: { token: spec.token } }],
    contexts: [
      { name: cluster, context: { cluster, user, ...(spec.namespace ? { namespace: spec.namespace } : {}) } },
    ],
    'current-context': cluster,
  });
}

export function writeKubeconfig(path: string, spec: KubeconfigSpec): void {
  writeFileSync(path, renderKubeconfig(spec), { mode: 0o600 });
}
