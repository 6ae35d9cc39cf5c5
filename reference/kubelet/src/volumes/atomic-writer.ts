// upstream's AtomicWriter (pkg/volume/util/atomic_writer.go): a volume whose files come from an
// API object (configMap, secret, downwardAPI, projected) is updated so that a reader never sees a
// mix of old and new files. The payload goes into a fresh timestamped directory `..<ts>`; the
// symlink `..data` is swapped to it with one rename; each top-level name the user sees is a
// symlink through `..data` (`key -> ..data/key`). The old directory is removed afterwards.
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, normalize, sep } from 'node:path';

export const DATA_DIR_NAME = '..data';
const DATA_DIR_TMP_NAME = '..data_tmp';

export interface FileProjection {
  data: Buffer;
  /** File mode, e.g. 0o644. */
  mode: number;
}

/** Relative path → content and mode. */
export type Payload = Map<string, FileProjection>;

/** Checks a payload path as upstream's validatePath: relative, no `..` element, not `..`-prefixed. */
export function validatePayloadPath(path: string): void {
  if (path === '') throw new Error('invalid path: must not be empty');
  if (path.startsWith('/')) throw new Error(`invalid path: must be relative path: ${path}`);
  if (path.length > 4096) throw new Error(`invalid path: must be less than or equal to 4096 characters`);
  const items = path.split('/');
  for (const item of items) {
    if (item === '..') throw new Error(`invalid path: must not contain '..': ${path}`);
    if (item.length > 255)
      throw new Error(`invalid path: must not contain an item longer than 255 characters`);
  }
  if (items[0]!.startsWith('..')) throw new Error(`invalid path: must not start with '..': ${path}`);
}

/** The payload currently visible through `..data`, for comparing with a new one. */
function currentPayload(targetDir: string): Payload | undefined {
  const dataDir = join(targetDir, DATA_DIR_NAME);
  if (!existsSync(dataDir)) return undefined;
  const payload: Payload = new Map();
  const walk = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full, rel);
      else payload.set(rel, { data: readFileSync(full), mode: statSync(full).mode & 0o7777 });
    }
  };
  walk(dataDir, '');
  return payload;
}

function samePayload(a: Payload, b: Payload): boolean {
  if (a.size !== b.size) return false;
  for (const [path, file] of a) {
    const other = b.get(path);
    if (!other || other.mode !== file.mode || !other.data.equals(file.data)) return false;
  }
  return true;
}

/** The top-level names of a payload: what gets a user-visible symlink. */
function topLevelNames(payload: Payload): Set<string> {
  return new Set([...payload.keys()].map((path) => normalize(path).split(sep)[0]!));
}

let sequence = 0;
function timestampDirName(): string {
  const now = new Date();
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  const stamp = `${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}_${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}`;
  sequence = (sequence + 1) % 1e9;
  return `..${stamp}.${process.pid}${pad(sequence, 9)}`;
}

/**
 * Makes `targetDir` hold exactly `payload`, atomically for readers. Does nothing when the payload
 * is already there. Returns whether anything changed.
 */
export function writeAtomically(targetDir: string, payload: Payload): boolean {
  for (const path of payload.keys()) validatePayloadPath(path);
  mkdirSync(targetDir, { recursive: true, mode: 0o777 });
  const old = currentPayload(targetDir);
  if (old && samePayload(old, payload)) return false;

  const dataLink = join(targetDir, DATA_DIR_NAME);
  const oldTsName = existsSync(dataLink) ? readlinkSync(dataLink) : undefined;

  // 1. The new payload in a fresh timestamped directory.
  const tsName = timestampDirName();
  const tsDir = join(targetDir, tsName);
  mkdirSync(tsDir, { mode: 0o755 });
  for (const [path, file] of payload) {
    const full = join(tsDir, path);
    mkdirSync(dirname(full), { recursive: true, mode: 0o755 });
    writeFileSync(full, file.data, { mode: file.mode });
    chmodSync(full, file.mode); // writeFileSync's mode is filtered by the umask
  }

  // 2. Swap `..data` to it with one rename.
  const tmpLink = join(targetDir, DATA_DIR_TMP_NAME);
  rmSync(tmpLink, { force: true });
  symlinkSync(tsName, tmpLink);
  renameSync(tmpLink, dataLink);

  // 3. User-visible symlinks for the new top-level names; stale ones go.
  const wanted = topLevelNames(payload);
  for (const name of wanted) {
    const link = join(targetDir, name);
    const existing = lstatOrUndefined(link);
    if (existing?.isSymbolicLink()) continue;
    if (existing) rmSync(link, { recursive: true, force: true });
    symlinkSync(join(DATA_DIR_NAME, name), link);
  }
  for (const name of old ? topLevelNames(old) : []) {
    if (!wanted.has(name)) rmSync(join(targetDir, name), { force: true });
  }

  // 4. The old payload directory.
  if (oldTsName && oldTsName !== tsName) rmSync(join(targetDir, oldTsName), { recursive: true, force: true });
  return true;
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
