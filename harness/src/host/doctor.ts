// Runs the host checks in order and, when asked, the fixes. Pure of I/O beyond the checks
// themselves: it returns the report lines, the caller prints them.
import { KconformError } from '../../../common/src/errors.ts';
import type { HostCheck } from './checks.ts';

export type CheckStatus = 'ok' | 'fixed' | 'missing' | 'failed-fix';

export interface CheckReport {
  name: string;
  status: CheckStatus;
  detail: string;
  /** Set when the status is not ok/fixed: what a person does about it. */
  remedy?: string;
}

export interface DoctorOutcome {
  ready: boolean;
  reports: CheckReport[];
  /** How many fixes were applied: 0 on a host that was ready (the idempotence promise). */
  changes: number;
}

/**
 * Checks each item; with `fix`, repairs what it can in order, re-checking after each fix.
 * Reports every missing part rather than stopping at the first, unless a fix needs root or
 * Debian and they are absent, which it refuses up front with the reason.
 */
export async function runDoctor(
  checks: HostCheck[],
  options: { fix: boolean; onReport?: (report: CheckReport) => void },
): Promise<DoctorOutcome> {
  const reports: CheckReport[] = [];
  let changes = 0;
  const emit = (report: CheckReport): void => {
    reports.push(report);
    options.onReport?.(report);
  };
  for (const item of checks) {
    const first = await item.check();
    if (first.ok) {
      emit({ name: item.name, status: 'ok', detail: first.detail });
      continue;
    }
    if (options.fix && (item.name === 'root' || item.name === 'debian')) {
      throw new KconformError(
        item.name === 'root' ? 'NOT_ROOT' : 'NOT_DEBIAN',
        { what: 'kconform doctor --fix', uid: process.getuid?.() ?? -1, detail: first.detail },
        { hint: item.remedy },
      );
    }
    if (!options.fix || !item.fix) {
      emit({ name: item.name, status: 'missing', detail: first.detail, remedy: item.remedy });
      continue;
    }
    try {
      const changed = await item.fix();
      changes++;
      const after = await item.check();
      emit(
        after.ok
          ? { name: item.name, status: 'fixed', detail: changed }
          : {
              name: item.name,
              status: 'failed-fix',
              detail: `${changed}, but still: ${after.detail}`,
              remedy: item.remedy,
            },
      );
    } catch (err) {
      emit({ name: item.name, status: 'failed-fix', detail: (err as Error).message, remedy: item.remedy });
    }
  }
  const ready = reports.every((r) => r.status === 'ok' || r.status === 'fixed');
  return { ready, reports, changes };
}

export function formatReport(report: CheckReport): string {
  const label = { ok: 'ok', fixed: 'fixed', missing: 'MISSING', 'failed-fix': 'FAILED' }[report.status];
  const line = `${label.padEnd(8)} ${report.name.padEnd(15)} ${report.detail}`;
  return report.remedy ? `${line}\n${' '.repeat(24)}-> ${report.remedy}` : line;
}
