// Which specs a run runs, and why each of the rest does not: the mode (quick, default, certify),
// --rerun-failed, --focus / --skip (regular expressions matched against a spec's id or its area), a
// profile's skip list, and the optional features the target declares. Pure: the same catalogue and
// options always give the same plan.
import type { Spec } from '../../../conformance/lib/specs.ts';

export const MODES = ['quick', 'default', 'certify'] as const;
export type Mode = (typeof MODES)[number];

/** How many specs per area `--mode quick` takes when none of the area's specs is tagged `smoke`. */
export const QUICK_PER_AREA = 2;

/**
 * How the reason of a spec left out for an undeclared optional feature begins; a certification
 * reads it back from results.json, since such a spec does not count against the target.
 */
export const UNDECLARED_FEATURE = 'the target does not declare support for ';

export interface PlanOptions {
  focus?: RegExp | undefined;
  skip?: RegExp | undefined;
  /** Optional features the target supports; `core` always applies. `'all'` for the reference. */
  features: ReadonlySet<string> | 'all';
  /** `default` when not given. */
  mode?: Mode;
  /** Spec id → why a profile skips it (the reason names the profile). */
  profileSkips?: ReadonlyMap<string, string>;
  /** With --rerun-failed: only these ids run; `rerunSource` names the results file. */
  rerun?: { ids: ReadonlySet<string>; source: string };
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

/**
 * The smoke subset of `--mode quick`: every spec tagged `smoke`, and for each area without one, its
 * first QUICK_PER_AREA specs (catalogue order) that are stable MUST core requirements and not slow,
 * serial or disruptive. Defined over the whole catalogue, so --focus cannot change what "quick" is.
 */
export function quickSubset(specs: readonly Spec[]): Set<string> {
  const chosen = new Set(specs.filter((s) => s.tags.includes('smoke')).map((s) => s.id));
  const areasWithSmoke = new Set(specs.filter((s) => chosen.has(s.id)).map((s) => s.area));
  const perArea = new Map<string, number>();
  for (const spec of specs) {
    if (areasWithSmoke.has(spec.area)) continue;
    const light =
      spec.level === 'MUST' &&
      spec.feature === 'core' &&
      spec.stage === 'stable' &&
      !spec.tags.some((tag) => tag === 'slow' || tag === 'serial' || tag === 'disruptive');
    const taken = perArea.get(spec.area) ?? 0;
    if (light && taken < QUICK_PER_AREA) {
      chosen.add(spec.id);
      perArea.set(spec.area, taken + 1);
    }
  }
  return chosen;
}

/** Splits `specs` (in the given order) into those that run and those that do not, with a reason each. */
export function planRun(specs: readonly Spec[], options: PlanOptions): Plan {
  const mode = options.mode ?? 'default';
  const quick = mode === 'quick' ? quickSubset(specs) : undefined;
  const plan: Plan = { selected: [], excluded: [] };
  for (const spec of specs) {
    let reason: string | undefined;
    if (options.rerun && !options.rerun.ids.has(spec.id)) {
      reason = `did not fail in ${options.rerun.source} (--rerun-failed)`;
    } else if (options.focus && !matches(options.focus, spec)) {
      reason = `not selected: neither its id nor its area matches --focus ${options.focus.source}`;
    } else if (options.skip && matches(options.skip, spec)) {
      reason = `left out: its id or area matches --skip ${options.skip.source}`;
    } else if (options.profileSkips?.has(spec.id)) {
      reason = options.profileSkips.get(spec.id)!;
    } else if (spec.feature !== 'core' && options.features !== 'all' && !options.features.has(spec.feature)) {
      reason = `${UNDECLARED_FEATURE}${spec.feature}`;
    } else if (quick && !quick.has(spec.id)) {
      reason = 'not in the smoke subset of --mode quick';
    } else if (mode !== 'certify' && spec.tags.includes('disruptive')) {
      reason = 'tagged disruptive: runs only with --mode certify';
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
export function formatPlan(plan: Plan, target: string, mode: Mode = 'default'): string[] {
  const width = Math.max(
    0,
    ...[...plan.selected, ...plan.excluded.map((e) => e.spec)].map((s) => s.id.length),
  );
  const row = (s: Spec) =>
    `${s.id.padEnd(width)}  ${s.area}  ${s.level.padEnd(6)}  ${s.feature}${s.stage === 'stable' ? '' : `  (${s.stage})`}`;
  const how = mode === 'default' ? '' : ` (--mode ${mode})`;
  const lines = [`would run ${plan.selected.length} spec(s) against ${target}${how}:`];
  for (const spec of plan.selected) lines.push(`  ${row(spec)}`);
  if (plan.excluded.length > 0) {
    lines.push(`would not run ${plan.excluded.length} spec(s):`);
    for (const { spec, reason } of plan.excluded) lines.push(`  ${row(spec)}  (${reason})`);
  }
  return lines;
}
