// summary.md: the run for a person: totals, a table per area and per feature with each one's
// result (success / partial / failure), then every failure with its message.
import type { RunResults } from './results.ts';
import { rollup } from './results.ts';

/** Renders the Markdown summary (ends with a newline); never mutates `results`. */
export function renderSummaryMarkdown(results: RunResults): string {
  const { passed, failed, skipped, flaky } = results.summary;
  const out: string[] = [
    '# kconform results',
    '',
    `- target: ${results.target}`,
    `- kconform: ${results.kconformVersion}`,
    `- started: ${results.started}`,
    `- finished: ${results.finished}`,
    '',
    `**${passed} passed, ${failed} failed, ${skipped} skipped${flaky > 0 ? `, ${flaky} flaky` : ''}**`,
    '',
  ];
  for (const key of ['area', 'feature'] as const) {
    out.push(`| ${key} | passed | failed | skipped | result |`, '| --- | --- | --- | --- | --- |');
    for (const row of rollup(results.specs, key)) {
      out.push(`| ${row.area} | ${row.passed} | ${row.failed} | ${row.skipped} | ${row.result} |`);
    }
    out.push('');
  }
  const failures = results.specs.filter((s) => s.status === 'failed');
  out.push('## Failures', '');
  if (failures.length === 0) out.push('None.', '');
  for (const spec of failures) {
    out.push(
      `### ${spec.id} (${spec.level}, ${spec.area})`,
      '',
      '```text',
      spec.message.trimEnd(),
      '```',
      '',
    );
  }
  const skippedSpecs = results.specs.filter((s) => s.status === 'skipped');
  if (skippedSpecs.length > 0) {
    out.push('## Skipped', '');
    for (const spec of skippedSpecs) out.push(`- ${spec.id}: ${spec.message}`);
    out.push('');
  }
  return out.join('\n');
}
