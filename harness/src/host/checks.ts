// What `kconform doctor` checks, each with the remedy a person would apply and, where kconform
// can apply it itself, the fix `doctor --fix` runs. Checks are listed in the order fixes must
// happen: packages before the daemon they install, the daemon before the images it builds.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type Docker from 'dockerode';
import type { RunCommand } from '../../../common/src/exec.ts';
import type { Logger } from '../../../common/src/log.ts';
import { ensureImages, missingImages } from '../../../fixtures/src/build-images.ts';
import { dockerVersion, startDockerd, DOCKER_SOCKET } from './dockerd.ts';
import { installPackages, missingPackages, REQUIRED_PACKAGES } from './packages.ts';

export interface CheckResult {
  ok: boolean;
  /** What was found: "8 packages installed", "missing: etcd-server (the distributed store …)". */
  detail: string;
}

export interface HostCheck {
  name: string;
  check(): Promise<CheckResult>;
  /** What a person does about a failure. */
  remedy: string;
  /** What `doctor --fix` does; resolves with a sentence saying what it changed. */
  fix?: () => Promise<string>;
}

export interface HostContext {
  run: RunCommand;
  docker: Docker;
  log: Logger;
  uid: number;
  nodeVersion: string;
}

export const CNI_DIR = '/usr/lib/cni';
export const CNI_PLUGINS = ['bridge', 'host-local', 'loopback'] as const;
const MIN_NODE = [20, 19] as const;
const IP_FORWARD = '/proc/sys/net/ipv4/ip_forward';

export function hostChecks(ctx: HostContext): HostCheck[] {
  return [
    {
      name: 'root',
      remedy: 'run kconform as root: the set-up installs packages, starts dockerd and programs netfilter',
      check: async () => ({ ok: ctx.uid === 0, detail: `running as uid ${ctx.uid}` }),
    },
    {
      name: 'debian',
      remedy: 'use a Debian 12 (bookworm) host or container; kconform installs its parts with apt-get',
      check: async () => {
        const debian = existsSync('/etc/debian_version');
        return {
          ok: debian,
          detail: debian
            ? `Debian ${readFileSync('/etc/debian_version', 'utf8').trim()}`
            : 'no /etc/debian_version',
        };
      },
    },
    {
      name: 'node',
      remedy: `install Node.js ${MIN_NODE.join('.')} or newer in the 20.x line`,
      check: async () => ({ ok: nodeAtLeast(ctx.nodeVersion, MIN_NODE), detail: `Node ${ctx.nodeVersion}` }),
    },
    {
      name: 'packages',
      remedy: `apt-get install ${REQUIRED_PACKAGES.map((p) => p.name).join(' ')}`,
      check: async () => {
        const missing = await missingPackages(ctx.run);
        return missing.length === 0
          ? { ok: true, detail: `${REQUIRED_PACKAGES.length} packages installed` }
          : { ok: false, detail: 'missing: ' + missing.map((p) => `${p.name} (${p.why})`).join(', ') };
      },
      fix: async () => {
        const missing = await missingPackages(ctx.run);
        await installPackages(ctx.run, missing);
        return `installed ${missing.map((p) => p.name).join(', ')}`;
      },
    },
    {
      name: 'cni-plugins',
      remedy: `apt-get install --reinstall containernetworking-plugins (needs ${CNI_PLUGINS.join(', ')} in ${CNI_DIR})`,
      check: async () => {
        const missing = CNI_PLUGINS.filter((p) => !existsSync(`${CNI_DIR}/${p}`));
        return missing.length === 0
          ? { ok: true, detail: `${CNI_PLUGINS.join(', ')} in ${CNI_DIR}` }
          : { ok: false, detail: `missing in ${CNI_DIR}: ${missing.join(', ')}` };
      },
    },
    {
      name: 'dockerd',
      remedy: `start the Docker engine (dockerd) so it answers on ${DOCKER_SOCKET}`,
      check: async () => {
        const version = await dockerVersion(ctx.docker);
        return version
          ? { ok: true, detail: `Docker engine ${version}` }
          : { ok: false, detail: `no engine answers on ${DOCKER_SOCKET}` };
      },
      fix: async () => `started dockerd ${await startDockerd(ctx.docker, ctx.log)}`,
    },
    {
      name: 'ip-forward',
      remedy: `echo 1 > ${IP_FORWARD} (pods on different bridges are routed through the host)`,
      check: async () => {
        const value = existsSync(IP_FORWARD) ? readFileSync(IP_FORWARD, 'utf8').trim() : 'absent';
        return { ok: value === '1', detail: `net.ipv4.ip_forward = ${value}` };
      },
      fix: async () => {
        writeFileSync(IP_FORWARD, '1\n');
        return 'set net.ipv4.ip_forward = 1';
      },
    },
    {
      name: 'fixture-images',
      remedy: 'build the fixture images: kconform doctor --fix (needs dockerd and busybox-static)',
      check: async () => {
        if (!(await dockerVersion(ctx.docker))) return { ok: false, detail: 'cannot look: no Docker engine' };
        if (!existsSync('/bin/busybox'))
          return { ok: false, detail: 'cannot build: /bin/busybox is missing' };
        const missing = await missingImages(ctx.docker);
        return missing.length === 0
          ? { ok: true, detail: 'all fixture images present' }
          : { ok: false, detail: 'not built: ' + missing.map((m) => m.tag).join(', ') };
      },
      fix: async () => {
        const outcomes = await ensureImages(ctx.docker, ctx.log);
        return (
          'built ' +
          outcomes
            .filter((o) => o.built)
            .map((o) => o.tag)
            .join(', ')
        );
      },
    },
  ];
}

export function nodeAtLeast(version: string, minimum: readonly [number, number]): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major > minimum[0] || (major === minimum[0] && minor >= minimum[1]);
}
