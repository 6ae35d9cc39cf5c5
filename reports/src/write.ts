// Writes every report of a run into one folder: results.json (the source of the rest),
// results.tap, junit.xml (with the diagnostics in each failure's body), summary.md and report.html.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from './html.ts';
import { addDiagnostics, tapToJunit } from './junit.ts';
import type { RunResults } from './results.ts';
import { renderSummaryMarkdown } from './summary-md.ts';
import { renderTap } from './tap.ts';

export const REPORT_FILES = [
  'results.json',
  'results.tap',
  'junit.xml',
  'summary.md',
  'report.html',
] as const;

/** Writes the reports into `dir` (created if missing) and resolves with their paths. */
export async function writeReports(dir: string, results: RunResults): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const tap = renderTap(results);
  const contents: Record<(typeof REPORT_FILES)[number], string> = {
    'results.json': JSON.stringify(results, null, 2) + '\n',
    'results.tap': tap,
    'junit.xml': addDiagnostics(await tapToJunit(tap), results),
    'summary.md': renderSummaryMarkdown(results),
    'report.html': renderHtml(results),
  };
  return REPORT_FILES.map((name) => {
    const path = join(dir, name);
    writeFileSync(path, contents[name]);
    return path;
  });
}
