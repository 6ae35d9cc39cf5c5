// The cluster's certificates, made with the host's openssl at `kconform up`: one CA, a serving
// certificate for the apiserver (and one per kubelet), and client certificates. Node can verify
// certificates but not issue them, and openssl is on every Debian machine.
import { mkdirSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCommand, type RunCommand } from '../../../common/src/exec.ts';

export interface CertificatePaths {
  cert: string;
  key: string;
}

export interface Pki {
  dir: string;
  ca: CertificatePaths;
  /** Issues (or reuses) a serving certificate valid for the given IPs and DNS names. */
  serving(name: string, ips: string[], dnsNames: string[]): Promise<CertificatePaths>;
  /** Issues (or reuses) a client certificate with CN=user and O=groups. */
  client(name: string, user: string, groups: string[]): Promise<CertificatePaths>;
  caPem(): string;
}

const KEY_ARGS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** Creates the CA in `dir` when absent and returns the issuer. Idempotent. */
export async function openPki(dir: string, run: RunCommand = runCommand): Promise<Pki> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const ca = { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') };
  if (!existsSync(ca.cert) || !existsSync(ca.key)) {
    await run('openssl', [
      'req',
      '-x509',
      ...KEY_ARGS,
      '-keyout',
      ca.key,
      '-out',
      ca.cert,
      '-days',
      '3650',
      '-subj',
      '/CN=kconform-ca',
    ]);
  }

  const issue = async (name: string, subject: string, extensions: string): Promise<CertificatePaths> => {
    const paths = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
    if (existsSync(paths.cert) && existsSync(paths.key)) return paths;
    const csr = join(dir, `${name}.csr`);
    const ext = join(dir, `${name}.ext`);
    writeFileSync(ext, extensions);
    await run('openssl', ['req', '-new', ...KEY_ARGS, '-keyout', paths.key, '-out', csr, '-subj', subject]);
    await run('openssl', [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      ca.cert,
      '-CAkey',
      ca.key,
      '-CAcreateserial',
      '-days',
      '365',
      '-out',
      paths.cert,
      '-extfile',
      ext,
    ]);
    return paths;
  };

  return {
    dir,
    ca,
    caPem: () => readFileSync(ca.cert, 'utf8'),
    serving: (name, ips, dnsNames) =>
      issue(
        name,
        `/CN=${name}`,
        'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' +
          `subjectAltName=${[...ips.map((ip) => `IP:${ip}`), ...dnsNames.map((d) => `DNS:${d}`)].join(',')}\n`,
      ),
    client: (name, user, groups) =>
      issue(
        name,
        `/CN=${user}${groups.map((g) => `/O=${g}`).join('')}`,
        'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n',
      ),
  };
}
