// The Docker-link-style variables upstream's kubelet gives every container for the services it can
// see (pkg/kubelet/envvars and getServiceEnvVarMap): the `kubernetes` service of the default
// namespace always, and the services of the pod's own namespace when `enableServiceLinks` is not
// false. Services without a cluster IP (headless, ExternalName) give none. Pure.
import type { V1Service } from '@kubernetes/client-node';

/** Upstream's makeEnvVariableName: upper case, dashes to underscores. */
function envName(name: string): string {
  return name.replace(/-/g, '_').toUpperCase();
}

function hasClusterIp(service: V1Service): boolean {
  const ip = service.spec?.clusterIP ?? '';
  return ip !== '' && ip !== 'None';
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The variables for one service, in upstream's order (FromServices). */
export function serviceVariables(service: V1Service): [string, string][] {
  if (!hasClusterIp(service)) return [];
  const ports = service.spec?.ports ?? [];
  if (ports.length === 0) return [];
  const ip = service.spec!.clusterIP!;
  const prefix = envName(service.metadata?.name ?? '');
  const vars: [string, string][] = [[`${prefix}_SERVICE_HOST`, ip]];
  const portVar = `${prefix}_SERVICE_PORT`;
  vars.push([portVar, String(ports[0]!.port)]);
  for (const port of ports) {
    if (port.name) vars.push([`${portVar}_${envName(port.name)}`, String(port.port)]);
  }
  ports.forEach((port, index) => {
    const protocol = (port.protocol ?? 'TCP').toUpperCase();
    const url = `${protocol.toLowerCase()}://${joinHostPort(ip, port.port)}`;
    if (index === 0) vars.push([`${prefix}_PORT`, url]);
    const portPrefix = `${prefix}_PORT_${port.port}_${protocol}`;
    vars.push(
      [portPrefix, url],
      [`${portPrefix}_PROTO`, protocol.toLowerCase()],
      [`${portPrefix}_PORT`, String(port.port)],
      [`${portPrefix}_ADDR`, ip],
    );
  });
  return vars;
}

/**
 * The service variables a pod in `namespace` sees, from every service the kubelet knows of. The
 * master service `kubernetes` in `default` is always included (even with service links off),
 * unless a service of the pod's own namespace has that name (as upstream).
 */
export function serviceEnvironment(
  services: readonly V1Service[],
  namespace: string,
  enableServiceLinks: boolean,
): Map<string, string> {
  const chosen = new Map<string, V1Service>();
  for (const service of services) {
    if (!hasClusterIp(service)) continue;
    const name = service.metadata?.name ?? '';
    const ns = service.metadata?.namespace ?? '';
    if (ns === 'default' && name === 'kubernetes') {
      if (!chosen.has(name)) chosen.set(name, service);
    } else if (ns === namespace && enableServiceLinks) {
      chosen.set(name, service);
    }
  }
  const env = new Map<string, string>();
  const names = [...chosen.keys()].sort();
  for (const name of names)
    for (const [key, value] of serviceVariables(chosen.get(name)!)) env.set(key, value);
  return env;
}
