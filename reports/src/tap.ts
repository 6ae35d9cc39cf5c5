// TAP version 13 from a run's results: one test point per spec, in catalogue order. A failure
// carries a YAML block whose `message` tap-junit puts on the JUnit <failure>, and whose
// `diagnostics` hold each failed test's stack and the cluster's state (pods, events, logs); a flaky
// spec is `ok` with a block saying so; a skipped spec is `ok … # SKIP reason`. No TAP comments:
// tap-junit would attach the last one to every later case.
import { stringify } from 'yaml';
import { formatSpecDiagnostics } from './diagnostics-text.ts';
import type { RunResults, SpecResult } from './results.ts';

/** Renders the results as TAP 13 text (ends with a newline); never mutates `results`. */
export function renderTap(results: RunResults): string {
  const lines = ['TAP version 13', `1..${results.specs.length}`];
  results.specs.forEach((spec, index) => {
    const point = index + 1;
    if (spec.status === 'skipped') {
      lines.push(`ok ${point} - ${spec.id} # SKIP ${oneLine(spec.message)}`);
      return;
    }
    lines.push(`${spec.status === 'failed' ? 'not ok' : 'ok'} ${point} - ${spec.id}`);
    if (spec.status === 'failed') lines.push(...yamlBlock(facts(spec, 'fail'), spec));
    if (spec.status === 'flaky') lines.push(...yamlBlock({ ...facts(spec, 'flaky'), flaky: true }, spec));
  });
  return lines.join('\n') + '\n';
}

function facts(spec: SpecResult, severity: string): Record<string, unknown> {
  return {
    message: spec.message,
    severity,
    area: spec.area,
    level: spec.level,
    feature: spec.feature,
    ...(spec.stage && spec.stage !== 'stable' ? { stage: spec.stage } : {}),
    durationMs: spec.durationMs,
  };
}

function yamlBlock(fields: Record<string, unknown>, spec: SpecResult): string[] {
  const diagnostics = formatSpecDiagnostics(spec);
  const block = stringify(diagnostics ? { ...fields, diagnostics } : fields, { lineWidth: 0 });
  return [
    '  ---',
    ...block
      .trimEnd()
      .split('\n')
      .map((line) => `  ${line}`),
    '  ...',
  ];
}

// A directive must stay on the test point's line.
const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();
