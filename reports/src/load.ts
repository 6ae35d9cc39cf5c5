// Reading a results.json back (for `report diff` and `run --rerun-failed`): the file must be one a
// kconform run wrote; anything else is refused with a sentence naming the file.
import { readFileSync } from 'node:fs';
import type { RunResults } from './results.ts';

const STATUSES = ['passed', 'failed', 'skipped', 'flaky'];

/** Parses and checks a results.json; throws an Error whose message names the file and the problem. */
export function loadResults(file: string): RunResults {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(
      `${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file}: not JSON (${(err as Error).message})`);
  }
  const specs = (parsed as { specs?: unknown } | null)?.specs;
  if (!Array.isArray(specs)) throw new Error(`${file}: not a kconform results.json (no "specs" list)`);
  specs.forEach((spec: unknown, index) => {
    const s = spec as Partial<Record<string, unknown>> | null;
    if (typeof s?.id !== 'string' || typeof s.status !== 'string' || !STATUSES.includes(s.status)) {
      throw new Error(
        `${file}: specs[${index}] needs an "id" and a "status" (one of ${STATUSES.join(', ')})`,
      );
    }
    if (typeof s.message !== 'string') s.message = '';
  });
  return parsed as RunResults;
}
