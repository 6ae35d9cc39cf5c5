// report.html: the run for a person, in one self-contained file (inline CSS, no script, no external
// asset), readable offline from a CI artifact: the verdict, a summary by area and by feature, every
// failure with its diagnostics (stack, pods, containers, logs, events), the flaky specs, and the
// whole catalogue with each spec's status or skip reason.
import type {
  ClusterDiagnostics,
  FailedAttempt,
  RunResults,
  SpecResult,
  SpecStatus,
  TestRecord,
} from './results.ts';
import { isProvisional, rollup } from './results.ts';

export const escapeHtml = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const STYLE = `
:root { --ok: #1a7f37; --fail: #cf222e; --flaky: #9a6700; --skip: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #fff; }
main { max-width: 1200px; margin: 0 auto; padding: 16px 24px 48px; }
h1 { font-size: 24px; margin: 8px 0; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 0 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f6f8fa; border: 1px solid var(--line); padding: 8px; overflow-x: auto; white-space: pre-wrap; word-break: break-word; margin: 4px 0 8px; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; color: #fff; font-size: 12px; font-weight: 600; }
.passed, .success { background: var(--ok); } .failed, .failure { background: var(--fail); }
.flaky, .partial { background: var(--flaky); } .skipped { background: var(--skip); }
.verdict { padding: 12px 16px; border-radius: 6px; color: #fff; font-size: 16px; font-weight: 600; margin: 12px 0; }
.meta { color: #57606a; margin: 0; padding: 0; list-style: none; }
.counts { display: flex; gap: 12px; margin: 12px 0; flex-wrap: wrap; }
.count { border: 1px solid var(--line); border-radius: 6px; padding: 8px 16px; min-width: 110px; }
.count b { display: block; font-size: 22px; }
.spec { border: 1px solid var(--line); border-left: 4px solid var(--fail); border-radius: 6px; padding: 10px 14px; margin: 12px 0; }
.spec.flaky-spec { border-left-color: var(--flaky); }
.test { margin: 8px 0 0; }
.diag h4 { font-size: 13px; margin: 10px 0 4px; }
details > summary { cursor: pointer; color: #0969da; }
.muted { color: #57606a; }
`;

const badge = (status: SpecStatus | 'success' | 'partial' | 'failure'): string =>
  `<span class="badge ${status}">${status}</span>`;

/** Renders the report (a whole HTML document, ends with a newline); never mutates `results`. */
export function renderHtml(results: RunResults): string {
  const { passed, failed, skipped, flaky } = results.summary;
  const counted = results.specs.filter((s) => s.status === 'failed' && !isProvisional(s));
  const verdict: 'success' | 'partial' | 'failure' = counted.some((s) => s.level === 'MUST')
    ? 'failure'
    : failed + flaky > 0
      ? 'partial'
      : 'success';
  const verdictText = {
    success: 'Every requirement that ran passed.',
    partial: 'No MUST requirement failed, but something failed or was flaky.',
    failure: `${counted.filter((s) => s.level === 'MUST').length} MUST requirement(s) failed.`,
  }[verdict];
  const failures = results.specs.filter((s) => s.status === 'failed');
  const flakySpecs = results.specs.filter((s) => s.status === 'flaky');
  const settings = results.settings;
  const body = [
    '<main>',
    '<h1>kconform results</h1>',
    `<div class="verdict ${verdict}" id="verdict">${escapeHtml(verdict.toUpperCase())}: ${escapeHtml(verdictText)}</div>`,
    '<ul class="meta">',
    `<li>target: ${escapeHtml(results.target)}</li>`,
    `<li>kconform ${escapeHtml(results.kconformVersion)}; started ${escapeHtml(results.started)}, finished ${escapeHtml(results.finished)}</li>`,
    ...(settings
      ? [
          `<li>mode ${escapeHtml(settings.mode)}; features ${escapeHtml(
            settings.features === 'all' ? 'all' : settings.features.join(', ') || 'core only',
          )}; retries ${settings.retries}; timeout scale ${settings.timeoutScale}</li>`,
        ]
      : []),
    '</ul>',
    '<div class="counts" id="counts">',
    ...(
      [
        ['passed', passed],
        ['failed', failed],
        ['flaky', flaky],
        ['skipped', skipped],
      ] as const
    ).map(([name, n]) => `<div class="count"><b>${n}</b>${badge(name)}</div>`),
    '</div>',
    '<section id="summary">',
    '<h2>Summary by area</h2>',
    rollupTable('area', results.specs),
    '<h2>Summary by feature</h2>',
    rollupTable('feature', results.specs),
    '</section>',
    '<section id="failures">',
    `<h2>Failures (${failures.length})</h2>`,
    ...(failures.length === 0 ? ['<p class="muted">None.</p>'] : failures.map((s) => specSection(s))),
    '</section>',
    ...(flakySpecs.length > 0
      ? [
          '<section id="flaky">',
          `<h2>Flaky (${flakySpecs.length})</h2>`,
          '<p class="muted">Each failed, then passed on a retry. They do not fail the run, but a conformant implementation should not need retries.</p>',
          ...flakySpecs.map((s) => specSection(s)),
          '</section>',
        ]
      : []),
    '<section id="specs">',
    `<h2>Every spec (${results.specs.length})</h2>`,
    specTable(results.specs),
    '</section>',
    '</main>',
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>kconform results: ${escapeHtml(verdict)} (${passed} passed, ${failed} failed)</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function rollupTable(key: 'area' | 'feature', specs: readonly SpecResult[]): string {
  const rows = rollup(specs, key).map(
    (r) =>
      `<tr><td>${escapeHtml(r.area)}</td><td class="num">${r.passed}</td><td class="num">${r.failed}</td>` +
      `<td class="num">${r.flaky}</td><td class="num">${r.skipped}</td><td>${badge(r.result)}</td></tr>`,
  );
  return [
    `<table class="rollup"><thead><tr><th>${key}</th><th>passed</th><th>failed</th><th>flaky</th><th>skipped</th><th>result</th></tr></thead>`,
    `<tbody>${rows.join('\n')}</tbody></table>`,
  ].join('\n');
}

function specTable(specs: readonly SpecResult[]): string {
  const rows = specs.map((s) => {
    const link = s.status === 'failed' || s.status === 'flaky' ? `<a href="#spec-${s.id}">${s.id}</a>` : s.id;
    const note = s.status === 'passed' ? '' : escapeHtml(s.message.split('\n')[0] ?? '');
    return (
      `<tr><td>${link}</td><td>${escapeHtml(s.area)}</td><td>${s.level}</td><td>${escapeHtml(s.feature)}</td>` +
      `<td>${escapeHtml(s.stage ?? '')}</td><td>${badge(s.status)}</td><td class="num">${s.durationMs}</td><td>${note}</td></tr>`
    );
  });
  return [
    '<table class="specs"><thead><tr><th>spec</th><th>area</th><th>level</th><th>feature</th><th>stage</th><th>status</th><th>ms</th><th>message or reason</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody></table>`,
  ].join('\n');
}

function specSection(spec: SpecResult): string {
  const provisional = isProvisional(spec) ? ` · ${escapeHtml(spec.stage!)} (does not count)` : '';
  return [
    `<div class="spec${spec.status === 'flaky' ? ' flaky-spec' : ''}" id="spec-${spec.id}">`,
    `<h3>${spec.id} ${badge(spec.status)}</h3>`,
    `<div class="muted">${spec.level} · ${escapeHtml(spec.area)} · ${escapeHtml(spec.feature)}${provisional} · ${spec.durationMs} ms</div>`,
    `<pre class="message">${escapeHtml(spec.message)}</pre>`,
    ...spec.diagnostics.map((test) => testSection(test)),
    '</div>',
  ].join('\n');
}

function testSection(test: TestRecord): string {
  const parts = [
    `<div class="test"><div><b>${escapeHtml(test.title)}</b> <span class="muted">${escapeHtml(test.file)}</span> ${badge(test.status)}</div>`,
  ];
  (test.failedAttempts ?? []).forEach((attempt: FailedAttempt, index) => {
    parts.push(
      `<details><summary>attempt ${index + 1} failed after ${attempt.durationMs} ms: ${escapeHtml(attempt.message.split('\n')[0] ?? '')}</summary>`,
      `<pre>${escapeHtml(attempt.error ?? attempt.message)}</pre>`,
      ...(attempt.cluster ? [clusterSection(attempt.cluster)] : []),
      '</details>',
    );
  });
  if (test.status === 'failed') {
    if (test.error)
      parts.push('<details><summary>stack</summary>', `<pre>${escapeHtml(test.error)}</pre>`, '</details>');
    if (test.cluster) parts.push(clusterSection(test.cluster));
  }
  parts.push('</div>');
  return parts.join('\n');
}

function clusterSection(d: ClusterDiagnostics): string {
  const out = [
    `<div class="diag"><h4>Namespace ${escapeHtml(d.namespace)} <span class="muted">(collected ${escapeHtml(d.collectedAt)})</span></h4>`,
  ];
  if (d.pods.length === 0) out.push('<p class="muted">No pods.</p>');
  else {
    out.push(
      '<table class="pods"><thead><tr><th>pod</th><th>node</th><th>phase</th><th>IP</th><th>conditions</th></tr></thead><tbody>',
      ...d.pods.map(
        (p) =>
          `<tr><td>${escapeHtml(p.name)}</td><td>${escapeHtml(p.node || 'not scheduled')}</td>` +
          `<td>${escapeHtml(p.phase)}${p.reason ? ` (${escapeHtml(p.reason)})` : ''}${p.message ? `<br>${escapeHtml(p.message)}` : ''}</td>` +
          `<td>${escapeHtml(p.podIP ?? '')}</td><td>${p.conditions.map(escapeHtml).join('<br>')}</td></tr>`,
      ),
      '</tbody></table>',
      '<table class="containers"><thead><tr><th>pod/container</th><th>image</th><th>state</th><th>ready</th><th>restarts</th><th>last state</th></tr></thead><tbody>',
      ...d.pods.flatMap((p) =>
        p.containers.map(
          (c) =>
            `<tr><td>${escapeHtml(`${p.name}/${c.name}`)}${c.init ? ' (init)' : ''}</td><td>${escapeHtml(c.image)}</td>` +
            `<td>${escapeHtml(c.state)}</td><td>${c.ready}</td><td class="num">${c.restartCount}</td><td>${escapeHtml(c.lastState ?? '')}</td></tr>`,
        ),
      ),
      '</tbody></table>',
    );
    for (const p of d.pods) {
      for (const c of p.containers) {
        if (c.previousLogs !== undefined) {
          out.push(
            `<details open><summary>logs of ${escapeHtml(`${p.name}/${c.name}`)}, previous instance</summary><pre class="logs">${escapeHtml(c.previousLogs) || '(empty)'}</pre></details>`,
          );
        }
        if (c.logs !== undefined) {
          out.push(
            `<details open><summary>logs of ${escapeHtml(`${p.name}/${c.name}`)}</summary><pre class="logs">${escapeHtml(c.logs) || '(empty)'}</pre></details>`,
          );
        }
      }
    }
  }
  if (d.events.length === 0) out.push('<p class="muted">No events.</p>');
  else {
    out.push(
      '<table class="events"><thead><tr><th>time</th><th>type</th><th>reason</th><th>object</th><th>message</th><th>count</th></tr></thead><tbody>',
      ...d.events.map(
        (e) =>
          `<tr><td>${escapeHtml(e.time)}</td><td>${escapeHtml(e.type)}</td><td>${escapeHtml(e.reason)}</td>` +
          `<td>${escapeHtml(e.object)}</td><td>${escapeHtml(e.message)}</td><td class="num">${e.count}</td></tr>`,
      ),
      '</tbody></table>',
    );
  }
  if (d.objects.length > 0)
    out.push(`<ul class="objects">${d.objects.map((o) => `<li>${escapeHtml(o)}</li>`).join('')}</ul>`);
  if (d.problems.length > 0) {
    out.push(`<p class="muted">Not collected: ${d.problems.map(escapeHtml).join('; ')}</p>`);
  }
  out.push('</div>');
  return out.join('\n');
}
