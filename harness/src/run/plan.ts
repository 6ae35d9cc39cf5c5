// Which specs a run runs, and why each of the rest does not: --focus / --skip (regular expressions
// matched against a spec's id or its area) and the optional features the target supports. Pure:
// the same catalogue and options always give the same plan.
import type { Spec } from '../../../conformance/lib/specs.ts';

export interface PlanOptions {
  focus?: RegExp | undefined;
  skip?: RegExp | undefined;
  /** Optional features the target supports; `core` always applies. `'all'` for the reference. */
  features: ReadonlySet<string> | 'all';
}

export interface Excluded {
  spec: Spec;
  /** One sentence a person reads in `--list` and in the reports: why the spec does not run. */
  reason: string;
}

export interface Plan {
  selected: Spec[];
  excluded: Excluded[];
}

const matches = (re: RegExp, spec: Spec): boolean => re.test(spec.id) || re.test(spec.area);

/** Splits `specs` (in the given order) into those that run and those that do not, with a reason each. */
export function planRun(specs: readonly Spec[], options: PlanOptions): Plan {
  const plan: Plan = { selected: [], excluded: [] };
  for (const spec of specs) {
    let reason: string | undefined;
    if (options.focus && !matches(options.focus, spec)) {
      reason = `not selected: neither its id nor its area matches --focus ${options.focus.source}`;
    } else if (options.skip && matches(options.skip, spec)) {
      reason = `left out: its id or area matches --skip ${options.skip.source}`;
    } else if (spec.feature !== 'core' && options.features !== 'all' && !options.features.has(spec.feature)) {
      reason = `the target does not declare support for ${spec.feature}`;
    }
    if (reason) plan.excluded.push({ spec, reason });
    else plan.selected.push(spec);
  }
  return plan;
}

/**
 * The mocha --grep pattern that runs exactly the tests citing the selected specs (titles begin
 * `[SPEC-ID]`). Spec ids are capitals, digits and dashes, so they need no escaping.
 */
export function grepFor(selected: readonly Spec[]): string {
  return `\\[(${selected.map((s) => s.id).join('|')})\\]`;
}

/** The `--list` text: what would run, then what would not and why. */
export function formatPlan(plan: Plan, target: string): string[] {
  const width = Math.max(
    0,
    ...[...plan.selected, ...plan.excluded.map((e) => e.spec)].map((s) => s.id.length),
  );
  const row = (s: Spec) => `${s.id.padEnd(width)}  ${s.area}  ${s.level.padEnd(6)}  ${s.feature}`;
  const lines = [`would run ${plan.selected.length} spec(s) against ${target}:`];
  for (const spec of plan.selected) lines.push(`  ${row(spec)}`);
  if (plan.excluded.length > 0) {
    lines.push(`would not run ${plan.excluded.length} spec(s):`);
    for (const { spec, reason } of plan.excluded) lines.push(`  ${row(spec)}  (${reason})`);
  }
  return lines;
}
