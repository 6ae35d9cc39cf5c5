// Child process for the kill -9 test: opens the embedded store in argv[2] and writes as fast as
// it can with argv[3] concurrent writers, one new key per transaction. For every acknowledged
// transaction it prints "<revision> <key> <value>" on stdout (a pipe, written synchronously),
// so the parent knows exactly which writes were acknowledged when it kills this process.
import { openEmbeddedStore } from '../../src/store/embedded-store.ts';

const [dataDir, writersArg] = process.argv.slice(2);
if (!dataDir) throw new Error('usage: embedded-store-writer.ts <dataDir> [writers]');
const writers = Number(writersArg ?? '8');

const store = await openEmbeddedStore({ dataDir });
process.stdout.write('ready\n');

let next = 0;
async function writer(id: number): Promise<never> {
  for (;;) {
    const n = next++;
    const key = `/kill/${id}/${n}`;
    const value = `value-${n}`;
    const result = await store.txn({
      compare: [{ key, modRevision: 0 }],
      success: [{ type: 'put', key, value }],
    });
    if (!result.succeeded) throw new Error(`create of ${key} failed`);
    process.stdout.write(`${result.revision} ${key} ${value}\n`);
  }
}

await Promise.all(Array.from({ length: writers }, (_, id) => writer(id)));
