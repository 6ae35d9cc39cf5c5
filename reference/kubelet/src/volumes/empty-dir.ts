// emptyDir: a directory under the pod's dir that every container of the pod shares and that goes
// with the pod. `medium: Memory` makes it a tmpfs, sized by `sizeLimit`, else by the pod's memory
// limit when every container has one, else by the node's allocatable memory (upstream's
// calculateEmptyDirMemorySize).
import { chmodSync, mkdirSync, readFileSync } from 'node:fs';
import type { V1Pod, V1Volume } from '@kubernetes/client-node';
import { memoryBytes } from '../pods/quantity.ts';
import type { MountedVolume, VolumeContext, VolumePlugin } from './types.ts';
import { VolumeSetUpError } from './types.ts';

/** Whether `dir` is a mount point, from the kernel's mount table. */
export function isMountPoint(dir: string, mounts = readFileSync('/proc/self/mounts', 'utf8')): boolean {
  const escaped = dir.replace(/ /g, '\\040');
  return mounts.split('\n').some((line) => line.split(' ')[1] === escaped);
}

/** The tmpfs size for a Memory emptyDir, in bytes. */
export function memoryVolumeSize(volume: V1Volume, pod: V1Pod, allocatableMemory: string): number {
  const limit = volume.emptyDir?.sizeLimit;
  if (limit !== undefined && memoryBytes(String(limit)) > 0) return memoryBytes(String(limit));
  const containers = pod.spec?.containers ?? [];
  const limits = containers.map((c) => memoryBytes(c.resources?.limits?.memory));
  if (containers.length > 0 && limits.every((l) => l > 0)) return limits.reduce((a, b) => a + b, 0);
  return memoryBytes(allocatableMemory);
}

export const emptyDirPlugin: VolumePlugin = {
  name: 'kubernetes.io~empty-dir',
  canSupport: (volume) => volume.emptyDir !== undefined,
  async setUp(ctx: VolumeContext): Promise<MountedVolume> {
    mkdirSync(ctx.dir, { recursive: true, mode: 0o777 });
    // upstream's emptyDir is world-writable (0777); mkdir's mode is filtered by the umask.
    chmodSync(ctx.dir, 0o777);
    const medium = ctx.volume.emptyDir?.medium ?? '';
    if (medium === 'Memory' && !isMountPoint(ctx.dir)) {
      const size = memoryVolumeSize(ctx.volume, ctx.pod, ctx.downward.allocatable.memory);
      await ctx.runCommand('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0777`, 'tmpfs', ctx.dir]);
    } else if (medium !== '' && medium !== 'Memory') {
      throw new VolumeSetUpError(`unsupported emptyDir medium "${medium}"`);
    }
    return { path: ctx.dir, readOnly: false };
  },
};
