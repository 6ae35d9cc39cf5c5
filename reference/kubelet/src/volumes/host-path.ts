// hostPath: a path on the node, bound as it is, with upstream's type checks (DirectoryOrCreate,
// Directory, FileOrCreate, File, Socket, CharDevice, BlockDevice; "" checks nothing). The data is
// the node's: nothing of it is removed with the pod.
import { closeSync, mkdirSync, openSync, statSync, type Stats } from 'node:fs';
import type { MountedVolume, VolumeContext, VolumePlugin } from './types.ts';
import { VolumeSetUpError } from './types.ts';

function stat(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** upstream's checkType: creates for the *OrCreate types, else checks; throws with its message. */
export function checkHostPathType(path: string, type: string): void {
  const fail = (what: string): never => {
    throw new VolumeSetUpError(`hostPath type check failed: ${path} is not ${what}`);
  };
  const info = stat(path);
  switch (type) {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!info) mkdirSync(path, { recursive: true, mode: 0o755 });
      else if (!info.isDirectory()) fail('a directory');
      return;
    case 'Directory':
      if (!info?.isDirectory()) fail('a directory');
      return;
    case 'FileOrCreate':
      if (!info) createFile(path);
      else if (!info.isFile()) fail('a file');
      return;
    case 'File':
      if (!info?.isFile()) fail('a file');
      return;
    case 'Socket':
      if (!info?.isSocket()) fail('a socket file');
      return;
    case 'CharDevice':
      if (!info?.isCharacterDevice()) fail('a character device');
      return;
    case 'BlockDevice':
      if (!info?.isBlockDevice()) fail('a block device');
      return;
    default:
      throw new VolumeSetUpError(`hostPath type check failed: unknown type "${type}"`);
  }
}

/** upstream's MakeFile: an empty file, mode 0644; the parent must exist. */
function createFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o644));
  } catch (err) {
    throw new VolumeSetUpError(`hostPath type check failed: ${path}: ${(err as Error).message}`);
  }
}

export const hostPathPlugin: VolumePlugin = {
  name: 'kubernetes.io~host-path',
  canSupport: (volume) => volume.hostPath !== undefined,
  setUp(ctx: VolumeContext): Promise<MountedVolume> {
    const source = ctx.volume.hostPath!;
    checkHostPathType(source.path, source.type ?? '');
    return Promise.resolve({ path: source.path, readOnly: false });
  },
};
