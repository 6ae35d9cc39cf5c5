// ClusterIP and NodePort allocation for Services. Each allocated IP or port is a key of its own
// in the store, written in the same transaction as the Service, so two creates can never take
// the same address and a deleted Service frees its own in the same step.
import { statusError } from '../api-error.ts';
import type { Operation, Store } from '../store/store.ts';
import type { ApiObject } from './objects.ts';

export interface ServiceNetwork {
  /** Service range, e.g. 10.96.0.0/16. The first address is the `kubernetes` Service's. */
  serviceCidr: string;
  nodePortRange: [number, number];
}

export const DEFAULT_SERVICE_NETWORK: ServiceNetwork = {
  serviceCidr: '10.96.0.0/16',
  nodePortRange: [30000, 32767],
};

const IP_PREFIX = '/registry/ranges/serviceips/';
const PORT_PREFIX = '/registry/ranges/servicenodeports/';

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}
export function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export function parseCidr(cidr: string): { base: number; size: number } {
  const match = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
  if (!match || Number(match[2]) > 30 || Number(match[2]) < 8)
    throw new Error(`service CIDR ${cidr} is not an IPv4 CIDR between /8 and /30`);
  const bits = 32 - Number(match[2]);
  const size = 2 ** bits;
  const base = Math.floor(ipToInt(match[1]!) / size) * size;
  return { base, size };
}

type ServiceSpec = {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: Array<{ nodePort?: number; port?: number }>;
};

const invalid = (name: string, field: string, value: string, detail: string) =>
  statusError(422, 'Invalid', `Service "${name}" is invalid: ${field}: Invalid value: ${value}: ${detail}`, {
    name,
    kind: 'Service',
    causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${value}: ${detail}`, field }],
  });

export class ServiceAllocator {
  private readonly range: { base: number; size: number };

  constructor(
    private readonly store: Store,
    private readonly network: ServiceNetwork = DEFAULT_SERVICE_NETWORK,
  ) {
    this.range = parseCidr(network.serviceCidr);
  }

  /** The `kubernetes` Service's address: the first usable one of the range. */
  get apiServiceIp(): string {
    return intToIp(this.range.base + 1);
  }

  /**
   * Fills spec.clusterIP(s) and node ports on a Service being created, and returns the store
   * operations that claim them (to go into the create transaction, each guarded as absent).
   */
  async allocate(service: ApiObject): Promise<{ claims: string[] }> {
    const spec = (service.spec ?? {}) as ServiceSpec;
    const name = service.metadata.name ?? '';
    const claims: string[] = [];
    if (spec.type !== 'ExternalName' && spec.clusterIP !== 'None') {
      const requested = spec.clusterIP || spec.clusterIPs?.[0];
      const ip = requested ? this.checkRequestedIp(name, requested) : await this.freeIp();
      if (requested && (await this.store.get(IP_PREFIX + ip)).kv) {
        throw invalid(
          name,
          'spec.clusterIPs',
          `[]string{"${ip}"}`,
          `failed to allocate IP ${ip}: provided IP is already allocated`,
        );
      }
      spec.clusterIP = ip;
      spec.clusterIPs = [ip];
      claims.push(IP_PREFIX + ip);
    } else if (spec.clusterIP === 'None') {
      spec.clusterIPs = ['None'];
    }
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
      for (const [i, port] of (spec.ports ?? []).entries()) {
        const value = port.nodePort
          ? this.checkRequestedPort(name, i, port.nodePort)
          : await this.freePort(claims);
        if (port.nodePort && (await this.store.get(PORT_PREFIX + value)).kv) {
          throw invalid(
            name,
            `spec.ports[${i}].nodePort`,
            String(value),
            'provided port is already allocated',
          );
        }
        port.nodePort = value;
        claims.push(PORT_PREFIX + value);
      }
    }
    service.spec = spec;
    return { claims };
  }

  /** The claims a stored Service holds, released when it is deleted. */
  claimsOf(service: ApiObject): string[] {
    const spec = (service.spec ?? {}) as ServiceSpec;
    const claims: string[] = [];
    if (spec.clusterIP && spec.clusterIP !== 'None') claims.push(IP_PREFIX + spec.clusterIP);
    for (const p of spec.ports ?? []) if (p.nodePort) claims.push(PORT_PREFIX + p.nodePort);
    return claims;
  }

  static claimOps(claims: string[], owner: string): Operation[] {
    return claims.map((key) => ({ type: 'put', key, value: owner }));
  }

  /**
   * upstream's patchAllocatedValues: an update that leaves clusterIP or a nodePort unset keeps
   * the allocated one (so `kubectl apply` of a manifest without them works).
   */
  static keepAllocated(next: ApiObject, old: ApiObject): void {
    const spec = (next.spec ?? {}) as ServiceSpec;
    const before = (old.spec ?? {}) as ServiceSpec;
    if (!spec.clusterIP && before.clusterIP && (spec.type ?? 'ClusterIP') !== 'ExternalName') {
      spec.clusterIP = before.clusterIP;
      spec.clusterIPs = before.clusterIPs;
    }
    for (const port of spec.ports ?? []) {
      const match = (before.ports ?? []).find((p) => p.port === port.port);
      if (!port.nodePort && match?.nodePort && spec.type === before.type) port.nodePort = match.nodePort;
    }
    next.spec = spec;
  }

  private checkRequestedIp(name: string, ip: string): string {
    const n = /^\d+\.\d+\.\d+\.\d+$/.test(ip) ? ipToInt(ip) : NaN;
    if (!(n > this.range.base && n < this.range.base + this.range.size - 1)) {
      throw invalid(
        name,
        'spec.clusterIPs',
        `[]string{"${ip}"}`,
        `failed to allocate IP ${ip}: the provided IP (${ip}) is not in the valid range. The range of valid IPs is ${this.network.serviceCidr}`,
      );
    }
    return ip;
  }

  private checkRequestedPort(name: string, index: number, port: number): number {
    const [lo, hi] = this.network.nodePortRange;
    if (port < lo || port > hi) {
      throw invalid(
        name,
        `spec.ports[${index}].nodePort`,
        String(port),
        `provided port is not in the valid range. The range of valid ports is ${lo}-${hi}`,
      );
    }
    return port;
  }

  private async freeIp(): Promise<string> {
    const taken = new Set(
      (await this.store.range({ prefix: IP_PREFIX })).kvs.map((kv) => kv.key.slice(IP_PREFIX.length)),
    );
    // Random probing from a random start, as upstream's bitmap allocator does; the first
    // addresses (the API service, DNS) are kept for the static assignments.
    const usable = this.range.size - 2;
    const start = Math.floor(Math.random() * usable);
    for (let i = 0; i < usable; i++) {
      const n = this.range.base + 1 + ((start + i) % usable);
      const ip = intToIp(n);
      if (n - this.range.base <= 10 && usable > 64) continue;
      if (!taken.has(ip)) return ip;
    }
    throw statusError(
      500,
      'InternalError',
      `Internal error occurred: failed to allocate a serviceIP: range is full`,
    );
  }

  private async freePort(alsoTaken: string[]): Promise<number> {
    const taken = new Set([
      ...(await this.store.range({ prefix: PORT_PREFIX })).kvs.map((kv) => kv.key),
      ...alsoTaken,
    ]);
    const [lo, hi] = this.network.nodePortRange;
    const span = hi - lo + 1;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) {
      const port = lo + ((start + i) % span);
      if (!taken.has(PORT_PREFIX + port)) return port;
    }
    throw statusError(
      500,
      'InternalError',
      'Internal error occurred: failed to allocate a nodePort: range is full',
    );
  }
}
