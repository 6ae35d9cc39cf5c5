// Failure diagnostics as plain text: the body of a JUnit <failure>, the TAP YAML block and the
// Markdown summary all show the same thing, so a person reads it the same way everywhere.
import type { ClusterDiagnostics, SpecResult, TestRecord } from './results.ts';

/** Renders one namespace's diagnostics as indented text (ends without a newline). */
export function formatClusterDiagnostics(d: ClusterDiagnostics): string {
  const out: string[] = [`namespace ${d.namespace} (collected ${d.collectedAt})`];
  if (d.pods.length === 0) out.push('pods: none');
  for (const pod of d.pods) {
    const where = [pod.node ? `node ${pod.node}` : 'not scheduled', pod.podIP ? `IP ${pod.podIP}` : '']
      .filter(Boolean)
      .join(', ');
    const why = [pod.reason, pod.message].filter(Boolean).join(': ');
    out.push(`pod ${pod.name}: ${pod.phase} (${where})${why ? ` ${why}` : ''}`);
    for (const condition of pod.conditions) out.push(`  condition ${condition}`);
    for (const c of pod.containers) {
      out.push(
        `  ${c.init ? 'init container' : 'container'} ${c.name} (${c.image}): ${c.state}, ` +
          `ready=${c.ready}, restarts=${c.restartCount}`,
      );
      if (c.lastState) out.push(`    last state: ${c.lastState}`);
      if (c.previousLogs !== undefined) out.push('    previous logs:', ...indent(c.previousLogs, 6));
      if (c.logs !== undefined) out.push('    logs:', ...indent(c.logs, 6));
    }
  }
  if (d.events.length === 0) out.push('events: none');
  else out.push('events:');
  for (const e of d.events) {
    out.push(
      `  ${e.time || '-'} ${e.type} ${e.reason} ${e.object}: ${e.message}${e.count > 1 ? ` (x${e.count})` : ''}`,
    );
  }
  if (d.objects.length > 0) out.push('other objects:', ...d.objects.map((o) => `  ${o}`));
  for (const problem of d.problems) out.push(`not collected: ${problem}`);
  return out.join('\n');
}

function indent(text: string, spaces: number): string[] {
  const pad = ' '.repeat(spaces);
  const lines = text.replace(/\n$/, '').split('\n');
  return lines.length === 1 && lines[0] === '' ? [`${pad}(empty)`] : lines.map((line) => pad + line);
}

/** Every failed test's stack and cluster diagnostics for one spec; '' when there are none. */
export function formatSpecDiagnostics(spec: SpecResult): string {
  const parts: string[] = [];
  for (const test of spec.diagnostics) {
    for (const [index, attempt] of (test.failedAttempts ?? []).entries()) {
      parts.push(
        [
          `${test.title}: attempt ${index + 1} failed`,
          attempt.error ?? attempt.message,
          ...(attempt.cluster ? [formatClusterDiagnostics(attempt.cluster)] : []),
        ].join('\n'),
      );
    }
    if (test.status === 'failed') parts.push(formatFailedTest(test));
  }
  return parts.join('\n\n');
}

function formatFailedTest(test: TestRecord): string {
  return [
    `${test.title}: failed`,
    ...(test.error ? [test.error] : []),
    ...(test.cluster ? [formatClusterDiagnostics(test.cluster)] : []),
  ].join('\n');
}
