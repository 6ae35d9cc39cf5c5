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

/** upstream's IsRestartableInitContainer: an init container with restartPolicy Always (a sidecar). */
export function isRestartable(container: { restartPolicy?: string }): boolean {
  return container.restartPolicy === 'Always';
}

/** What the sync knows of one init container for computeInitActions. */
export interface InitContainerView {
  name: string;
  restartable: boolean;
  /** Its newest instance in the pod's current sandbox, if any. */
  instance?: InitInstance & { id: string };
  /** Its startup probe's result (undefined: not run yet); absent key: it has no startup probe. */
  startup?: { result: 'success' | 'failure' | 'unknown' | undefined };
  /** Its liveness probe's result, likewise. */
  liveness?: { result: 'success' | 'failure' | 'unknown' | undefined };
}

export interface InitActions {
  /** Init containers to (re)start, in spec order. */
  start: string[];
  /** Running restartable init containers to kill first (each is also in `start`). */
  kill: Array<{ name: string; id: string; message: string; probe?: 'startup' | 'liveness' }>;
  /** Every init container is done (or started, for sidecars): the app containers may run. */
  initialized: boolean;
  /** A regular init container failed and the pod never restarts: the pod has failed. */
  podFailed: boolean;
}

/**
 * upstream's computeInitContainerActions (the SidecarContainers path, GA in 1.33): walks the init
 * containers from the last to find the next one to start, and keeps the restartable ones running
 * (restarted when they exited, or killed and restarted when their startup or liveness probe
 * failed). A restartable init container counts as done once it runs and its startup probe (if
 * any) succeeded. `podHasInitialized`: a regular container of the current sandbox is created or
 * running. Pure.
 */
export function computeInitActions(
  inits: readonly InitContainerView[],
  podHasInitialized: boolean,
  restartOnFailure: boolean,
): InitActions {
  const actions: InitActions = { start: [], kill: [], initialized: podHasInitialized, podFailed: false };
  if (inits.length === 0) return { ...actions, initialized: true };
  const starts: number[] = [];
  let previouslyInitialized = podHasInitialized;
  const last = inits.length - 1;
  for (let i = last; i >= 0; i--) {
    const c = inits[i]!;
    const status = c.instance;
    if (!status) {
      // Ran before but its container is gone: a sidecar must run again; a regular one is done.
      if (previouslyInitialized && c.restartable) starts.push(i);
      continue;
    }
    if (previouslyInitialized && !c.restartable) continue; // after initialisation only sidecars matter
    const restart = (message: string, probe?: 'startup' | 'liveness'): void => {
      actions.kill.push({ name: c.name, id: status.id, message, ...(probe ? { probe } : {}) });
      starts.push(i);
    };
    switch (status.state) {
      case 'created':
        // created but never started (the engine failed to start it): start it
        starts.push(i);
        break;
      case 'running': {
        if (!c.restartable) break; // a regular init container: wait for it to finish
        if (c.startup && c.startup.result !== 'success') {
          if (c.startup.result === 'failure')
            restart(`Init container ${c.name} failed startup probe`, 'startup');
          break; // not started yet: nothing after it may start
        }
        if (i === last) actions.initialized = true;
        else if (!previouslyInitialized) starts.push(i + 1); // started for the first time: the next one
        if (c.liveness?.result === 'failure')
          restart(`Init container ${c.name} failed liveness probe`, 'liveness');
        break;
      }
      case 'exited':
        if (c.restartable) {
          starts.push(i);
        } else if (status.exitCode !== 0) {
          if (!restartOnFailure) return { start: [], kill: [], initialized: false, podFailed: true };
          starts.push(i);
        } else if (i === last) {
          actions.initialized = true;
        } else {
          starts.push(i + 1);
        }
        break;
      default:
        if (!c.restartable && !restartOnFailure) {
          return { start: [], kill: [], initialized: false, podFailed: true };
        }
        restart(`Init container is in "${status.state}" state, try killing it before restart`);
    }
    previouslyInitialized = true;
  }
  if (!previouslyInitialized) starts.push(0);
  actions.start = [...new Set(starts.reverse())].map((i) => inits[i]!.name);
  return actions;
}
