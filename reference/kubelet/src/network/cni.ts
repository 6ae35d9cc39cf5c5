// Calls the real CNI plugins the way upstream's libcni does: the network config on stdin, the
// invocation in CNI_* environment variables, a JSON result (or a JSON error) on stdout. Like
// libcni, the result of each ADD is cached on disk so that DEL and CHECK get it as `prevResult`
// and a restarted kubelet still knows a sandbox's IP.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunCommand } from '../../../../common/src/exec.ts';
import type { Logger } from '../../../../common/src/log.ts';

/** Both versions are supported by Debian's containernetworking-plugins 1.1 (`CNI_COMMAND=VERSION`). */
export const CNI_VERSION = '1.0.0';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK';

export interface BridgeNetworkOptions {
  /** Network name; also names host-local's allocation folder under `ipamDataDir`. */
  name: string;
  /** Host bridge device, at most 15 characters. */
  bridge: string;
  /** The node's pod subnet, e.g. 10.244.1.0/24. */
  subnet: string;
  /** The bridge's address and the pods' default gateway, e.g. 10.244.1.1. */
  gateway: string;
  /** host-local's data dir: ours, never the system default /var/lib/cni/networks. */
  ipamDataDir: string;
}

/** The bridge + host-local network config for one node, exactly as handed to the plugin. */
export function renderBridgeConfig(options: BridgeNetworkOptions): Record<string, unknown> {
  if (options.bridge.length > 15) {
    throw new Error(`bridge name "${options.bridge}" is longer than 15 characters (Linux IFNAMSIZ)`);
  }
  return {
    cniVersion: CNI_VERSION,
    name: options.name,
    type: 'bridge',
    bridge: options.bridge,
    isGateway: true,
    ipMasq: false,
    hairpinMode: true,
    ipam: {
      type: 'host-local',
      ranges: [[{ subnet: options.subnet, gateway: options.gateway }]],
      routes: [{ dst: '0.0.0.0/0' }],
      dataDir: options.ipamDataDir,
    },
  };
}

export interface CniRuntimeArgs {
  containerId: string;
  /** `/proc/<pid>/ns/net`; empty on a DEL whose namespace is already gone. */
  netns: string;
  ifName?: string;
  /** CNI_ARGS pairs, e.g. K8S_POD_NAMESPACE, K8S_POD_NAME. */
  args?: Record<string, string>;
}

export interface CniResult {
  /** The interface's IPv4 address without its prefix, e.g. 10.244.1.2. */
  ip: string;
  /** With its prefix, e.g. 10.244.1.2/24. */
  cidr: string;
  gateway: string | undefined;
  /** The plugin's whole result, as it was returned (the cached `prevResult`). */
  raw: Record<string, unknown>;
}

/** A plugin's own error (`{"code", "msg", "details"}` on stdout), or a failure to run it. */
export class CniError extends Error {
  constructor(
    readonly command: CniCommand,
    readonly plugin: string,
    readonly cniCode: number | undefined,
    readonly detail: string,
  ) {
    super(
      `CNI ${command} with plugin ${plugin} failed${cniCode === undefined ? '' : ` (code ${cniCode})`}: ${detail}`,
    );
    this.name = 'CniError';
  }
}

export interface CniNetworkOptions {
  config: Record<string, unknown>;
  /** Where the plugin binaries are (CNI_PATH). */
  binDir: string;
  /** Where ADD results are cached (one file per container and interface). */
  cacheDir: string;
  runCommand: RunCommand;
  logger: Logger;
}

export class CniNetwork {
  private readonly config: Record<string, unknown>;
  private readonly name: string;
  private readonly type: string;

  constructor(private readonly options: CniNetworkOptions) {
    const { name, type } = options.config;
    if (typeof name !== 'string' || !name)
      throw new Error('CNI network config: "name" must be a non-empty string');
    if (typeof type !== 'string' || !/^[\w-]+$/.test(type)) {
      throw new Error('CNI network config: "type" must name a plugin binary');
    }
    this.config = options.config;
    this.name = name;
    this.type = type;
  }

  /** Attaches the namespace; returns the plugin's result, which is also cached. */
  async add(rt: CniRuntimeArgs): Promise<CniResult> {
    const raw = await this.invoke('ADD', rt, this.config);
    await mkdir(this.options.cacheDir, { recursive: true });
    await writeFile(this.cachePath(rt), JSON.stringify(raw));
    return parseResult(raw, rt.ifName ?? 'eth0');
  }

  /** Detaches it and releases the address; succeeds when there is nothing left to release. */
  async del(rt: CniRuntimeArgs): Promise<void> {
    const prev = await this.cachedRaw(rt);
    await this.invoke('DEL', rt, prev ? { ...this.config, prevResult: prev } : this.config);
    await rm(this.cachePath(rt), { force: true });
  }

  /** Asks the plugin whether the attachment is still as ADD left it; throws CniError when not. */
  async check(rt: CniRuntimeArgs): Promise<void> {
    const prev = await this.cachedRaw(rt);
    if (!prev)
      throw new CniError('CHECK', this.type, undefined, `no cached ADD result for ${rt.containerId}`);
    await this.invoke('CHECK', rt, { ...this.config, prevResult: prev });
  }

  /** The cached ADD result of a container, if any. */
  async cached(rt: CniRuntimeArgs): Promise<CniResult | undefined> {
    const raw = await this.cachedRaw(rt);
    return raw ? parseResult(raw, rt.ifName ?? 'eth0') : undefined;
  }

  private cachePath(rt: CniRuntimeArgs): string {
    return join(this.options.cacheDir, `${this.name}-${rt.containerId}-${rt.ifName ?? 'eth0'}`);
  }

  private async cachedRaw(rt: CniRuntimeArgs): Promise<Record<string, unknown> | undefined> {
    try {
      return JSON.parse(await readFile(this.cachePath(rt), 'utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  private async invoke(
    command: CniCommand,
    rt: CniRuntimeArgs,
    stdin: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const cniArgs = Object.entries({ IgnoreUnknown: '1', ...rt.args })
      .map(([k, v]) => `${k}=${v}`)
      .join(';');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: command,
      CNI_CONTAINERID: rt.containerId,
      CNI_NETNS: rt.netns,
      CNI_IFNAME: rt.ifName ?? 'eth0',
      CNI_PATH: this.options.binDir,
      CNI_ARGS: cniArgs,
    };
    const started = Date.now();
    let result;
    try {
      result = await this.options.runCommand(join(this.options.binDir, this.type), [], {
        env,
        input: JSON.stringify(stdin),
        allowFailure: true,
      });
    } catch (err) {
      throw new CniError(command, this.type, undefined, err instanceof Error ? err.message : String(err));
    }
    this.options.logger.debug('cni plugin ran', {
      command,
      container: rt.containerId.slice(0, 12),
      code: result.code,
      ms: Date.now() - started,
    });
    if (result.code !== 0) throw pluginError(command, this.type, result.stdout, result.stderr, result.code);
    if (command !== 'ADD') return {};
    try {
      return JSON.parse(result.stdout) as Record<string, unknown>;
    } catch {
      throw new CniError(command, this.type, undefined, `result is not JSON: ${result.stdout.slice(0, 200)}`);
    }
  }
}

function pluginError(
  command: CniCommand,
  plugin: string,
  stdout: string,
  stderr: string,
  exit: number,
): CniError {
  try {
    const parsed = JSON.parse(stdout) as { code?: number; msg?: string; details?: string };
    if (typeof parsed.msg === 'string') {
      const detail = parsed.details ? `${parsed.msg}: ${parsed.details}` : parsed.msg;
      return new CniError(command, plugin, parsed.code, detail);
    }
  } catch {
    // Not a CNI error object: report what the process printed.
  }
  const text = (stderr.trim() || stdout.trim() || '(no output)').slice(0, 300);
  return new CniError(command, plugin, undefined, `exit code ${exit}: ${text}`);
}

interface ResultIp {
  address?: string;
  gateway?: string;
  interface?: number;
}
interface ResultInterface {
  name?: string;
  sandbox?: string;
}

/** Picks the IPv4 address of `ifName` inside the sandbox from a 0.4.0 or 1.0.0 result. */
export function parseResult(raw: Record<string, unknown>, ifName = 'eth0'): CniResult {
  const ips = (Array.isArray(raw.ips) ? raw.ips : []) as ResultIp[];
  const interfaces = (Array.isArray(raw.interfaces) ? raw.interfaces : []) as ResultInterface[];
  const v4 = ips.filter(
    (ip) => typeof ip.address === 'string' && /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(ip.address),
  );
  const mine = v4.find((ip) => {
    const itf = ip.interface === undefined ? undefined : interfaces[ip.interface];
    return itf !== undefined && itf.name === ifName && Boolean(itf.sandbox);
  });
  const chosen = mine ?? v4[0];
  if (!chosen?.address)
    throw new Error(`CNI result has no IPv4 address: ${JSON.stringify(raw).slice(0, 300)}`);
  return { ip: chosen.address.split('/')[0]!, cidr: chosen.address, gateway: chosen.gateway, raw };
}
