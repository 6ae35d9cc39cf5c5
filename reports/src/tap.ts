// TAP version 13 from a run's results: one test point per spec, in catalogue order. A failure
// carries a YAML block whose `message` tap-junit puts on the JUnit <failure>; a skipped spec is
// `ok … # SKIP reason`. No TAP comments: tap-junit would attach the last one to every later case.
import { stringify } from 'yaml';
import type { RunResults } from './results.ts';

/** Renders the results as TAP 13 text (ends with a newline); never mutates `results`. */
export function renderTap(results: RunResults): string {
  const lines = ['TAP version 13', `1..${results.specs.length}`];
  results.specs.forEach((spec, index) => {
    const point = index + 1;
    if (spec.status === 'skipped') {
      lines.push(`ok ${point} - ${spec.id} # SKIP ${oneLine(spec.message)}`);
      return;
    }
    lines.push(`${spec.status === 'passed' ? 'ok' : 'not ok'} ${point} - ${spec.id}`);
    if (spec.status === 'failed') {
      const block = stringify(
        {
          message: spec.message,
          severity: 'fail',
          area: spec.area,
          level: spec.level,
          feature: spec.feature,
          durationMs: spec.durationMs,
        },
        { lineWidth: 0 },
      );
      lines.push(
        '  ---',
        ...block
          .trimEnd()
          .split('\n')
          .map((line) => `  ${line}`),
        '  ...',
      );
    }
  });
  return lines.join('\n') + '\n';
}

// A directive must stay on the test point's line.
const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();
