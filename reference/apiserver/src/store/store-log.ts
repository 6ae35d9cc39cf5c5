// What the embedded store's log holds, and how it is read back into an index.
//
// A log is: a header, a snapshot (the compaction point and every live key as of it, in chunks),
// then one record per writing transaction after the compaction point, in revision order. Each
// frame's body is a JSON array of records. Compaction writes a new log of the same shape.
import type { KeyValue } from './store.ts';
import { MvccIndex, type RecordOp, type TxnRecord } from './mvcc-index.ts';
import { encodeFrame, scanFrames } from './wal.ts';
import { StoreLogCorruptError } from './store-errors.ts';

export const LOG_FILE_NAME = 'store.log';
const FORMAT = 'kconform-store-log';
const FORMAT_VERSION = 1;
/** Keys or transactions per frame when a whole log is written. */
const CHUNK = 1000;

type LoggedKv = [key: string, value: string, createRevision: number, modRevision: number, version: number];
type LoggedOp = ['p', string, string] | ['d', string];

type LogRecord =
  | { t: 'header'; format: string; version: number }
  | { t: 'snapshot'; compacted: number }
  | { t: 'kvs'; kvs: LoggedKv[] }
  | { t: 'txn'; r: number; o: LoggedOp[] };

function txnRecord(txn: TxnRecord): LogRecord {
  return {
    t: 'txn',
    r: txn.revision,
    o: txn.ops.map((op): LoggedOp => (op.type === 'put' ? ['p', op.key, op.value] : ['d', op.key])),
  };
}

const frameOf = (records: LogRecord[]): Buffer => encodeFrame(Buffer.from(JSON.stringify(records), 'utf8'));

/** One frame holding a group commit's transactions. */
export function encodeTxnFrame(txns: readonly TxnRecord[]): Buffer {
  return frameOf(txns.map(txnRecord));
}

/** A complete log: the state at `compacted` (`kvs`), then the transactions after it (`tail`). */
export function encodeLog(compacted: number, kvs: readonly KeyValue[], tail: readonly TxnRecord[]): Buffer[] {
  const frames = [
    frameOf([
      { t: 'header', format: FORMAT, version: FORMAT_VERSION },
      { t: 'snapshot', compacted },
    ]),
  ];
  for (let i = 0; i < kvs.length; i += CHUNK) {
    const chunk = kvs.slice(i, i + CHUNK);
    frames.push(
      frameOf([
        {
          t: 'kvs',
          kvs: chunk.map((kv) => [kv.key, kv.value, kv.createRevision, kv.modRevision, kv.version]),
        },
      ]),
    );
  }
  for (let i = 0; i < tail.length; i += CHUNK) frames.push(frameOf(tail.slice(i, i + CHUNK).map(txnRecord)));
  return frames;
}

export interface LoadedLog {
  index: MvccIndex;
  /** Where the intact part of the file ends; the file is longer when its last write was torn. */
  validLength: number;
}

/** Rebuilds the index from a log's bytes; damage other than a torn tail throws StoreLogCorruptError. */
export function loadLog(buf: Buffer, file: string): LoadedLog {
  const { frames, validLength } = scanFrames(buf, file);
  let compacted: number | undefined;
  let snapshot: KeyValue[] | undefined = [];
  let index: MvccIndex | undefined;
  let sawHeader = false;
  for (const frame of frames) {
    const corrupt = (reason: string) => new StoreLogCorruptError(file, frame.offset, reason);
    let records: unknown;
    try {
      records = JSON.parse(frame.body.toString('utf8'));
    } catch {
      throw corrupt('frame body is not JSON');
    }
    if (!Array.isArray(records)) throw corrupt('frame body is not a list of records');
    for (const record of records as LogRecord[]) {
      const kind: unknown = record?.t;
      if (!sawHeader) {
        if (kind !== 'header' || record.t !== 'header' || record.format !== FORMAT) {
          throw corrupt(`not a ${FORMAT} file (no header)`);
        }
        if (record.version !== FORMAT_VERSION) throw corrupt(`unsupported log version ${record.version}`);
        sawHeader = true;
      } else if (compacted === undefined) {
        if (record.t !== 'snapshot' || !Number.isSafeInteger(record.compacted)) {
          throw corrupt('the header is not followed by a snapshot');
        }
        compacted = record.compacted;
      } else if (record.t === 'kvs' && snapshot) {
        for (const kv of record.kvs) snapshot.push(decodeKv(kv, corrupt));
      } else if (record.t === 'txn') {
        if (!index) {
          index = new MvccIndex(compacted, snapshot);
          snapshot = undefined;
        }
        try {
          index.replay({ revision: record.r, ops: record.o.map((op) => decodeOp(op, corrupt)) });
        } catch (err) {
          if (err instanceof StoreLogCorruptError) throw err;
          throw corrupt(err instanceof Error ? err.message : String(err));
        }
      } else {
        throw corrupt(`unexpected record ${JSON.stringify(kind)}`);
      }
    }
  }
  if (compacted === undefined) {
    throw new StoreLogCorruptError(file, validLength, 'the log ends before its header and snapshot');
  }
  return { index: index ?? new MvccIndex(compacted, snapshot), validLength };
}

function decodeKv(kv: unknown, corrupt: (reason: string) => Error): KeyValue {
  if (!Array.isArray(kv) || kv.length !== 5 || typeof kv[0] !== 'string' || typeof kv[1] !== 'string') {
    throw corrupt('malformed snapshot entry');
  }
  const [key, value, createRevision, modRevision, version] = kv as LoggedKv;
  return { key, value, createRevision, modRevision, version };
}

function decodeOp(op: unknown, corrupt: (reason: string) => Error): RecordOp {
  if (Array.isArray(op) && op[0] === 'p' && typeof op[1] === 'string' && typeof op[2] === 'string') {
    return { type: 'put', key: op[1], value: op[2] };
  }
  if (Array.isArray(op) && op[0] === 'd' && typeof op[1] === 'string') return { type: 'delete', key: op[1] };
  throw corrupt('malformed transaction operation');
}
