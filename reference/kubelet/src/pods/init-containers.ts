// Which init container runs next, as upstream's findNextInitContainerToRun: init containers run one
// at a time in order, each to a successful exit, before any app container starts. Pure.

export interface InitInstance {
  state: 'created' | 'running' | 'exited' | 'other';
  exitCode: number;
}

export type InitStep =
  /** Every init container succeeded (or an app container already runs): start the app containers. */
  | { kind: 'done' }
  /** One is in progress (created or running): wait for it. */
  | { kind: 'wait'; name: string }
  /** Start this one (it never ran in this sandbox). */
  | { kind: 'start'; name: string }
  /** This one failed (last failed in order): restart it per the policy, or fail the pod. */
  | { kind: 'failed'; name: string; exitCode: number };

/**
 * `newest(name)`: the newest instance of each init container in the pod's current sandbox.
 * `appStarted`: some app container already has an instance (the pod initialised before; upstream
 * never re-runs init containers then, even when their containers were removed).
 */
export function nextInitStep(
  initNames: readonly string[],
  newest: (name: string) => InitInstance | undefined,
  appStarted: boolean,
): InitStep {
  if (initNames.length === 0 || appStarted) return { kind: 'done' };
  for (let i = initNames.length - 1; i >= 0; i--) {
    const name = initNames[i]!;
    const c = newest(name);
    if (c && ((c.state === 'exited' && c.exitCode !== 0) || c.state === 'other')) {
      return { kind: 'failed', name, exitCode: c.exitCode };
    }
  }
  for (let i = initNames.length - 1; i >= 0; i--) {
    const name = initNames[i]!;
    const c = newest(name);
    if (!c) continue;
    if (c.state === 'running' || c.state === 'created') return { kind: 'wait', name };
    if (c.state === 'exited') {
      return i === initNames.length - 1 ? { kind: 'done' } : { kind: 'start', name: initNames[i + 1]! };
    }
  }
  return { kind: 'start', name: initNames[0]! };
}
