import { expect } from 'chai';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GroupCommit, type LogSink } from '../src/store/group-commit.ts';
import { StoreFailedError } from '../src/store/store-errors.ts';
import { WalAppender } from '../src/store/wal.ts';
import { rejectionOf } from './support/watch-recorder.ts';

const record = (revision: number) => ({
  revision,
  ops: [{ type: 'put' as const, key: `/k${revision}`, value: 'v' }],
});

describe('embedded store group commit', () => {
  let dir: string;
  const appenders: WalAppender[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kconform-group-commit-'));
  });
  afterEach(async () => {
    for (const appender of appenders.splice(0)) await appender.close();
    await rm(dir, { recursive: true, force: true });
  });
  const appenderAt = async (file: string): Promise<WalAppender> => {
    const appender = await WalAppender.open(file);
    appenders.push(appender);
    return appender;
  };

  it('writes what arrives during a write as one frame, and reports durability in revision order', async () => {
    const file = join(dir, 'log');
    const appender = await appenderAt(file);
    const frames: number[] = [];
    const sink: LogSink = {
      append: async (frame) => {
        frames.push(frame.length);
        await appender.append(frame);
      },
    };
    const durable: number[] = [];
    const commits = new GroupCommit(
      sink,
      (revision) => durable.push(revision),
      (cause) => new Error(String(cause)),
    );
    await Promise.all(Array.from({ length: 50 }, (_, i) => commits.commit(record(i + 1), i + 1)));
    expect(frames).to.have.length(2);
    expect(durable).to.deep.equal([1, 50]);
    expect((await readFile(file)).length).to.equal(frames[0]! + frames[1]!);
  });

  it('runs an exclusive job between writes, never during one', async () => {
    const appender = await appenderAt(join(dir, 'log'));
    const order: string[] = [];
    const sink: LogSink = {
      append: async (frame) => {
        order.push('write start');
        await appender.append(frame);
        order.push('write end');
      },
    };
    const commits = new GroupCommit(
      sink,
      () => undefined,
      (cause) => new Error(String(cause)),
    );
    const first = commits.commit(record(1), 1);
    const job = commits.exclusive(async () => {
      order.push('job');
      return 'done';
    });
    const second = commits.commit(record(2), 2);
    expect(await job).to.equal('done');
    await Promise.all([first, second]);
    expect(order).to.deep.equal(['write start', 'write end', 'job', 'write start', 'write end']);
  });

  it('fails the batch, everything queued and every later commit once a write fails (ENOSPC on /dev/full)', async () => {
    const full = await appenderAt('/dev/full');
    const durable: number[] = [];
    const commits = new GroupCommit(
      full,
      (revision) => durable.push(revision),
      (cause) => new StoreFailedError('/dev/full', cause),
    );
    const first = rejectionOf(commits.commit(record(1), 1));
    const queued = rejectionOf(commits.commit(record(2), 2));
    let jobRan = false;
    const job = rejectionOf(
      commits.exclusive(async () => {
        jobRan = true;
      }),
    );
    const failure = await first;
    expect(failure).to.be.instanceOf(StoreFailedError);
    expect(failure.message).to.match(
      /^writing the store log \/dev\/full failed, the store accepts no more writes: ENOSPC/,
    );
    expect(await queued).to.equal(failure);
    expect(await job).to.equal(failure);
    expect(await rejectionOf(commits.commit(record(3), 3))).to.equal(failure);
    expect(jobRan).to.equal(false);
    expect(durable).to.deep.equal([]);
    expect(commits.failed).to.equal(failure);
  });
});
