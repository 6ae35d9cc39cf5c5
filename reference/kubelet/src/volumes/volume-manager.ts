// A pod's volumes on this node, as upstream's volume manager keeps them: set up before the pod's
// containers start (and refreshed on every sync, so configMap and secret volumes follow their
// objects), torn down when the pod goes. Everything of a pod lives under
// `<podsDir>/<uid>/volumes/<plugin>/<volume>` (upstream's layout); tearing down unmounts what is
// mounted there (Memory emptyDirs) and removes the folder. hostPath and PersistentVolume data live
// elsewhere and are never touched.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import type { RunCommand } from '../../../../common/src/exec.ts';
import type { Logger } from '../../../../common/src/log.ts';
import type { DownwardContext } from '../pods/downward-api.ts';
import { configMapPlugin, downwardApiPlugin, projectedPlugin, secretPlugin } from './api-data-volumes.ts';
import { emptyDirPlugin } from './empty-dir.ts';
import { hostPathPlugin } from './host-path.ts';
import { persistentVolumeClaimPlugin } from './persistent-volume-claim.ts';
import { VolumeSetUpError, type MountedVolume, type VolumeObjects, type VolumePlugin } from './types.ts';

/** Every volume plugin this kubelet has, in the order they are asked. */
export const VOLUME_PLUGINS: readonly VolumePlugin[] = [
  emptyDirPlugin,
  hostPathPlugin,
  configMapPlugin,
  secretPlugin,
  downwardApiPlugin,
  projectedPlugin,
  persistentVolumeClaimPlugin,
];

export interface VolumeManagerOptions {
  /** upstream's `<root-dir>/pods`. */
  podsDir: string;
  objects: VolumeObjects;
  runCommand: RunCommand;
  log: Logger;
  plugins?: readonly VolumePlugin[];
}

export type PodVolumes = Map<string, MountedVolume>;

export type VolumeSetUp =
  | { ok: true; volumes: PodVolumes }
  /** `messages`: one FailedMount event text per problem, in upstream's words. */
  | { ok: false; messages: string[] };

export class VolumeManager {
  private readonly plugins: readonly VolumePlugin[];
  /** What was set up per pod uid, kept when a later refresh fails (the old files stay valid). */
  private readonly mounted = new Map<string, PodVolumes>();

  constructor(private readonly o: VolumeManagerOptions) {
    if (!o.podsDir) throw new Error('VolumeManager: podsDir must not be empty');
    this.plugins = o.plugins ?? VOLUME_PLUGINS;
  }

  podDir(uid: string): string {
    return join(this.o.podsDir, uid);
  }

  /** Sets up (or refreshes) every volume of the pod. Never throws for a volume's own problem. */
  async setUp(pod: V1Pod, downward: DownwardContext): Promise<VolumeSetUp> {
    const uid = pod.metadata!.uid!;
    const before = this.mounted.get(uid) ?? new Map<string, MountedVolume>();
    const volumes: PodVolumes = new Map();
    const unprocessed: { name: string; message: string }[] = [];
    const messages: string[] = [];
    for (const volume of pod.spec?.volumes ?? []) {
      const plugin = this.plugins.find((p) => p.canSupport(volume));
      try {
        if (!plugin) throw new VolumeSetUpError(`no volume plugin matched`);
        const mountedVolume = await plugin.setUp({
          pod,
          volume,
          dir: join(this.podDir(uid), 'volumes', plugin.name, volume.name),
          objects: this.o.objects,
          downward,
          runCommand: this.o.runCommand,
        });
        volumes.set(volume.name, mountedVolume);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const previous = before.get(volume.name);
        if (previous) {
          // Already in use by the pod's containers: keep serving what is there, as upstream does.
          this.o.log.warn('volume refresh failed; keeping its current contents', {
            pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`,
            volume: volume.name,
            err: message,
          });
          volumes.set(volume.name, previous);
        } else if (err instanceof VolumeSetUpError && err.unprocessed) {
          unprocessed.push({ name: volume.name, message });
        } else if (err instanceof VolumeSetUpError || !plugin) {
          messages.push(`MountVolume.SetUp failed for volume "${volume.name}" : ${message}`);
        } else {
          throw err; // the host failed us (mount, disk): the sync fails and is retried
        }
      }
    }
    if (unprocessed.length > 0 || messages.length > 0) {
      if (unprocessed.length > 0) {
        const names = (pod.spec?.volumes ?? []).map((v) => v.name).filter((n) => !volumes.has(n));
        messages.push(
          `Unable to attach or mount volumes: unmounted volumes=[${names.join(' ')}], ` +
            `unattached volumes=[${names.join(' ')}], failed to process volumes=[${unprocessed.map((u) => u.name).join(' ')}]: ` +
            unprocessed.map((u) => u.message).join('; '),
        );
      }
      for (const [name, v] of volumes) before.set(name, v);
      if (before.size > 0) this.mounted.set(uid, before);
      return { ok: false, messages };
    }
    this.mounted.set(uid, volumes);
    return { ok: true, volumes };
  }

  /** Unmounts and removes everything of the pod under its dir; idempotent. */
  async tearDown(uid: string): Promise<void> {
    const dir = this.podDir(uid);
    this.mounted.delete(uid);
    if (!existsSync(dir)) return;
    // Deepest first, so a mount inside another one goes before its parent.
    const inside = mountPointsUnder(dir).sort((a, b) => b.length - a.length);
    for (const mountPoint of inside) await this.o.runCommand('umount', [mountPoint]);
    rmSync(dir, { recursive: true, force: true });
  }

  /** Tears down the dirs of pods not in `keep` (pods deleted while the kubelet was away). */
  async tearDownOrphans(keep: ReadonlySet<string>): Promise<void> {
    if (!existsSync(this.o.podsDir)) return;
    for (const uid of readdirSync(this.o.podsDir)) {
      if (!keep.has(uid)) await this.tearDown(uid);
    }
  }
}

/** Mount points at or below `dir`, from the kernel's mount table. */
export function mountPointsUnder(dir: string, mounts = readFileSync('/proc/self/mounts', 'utf8')): string[] {
  return mounts
    .split('\n')
    .map((line) => (line.split(' ')[1] ?? '').replace(/\\040/g, ' '))
    .filter((path) => path === dir || path.startsWith(dir + '/'));
}
