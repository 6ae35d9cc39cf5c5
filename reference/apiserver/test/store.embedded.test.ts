import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '../../../common/src/log.ts';
import { openEmbeddedStore, type EmbeddedStore } from '../src/store/embedded-store.ts';
import { CompactedError } from '../src/store/store.ts';
import { InvalidStoreConfigError, StoreLogCorruptError } from '../src/store/store-errors.ts';
import { storeBehaviour } from './store-behaviour.ts';
import { rejectionOf, WatchRecorder } from './support/watch-recorder.ts';

const LOG_FILE = 'store.log';

/** Frame offsets of a log, walked independently of the store's reader: [u32 length][8 bytes][body]. */
function frameOffsets(log: Buffer): number[] {
  const offsets: number[] = [];
  for (let offset = 0; offset + 12 <= log.length; offset += 12 + log.readUInt32LE(offset))
    offsets.push(offset);
  return offsets;
}

describe('embedded store', () => {
  const dirs: string[] = [];
  const stores: EmbeddedStore[] = [];
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'kconform-store-'));
    dirs.push(dir);
    return dir;
  };
  const openAt = async (dataDir: string, logLines?: string[]): Promise<EmbeddedStore> => {
    const logger = logLines
      ? createLogger({ level: 'warn', sink: (line) => logLines.push(line) })
      : undefined;
    const store = await openEmbeddedStore({ dataDir, progressIntervalMs: 50, ...(logger ? { logger } : {}) });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
  });
  after(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });

  describe('behaviour', () => {
    storeBehaviour({
      open: async () => openEmbeddedStore({ dataDir: await tempDir(), progressIntervalMs: 50 }),
    });
  });

  describe('durability', () => {
    it('keeps acknowledged writes, history, the revision and the compaction point across a reopen', async () => {
      const dir = await tempDir();
      const first = await openAt(dir);
      const put = (key: string, value: string) =>
        first.txn({ compare: [], success: [{ type: 'put', key, value }] });
      const r1 = (await put('/a', '1')).revision;
      const r2 = (await put('/a', '2')).revision;
      const r3 = (await first.txn({ compare: [], success: [{ type: 'delete', key: '/a' }] })).revision;
      const r4 = (await put('/b', '1')).revision;
      await first.compact(r2);
      const r5 = (await put('/b', '2')).revision;
      await first.close();

      const reopened = await openAt(dir);
      expect(await reopened.currentRevision()).to.equal(r5);
      expect(await reopened.compactedRevision()).to.equal(r2);
      expect((await reopened.get('/b')).kv).to.deep.equal({
        key: '/b',
        value: '2',
        createRevision: r4,
        modRevision: r5,
        version: 2,
      });
      expect((await reopened.range({ prefix: '/', revision: r2 })).kvs.map((kv) => kv.value)).to.deep.equal([
        '2',
      ]);
      expect((await reopened.range({ prefix: '/', revision: r3 })).kvs).to.deep.equal([]);
      expect(await rejectionOf(reopened.range({ prefix: '/', revision: r1 }))).to.be.instanceOf(
        CompactedError,
      );
      const recorder = WatchRecorder.start(reopened, '/', r2);
      await recorder.untilEvents(3);
      expect(recorder.events.map((e) => [e.type, e.kv.key, e.kv.modRevision])).to.deep.equal([
        ['delete', '/a', r3],
        ['put', '/b', r4],
        ['put', '/b', r5],
      ]);
      expect(
        (await reopened.txn({ compare: [], success: [{ type: 'put', key: '/c', value: '1' }] })).revision,
      ).to.equal(r5 + 1);
    });

    it('rewrites the log on compaction, so overwritten history does not stay on disk', async () => {
      const dir = await tempDir();
      const store = await openAt(dir);
      const big = 'x'.repeat(1024);
      let last = 0;
      for (let i = 0; i < 300; i++) {
        last = (
          await store.txn({ compare: [], success: [{ type: 'put', key: '/big', value: `${i}${big}` }] })
        ).revision;
      }
      const before = (await stat(join(dir, LOG_FILE))).size;
      await store.compact(last);
      const after = (await stat(join(dir, LOG_FILE))).size;
      expect(after).to.be.below(before / 50);
      const next = await store.txn({
        compare: [],
        success: [{ type: 'put', key: '/small', value: 'after' }],
      });
      await store.close();

      const reopened = await openAt(dir);
      expect(await reopened.compactedRevision()).to.equal(last);
      expect(await reopened.currentRevision()).to.equal(next.revision);
      expect((await reopened.get('/big')).kv?.value).to.equal(`299${big}`);
      expect((await reopened.get('/small')).kv?.value).to.equal('after');
    });

    it('writes concurrent transactions together, sharing fsyncs (group commit)', async () => {
      const dir = await tempDir();
      const store = await openAt(dir);
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          store.txn({ compare: [], success: [{ type: 'put', key: `/g/${i}`, value: String(i) }] }),
        ),
      );
      expect(results.map((r) => r.revision)).to.deep.equal(Array.from({ length: 200 }, (_, i) => i + 1));
      const frames = frameOffsets(await readFile(join(dir, LOG_FILE)));
      // One frame for the header and snapshot, then far fewer frames than transactions.
      expect(frames.length - 1).to.be.within(1, 20);
    });

    it('drops garbage after the last record (a torn write) and keeps every earlier record', async () => {
      const dir = await tempDir();
      const store = await openAt(dir);
      for (let i = 0; i < 5; i++)
        await store.txn({ compare: [], success: [{ type: 'put', key: `/t/${i}`, value: 'v' }] });
      await store.close();
      const file = join(dir, LOG_FILE);
      const intactSize = (await stat(file)).size;
      const garbage = Buffer.from('torn write: not a frame at all \x00\x01\x02');
      await appendFile(file, garbage);

      const warnings: string[] = [];
      const reopened = await openAt(dir, warnings);
      expect(await reopened.currentRevision()).to.equal(5);
      expect((await reopened.range({ prefix: '/t/' })).kvs.map((kv) => kv.key)).to.deep.equal([
        '/t/0',
        '/t/1',
        '/t/2',
        '/t/3',
        '/t/4',
      ]);
      expect((await stat(file)).size).to.equal(intactSize);
      expect(warnings).to.have.length(1);
      expect(JSON.parse(warnings[0]!)).to.include({
        level: 'warn',
        offset: intactSize,
        bytes: garbage.length,
        file,
      });
      expect(
        (await reopened.txn({ compare: [], success: [{ type: 'put', key: '/t/5', value: 'v' }] })).revision,
      ).to.equal(6);
    });

    it('drops a last record cut short by a crash, and only that one', async () => {
      const dir = await tempDir();
      const store = await openAt(dir);
      for (let i = 1; i <= 3; i++)
        await store.txn({ compare: [], success: [{ type: 'put', key: `/cut/${i}`, value: `v${i}` }] });
      await store.close();
      const file = join(dir, LOG_FILE);
      const log = await readFile(file);
      const lastFrame = frameOffsets(log).at(-1)!;
      await truncate(file, lastFrame + Math.floor((log.length - lastFrame) / 2));

      const reopened = await openAt(dir);
      expect(await reopened.currentRevision()).to.equal(2);
      expect((await reopened.range({ prefix: '/cut/' })).kvs.map((kv) => kv.value)).to.deep.equal([
        'v1',
        'v2',
      ]);
      expect((await stat(file)).size).to.equal(lastFrame);
    });

    it('refuses a log with a damaged record in the middle, naming the file and offset, and leaves it as is', async () => {
      const dir = await tempDir();
      const store = await openAt(dir);
      for (let i = 1; i <= 4; i++)
        await store.txn({ compare: [], success: [{ type: 'put', key: `/m/${i}`, value: `v${i}` }] });
      await store.close();
      const file = join(dir, LOG_FILE);
      const log = await readFile(file);
      const offsets = frameOffsets(log); // header+snapshot, then one frame per transaction
      expect(offsets).to.have.length(5);
      const damaged = offsets[2]!;
      const flipped = offsets[3]! - 1; // the last body byte of the second transaction's frame
      log[flipped] = log[flipped]! ^ 0xff;
      await writeFile(file, log);

      const err = await rejectionOf(openAt(dir));
      expect(err).to.be.instanceOf(StoreLogCorruptError);
      expect(err.message).to.equal(
        `store log ${file} is corrupt at byte offset ${damaged}: frame body checksum mismatch, and an intact frame follows at ${offsets[3]}`,
      );
      expect(await readFile(file)).to.deep.equal(log);
    });

    it('reports progress on its timer, only to watches that are caught up and got no events since the last tick', async () => {
      let tick: (() => void) | undefined;
      let cleared = false;
      const timers = {
        setInterval: (callback: () => void, ms: number) => {
          expect(ms).to.equal(250);
          tick = callback;
          return 'the-timer';
        },
        clearInterval: (handle: unknown) => {
          cleared = handle === 'the-timer';
        },
      };
      const store = await openEmbeddedStore({ dataDir: await tempDir(), progressIntervalMs: 250, timers });
      stores.push(store);
      const revision = (await store.txn({ compare: [], success: [{ type: 'put', key: '/p', value: '1' }] }))
        .revision;
      const recorder = WatchRecorder.start(store, '/', 0);
      await recorder.untilEvents(1);
      tick!();
      expect(recorder.progress, 'an event came in this interval').to.deep.equal([]);
      tick!();
      expect(recorder.progress).to.deep.equal([revision]);
      await store.close();
      expect(cleared).to.equal(true);
    });

    it('lets only one store open a directory at a time', async () => {
      const dir = await tempDir();
      const first = await openAt(dir);
      const err = await rejectionOf(openEmbeddedStore({ dataDir: dir }));
      expect(err.message).to.equal(`store directory ${dir} is already open in this process`);
      await first.close();
      const second = await openAt(dir);
      expect(await second.currentRevision()).to.equal(0);
    });

    it('validates its config before touching the disk', async () => {
      const empty = await rejectionOf(openEmbeddedStore({ dataDir: ' ' }));
      expect(empty).to.be.instanceOf(InvalidStoreConfigError);
      expect(empty.message).to.equal('embedded store config: dataDir must be a non-empty path');
      const dataDir = join(await tempDir(), 'never-created');
      const interval = await rejectionOf(openEmbeddedStore({ dataDir, progressIntervalMs: 0 }));
      expect(interval.message).to.equal('embedded store config: progressIntervalMs must be > 0, got 0');
      expect(await rejectionOf(stat(dataDir))).to.include({ code: 'ENOENT' });
    });
  });

  describe('kill -9 @host', () => {
    it('keeps every acknowledged write when the writing process is killed mid-stream', async () => {
      const dir = await tempDir();
      const script = fileURLToPath(new URL('./support/embedded-store-writer.ts', import.meta.url));
      const child = spawn(process.execPath, ['--import', 'tsx', script, dir, '8'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const acknowledged: Array<{ revision: number; key: string; value: string }> = [];
      let stderr = '';
      let partial = '';
      const exited = new Promise<string>((resolve) =>
        child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)),
      );
      try {
        await new Promise<void>((resolve, reject) => {
          child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
          void exited.then((how) => reject(new Error(`writer exited (${how}) early: ${stderr}`)));
          child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
            const lines = (partial + chunk).split('\n');
            partial = lines.pop()!;
            for (const line of lines) {
              if (line === 'ready') continue;
              const [revision, key, value] = line.split(' ');
              acknowledged.push({ revision: Number(revision), key: key!, value: value! });
            }
            if (acknowledged.length >= 2000) resolve();
          });
        });
      } finally {
        child.kill('SIGKILL');
      }
      expect(await exited).to.equal('SIGKILL');

      const store = await openAt(dir);
      const missing: string[] = [];
      for (const ack of acknowledged) {
        const { kv } = await store.get(ack.key);
        if (kv?.value !== ack.value || kv.modRevision !== ack.revision)
          missing.push(`${ack.key}@${ack.revision}`);
      }
      expect(missing, `acknowledged but lost or changed (of ${acknowledged.length})`).to.deep.equal([]);
      const lastAcknowledged = Math.max(...acknowledged.map((a) => a.revision));
      const recovered = await store.currentRevision();
      expect(recovered).to.be.at.least(lastAcknowledged);
      const next = await store.txn({
        compare: [],
        success: [{ type: 'put', key: '/after-kill', value: '1' }],
      });
      expect(next.revision).to.equal(recovered + 1);
    });
  });
});
