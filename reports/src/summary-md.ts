// summary.md: the run for a person (a CI job summary): totals, a table per area and per feature with
// each one's result (success / partial / failure), then every failure with its message and, folded
// away, its diagnostics; then the flaky and the skipped specs.
import { formatSpecDiagnostics } from './diagnostics-text.ts';
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
    out.push(
      `| ${key} | passed | failed | flaky | skipped | result |`,
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const row of rollup(results.specs, key)) {
      out.push(
        `| ${row.area} | ${row.passed} | ${row.failed} | ${row.flaky} | ${row.skipped} | ${row.result} |`,
      );
    }
    out.push('');
  }
  const failures = results.specs.filter((s) => s.status === 'failed');
  out.push('## Failures', '');
  if (failures.length === 0) out.push('None.', '');
  for (const spec of failures) {
    const stage = spec.stage && spec.stage !== 'stable' ? `, ${spec.stage}: does not count` : '';
    out.push(
      `### ${spec.id} (${spec.level}, ${spec.area}${stage})`,
      '',
      '```text',
      spec.message.trimEnd(),
      '```',
      '',
    );
    const diagnostics = formatSpecDiagnostics(spec);
    if (diagnostics) {
      out.push(
        '<details><summary>diagnostics</summary>',
        '',
        '```text',
        fence(diagnostics),
        '```',
        '',
        '</details>',
        '',
      );
    }
  }
  const flakySpecs = results.specs.filter((s) => s.status === 'flaky');
  if (flakySpecs.length > 0) {
    out.push('## Flaky', '');
    for (const spec of flakySpecs) out.push(`- ${spec.id}: ${spec.message.split('\n')[0]}`);
    out.push('');
  }
  const skippedSpecs = results.specs.filter((s) => s.status === 'skipped');
  if (skippedSpecs.length > 0) {
    out.push('## Skipped', '');
    for (const spec of skippedSpecs) out.push(`- ${spec.id}: ${spec.message}`);
    out.push('');
  }
  return out.join('\n');
}

// A log line of three backticks would end the fenced block early.
const fence = (text: string): string => text.replace(/^```/gm, '` ``');
