// One store per data directory: two writers appending to the same log would corrupt it. The lock
// is a file holding the owner's pid; a lock left by a process that no longer runs (kill -9) is
// taken over.
import { open, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export interface DirLock {
  readonly file: string;
  release(): Promise<void>;
}

export async function lockDirectory(dir: string): Promise<DirLock> {
  const file = join(dir, 'LOCK');
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      return { file, release: () => rm(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (holder === process.pid) throw new Error(`store directory ${dir} is already open in this process`);
    if (Number.isSafeInteger(holder) && holder > 0 && isRunning(holder)) {
      throw new Error(
        `store directory ${dir} is in use by process ${holder} (remove ${file} if that process is not a store)`,
      );
    }
    await rm(file, { force: true });
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
