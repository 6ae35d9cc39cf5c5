// The files the kubelet manages in a pod's /etc, rendered as upstream renders them: the hostname
// and domain (GeneratePodHostNameAndDomain), /etc/hosts (managedHostsFileContent and
// hostsEntriesFromHostAliases) and /etc/resolv.conf (the DNS configurer's GetPodDNS, written as
// dockershim's rewriteResolvFile). Rendering is pure; `writeEtcFiles` puts them in the pod's dir.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';

export const MANAGED_HOSTS_HEADER = '# Kubernetes-managed hosts file.\n';
export const MANAGED_HOSTS_HEADER_HOST_NETWORK = '# Kubernetes-managed hosts file (host network).\n';
/** upstream's validation limits, applied by formDNSConfigFitsLimits. */
export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;

export interface DnsSettings {
  /** The cluster DNS servers (`--cluster-dns`); empty: ClusterFirst falls back to Default. */
  clusterDns: string[];
  /** `--cluster-domain`, e.g. cluster.local. */
  clusterDomain: string;
  /** The contents of the node's resolv.conf (`--resolv-conf`); undefined when that flag is empty. */
  hostResolvConf: string | undefined;
}

export interface DnsConfig {
  servers: string[];
  searches: string[];
  options: string[];
}

/** upstream's truncatePodHostnameIfNeeded: at most 63 characters, not ending in '-' or '.'. */
function truncateHostname(hostname: string): string {
  return hostname.length <= 63 ? hostname : hostname.slice(0, 63).replace(/[-.]+$/, '');
}

/** The pod's hostname and, with a subdomain, its domain `<subdomain>.<ns>.svc.<cluster domain>`. */
export function podHostnameAndDomain(
  pod: V1Pod,
  clusterDomain: string,
): { hostname: string; domain: string } {
  const hostname = truncateHostname(pod.spec?.hostname || pod.metadata?.name || '');
  const subdomain = pod.spec?.subdomain ?? '';
  const domain = subdomain ? `${subdomain}.${pod.metadata?.namespace ?? ''}.svc.${clusterDomain}` : '';
  return { hostname, domain };
}

/** The hostname the pod's UTS namespace gets: the FQDN with setHostnameAsFQDN and a domain. */
export function utsHostname(pod: V1Pod, clusterDomain: string): string {
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  return pod.spec?.setHostnameAsFQDN && domain ? `${hostname}.${domain}` : hostname;
}

function hostAliasLines(pod: V1Pod): string {
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length === 0) return '';
  return (
    '\n# Entries added by HostAliases.\n' +
    aliases.map((a) => `${a.ip}\t${(a.hostnames ?? []).join('\t')}\n`).join('')
  );
}

/** The kubelet-managed /etc/hosts of a pod on the pod network. */
export function renderHosts(pod: V1Pod, podIps: string[], clusterDomain: string): string {
  const { hostname, domain } = podHostnameAndDomain(pod, clusterDomain);
  let out =
    MANAGED_HOSTS_HEADER +
    '127.0.0.1\tlocalhost\n' +
    '::1\tlocalhost ip6-localhost ip6-loopback\n' +
    'fe00::0\tip6-localnet\n' +
    'fe00::0\tip6-mcastprefix\n' +
    'fe00::1\tip6-allnodes\n' +
    'fe00::2\tip6-allrouters\n';
  for (const ip of podIps)
    out += domain ? `${ip}\t${hostname}.${domain}\t${hostname}\n` : `${ip}\t${hostname}\n`;
  return out + hostAliasLines(pod);
}

/** A host-network pod's /etc/hosts: the node's own file with the aliases appended. */
export function renderHostNetworkHosts(pod: V1Pod, nodeHosts: string): string {
  return MANAGED_HOSTS_HEADER_HOST_NETWORK + nodeHosts + hostAliasLines(pod);
}

/** Parses resolv.conf text into nameservers, search domains and options (getHostDNSConfig). */
export function parseResolvConf(text: string): DnsConfig {
  const config: DnsConfig = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...fields] = line.split(/\s+/);
    if (key === 'nameserver' && fields[0]) config.servers.push(fields[0]);
    // The last search line wins (resolver(5)); a trailing dot is dropped as upstream does.
    if (key === 'search') config.searches = fields.map((f) => f.replace(/\.$/, ''));
    if (key === 'options') config.options.push(...fields);
  }
  return config;
}

const unique = (values: string[]): string[] => [...new Set(values)];

/** upstream's mergeDNSOptions: dnsConfig options replace options of the same name. */
function mergeOptions(existing: string[], extra: { name?: string; value?: string }[]): string[] {
  const options = new Map<string, string>();
  for (const option of existing) {
    const colon = option.indexOf(':');
    if (colon === -1) options.set(option, '');
    else options.set(option.slice(0, colon), option.slice(colon + 1));
  }
  for (const option of extra) options.set(option.name ?? '', option.value ?? '');
  return [...options].map(([name, value]) => (value ? `${name}:${value}` : name));
}

/** The DNS type upstream's getPodDNSType picks for the pod's dnsPolicy. */
function dnsType(pod: V1Pod): 'None' | 'Cluster' | 'Host' {
  switch (pod.spec?.dnsPolicy ?? 'ClusterFirst') {
    case 'None':
      return 'None';
    case 'ClusterFirstWithHostNet':
      return 'Cluster';
    case 'Default':
      return 'Host';
    default:
      // ClusterFirst: a host-network pod uses the node's resolver.
      return pod.spec?.hostNetwork ? 'Host' : 'Cluster';
  }
}

/** The pod's DNS config (GetPodDNS), limits applied. */
export function podDnsConfig(pod: V1Pod, dns: DnsSettings): DnsConfig {
  const host =
    dns.hostResolvConf === undefined
      ? { servers: ['127.0.0.1'], searches: ['.'], options: [] }
      : parseResolvConf(dns.hostResolvConf);
  let config: DnsConfig;
  const type = dnsType(pod);
  if (type === 'None') {
    config = { servers: [], searches: [], options: [] };
  } else if (type === 'Cluster' && dns.clusterDns.length > 0) {
    const domain = dns.clusterDomain;
    const ns = pod.metadata?.namespace ?? '';
    const searches = domain
      ? unique([`${ns}.svc.${domain}`, `svc.${domain}`, domain, ...host.searches])
      : host.searches;
    config = { servers: [...dns.clusterDns], searches, options: ['ndots:5'] };
  } else {
    config = host;
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    config = {
      servers: unique([...config.servers, ...(extra.nameservers ?? [])]),
      searches: unique([...config.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(config.options, extra.options ?? []),
    };
  }
  // formDNSConfigFitsLimits: at most 3 nameservers, 32 search paths of 2048 characters in all.
  let searches = config.searches.slice(0, MAX_DNS_SEARCH_PATHS);
  while (searches.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) searches = searches.slice(0, -1);
  return { servers: config.servers.slice(0, MAX_DNS_NAMESERVERS), searches, options: config.options };
}

/** resolv.conf text as dockershim's rewriteResolvFile writes it. */
export function renderResolvConf(config: DnsConfig): string {
  const lines = [
    ...config.servers.map((s) => `nameserver ${s}`),
    ...(config.searches.length ? [`search ${config.searches.join(' ')}`] : []),
    ...(config.options.length ? [`options ${config.options.join(' ')}`] : []),
  ];
  return lines.length ? lines.join('\n') + '\n' : '';
}

export interface EtcFiles {
  /** Host path of the pod's hosts file. */
  hosts: string;
  /** Host path of the pod's resolv.conf. */
  resolvConf: string;
}

/**
 * Writes the pod's hosts and resolv.conf under `podDir` when their content changed. In place, not
 * by rename: running containers have these very files (inodes) bind-mounted.
 */
export function writeEtcFiles(
  podDir: string,
  pod: V1Pod,
  podIps: string[],
  dns: DnsSettings,
  nodeHostsFile = '/etc/hosts',
): EtcFiles {
  mkdirSync(podDir, { recursive: true, mode: 0o750 });
  const hosts = pod.spec?.hostNetwork
    ? renderHostNetworkHosts(pod, readFileSync(nodeHostsFile, 'utf8'))
    : renderHosts(pod, podIps, dns.clusterDomain);
  const files = { hosts: join(podDir, 'etc-hosts'), resolvConf: join(podDir, 'resolv.conf') };
  writeIfChanged(files.hosts, hosts);
  writeIfChanged(files.resolvConf, renderResolvConf(podDnsConfig(pod, dns)));
  return files;
}

function writeIfChanged(path: string, content: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return;
  writeFileSync(path, content, { mode: 0o644 });
}
