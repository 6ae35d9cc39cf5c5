// `npm run -s bench -- NAME`: runs one benchmark, writes its result as JSON under the ignored
// output folder, and prints the same object as the last line of stdout.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KconformError, isKconformError } from '../common/src/errors.ts';
import { createLogger, levelFromEnv } from '../common/src/log.ts';
import { BENCHMARKS } from './index.ts';

export const BENCH_OUTPUT_DIR = join('.kconform-out', 'bench');

export async function runBench(argv: string[]): Promise<number> {
  const [name] = argv;
  const known = BENCHMARKS.map((b) => b.name).join(', ');
  try {
    const bench = BENCHMARKS.find((b) => b.name === name);
    if (!bench) throw new KconformError('BENCH_UNKNOWN', { name: name ?? '', known });
    const log = createLogger({ level: levelFromEnv(process.env), fields: { bench: bench.name } });
    const started = new Date();
    const figures = await bench.run({ log });
    const result = {
      bench: bench.name,
      description: bench.description,
      started: started.toISOString(),
      wallMs: Date.now() - started.getTime(),
      host: { node: process.version, cpus: (await import('node:os')).cpus().length },
      ...figures,
    };
    mkdirSync(BENCH_OUTPUT_DIR, { recursive: true });
    const file = join(BENCH_OUTPUT_DIR, `${bench.name}-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify(result, null, 2) + '\n');
    process.stderr.write(`bench: wrote ${file}\n`);
    process.stdout.write(JSON.stringify(result) + '\n');
    return 0;
  } catch (err) {
    if (!isKconformError(err)) throw err;
    process.stderr.write(`bench: ${err.message}\n`);
    return err.exitCode;
  }
}
