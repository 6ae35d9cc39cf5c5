// How the selected specs are spread over mocha processes. Serially: one process runs every file.
// With --parallel N: each file whose selected specs may share the cluster is a job of its own, and
// N workers take jobs from a queue, the longest first, so the file that bounds the run (the probes'
// 4-minute observation windows) starts at once instead of last. Specs tagged `serial` or
// `disruptive` must never run beside another test: they form one last job that runs alone after
// the parallel phase, with the rest of their file's specs left in the parallel phase. Pure.
import type { Spec } from '../../../conformance/lib/specs.ts';
import type { SuiteFile } from './suite-index.ts';

/** One mocha process: its files, and the specs its --grep selects. */
export interface Job {
  files: string[];
  specs: Spec[];
  /** Tests the job will run, counted from the sources. */
  tests: number;
  /** What the job is expected to take, for ordering only (milliseconds). */
  estimateMs: number;
}

export interface Schedule {
  /** Jobs the workers share, longest first; with one worker, a single job of every file. */
  parallel: Job[];
  /** Runs alone after the parallel phase ends; undefined when no selected spec needs to. */
  alone: Job | undefined;
  /** Tests in all jobs. */
  tests: number;
}

/** Spec id → how long its tests took in an earlier run (ms); used before any guess. */
export type KnownDurations = ReadonlyMap<string, number>;

/** Specs that may not run beside any other test. */
export const runsAlone = (spec: Spec): boolean =>
  spec.tags.includes('serial') || spec.tags.includes('disruptive');

/**
 * What a spec is expected to take when no earlier run says: a `slow` spec waits out windows close
 * to its limit, so its whole timeout; any other a tenth of its timeout (a conformant cluster
 * usually answers well within the limit). Only the order of jobs depends on it.
 */
export function guessDurationMs(spec: Spec, known?: KnownDurations): number {
  const measured = known?.get(spec.id);
  if (measured !== undefined) return measured;
  return spec.tags.includes('slow') ? spec.timeout : spec.timeout / 10;
}

function job(files: string[], specs: Spec[], tests: number, known?: KnownDurations): Job {
  return { files, specs, tests, estimateMs: specs.reduce((sum, s) => sum + guessDurationMs(s, known), 0) };
}

/**
 * Plans the processes for `selected` over the suite's files. A file that cites no selected spec is
 * left out; a file that cites no spec at all (which the traceability check forbids) is kept in the
 * parallel phase so that nothing is silently dropped.
 */
export function scheduleSuite(
  suite: readonly SuiteFile[],
  selected: readonly Spec[],
  parallel: number,
  known?: KnownDurations,
): Schedule {
  const byId = new Map(selected.map((s) => [s.id, s]));
  const countFor = (file: SuiteFile, keep: (spec: Spec) => boolean) =>
    file.citations.filter((id) => byId.has(id) && keep(byId.get(id)!)).length;
  const specsFor = (file: SuiteFile, keep: (spec: Spec) => boolean) =>
    [...new Set(file.citations)].flatMap((id) =>
      byId.has(id) && keep(byId.get(id)!) ? [byId.get(id)!] : [],
    );
  const any = () => true;

  if (parallel <= 1) {
    const files = suite.filter((f) => f.citations.length === 0 || countFor(f, any) > 0);
    const tests = files.reduce((sum, f) => sum + countFor(f, any), 0);
    return {
      parallel:
        files.length > 0
          ? [
              job(
                files.map((f) => f.file),
                [...selected],
                tests,
                known,
              ),
            ]
          : [],
      alone: undefined,
      tests,
    };
  }

  const shared = (spec: Spec) => !runsAlone(spec);
  const parallelJobs = suite
    .filter((f) => f.citations.length === 0 || countFor(f, shared) > 0)
    .map((f) =>
      f.citations.length === 0
        ? job([f.file], selected.filter(shared), 0, known)
        : job([f.file], specsFor(f, shared), countFor(f, shared), known),
    )
    .filter((j) => j.specs.length > 0)
    .sort((a, b) => b.estimateMs - a.estimateMs || a.files[0]!.localeCompare(b.files[0]!));

  // Alone: files with only `serial` specs first, then those with `disruptive` ones, which may
  // leave the cluster disturbed for whatever follows them.
  const disruptive = (f: SuiteFile) => specsFor(f, (s) => s.tags.includes('disruptive')).length > 0;
  const aloneFiles = suite
    .filter((f) => countFor(f, runsAlone) > 0)
    .sort((a, b) => Number(disruptive(a)) - Number(disruptive(b)));
  const alone =
    aloneFiles.length > 0
      ? job(
          aloneFiles.map((f) => f.file),
          aloneFiles.flatMap((f) => specsFor(f, runsAlone)),
          aloneFiles.reduce((sum, f) => sum + countFor(f, runsAlone), 0),
          known,
        )
      : undefined;
  return {
    parallel: parallelJobs,
    alone,
    tests: parallelJobs.reduce((sum, j) => sum + j.tests, 0) + (alone?.tests ?? 0),
  };
}
