// One pod's sync, level-triggered: compare what the pod asks for with what runs, make one step
// toward it (sandbox; init containers one at a time in order; app containers; kills for failed
// liveness/startup probes; restarts with back-off), and report the status. A pod that finished
// (Succeeded or Failed, or past its activeDeadlineSeconds) is finished for good, as upstream's
// SyncTerminatingPod/SyncTerminatedPod do it: what still runs is killed, the sandbox torn down
// (its IP released), the volumes unmounted; the exited containers stay for their logs and the
// status keeps the IP. Deletion: every container is killed (Killing event, preStop hook, SIGTERM,
// SIGKILL after the grace period), the sandbox torn down, then the deletion confirmed with grace 0.
// Every step is idempotent; a failed one is retried by the next sync. Status is
// pod-status.ts/status-reporter.ts; termination is pod-terminator.ts.
import type { CoreV1Api, V1Container, V1Pod, V1PodStatus } from '@kubernetes/client-node';
import type { Logger } from '../../../../common/src/log.ts';
import { EventReason, formatPod, type ContainerEvents } from '../events.ts';
import type { PodSandboxManager, PodSandbox } from '../network/pod-sandbox.ts';
import type { ProbeResults } from '../probes/probe-manager.ts';
import {
  LABEL_CONTAINER_NAME,
  LABEL_POD_UID,
  POD_INFRA_CONTAINER_NAME,
  type ContainerRuntime,
  type ContainerSummary,
} from '../runtime/container-runtime.ts';
import type { Backoff } from './backoff.ts';
import { ContainerConfigError } from './env.ts';
import type { PodSetup, SpecResult } from './pod-setup.ts';
import { ContainerRunner } from './container-runner.ts';
import {
  computeInitActions,
  isRestartable,
  nextInitStep,
  type InitContainerView,
  type InitInstance,
} from './init-containers.ts';
import { HookRunner } from './lifecycle-hooks.ts';
import { isTerminalPhase, type ObservedContainer, type PodEviction } from './pod-status.ts';
import { DEADLINE_EXCEEDED, msToActiveDeadline } from './active-deadline.ts';
import { PodStatusReporter, restartsOf, newestFirst } from './status-reporter.ts';
import { PodTerminator, podGrace } from './pod-terminator.ts';

export const LABEL_SANDBOX = 'io.kconform.sandbox';

/** The probe manager as the syncer uses it: results in, status out, workers gone with the pod. */
export interface PodProbes extends ProbeResults {
  update(pod: V1Pod, status: V1PodStatus): void;
  removePod(uid: string): void;
}

/** Who wants to know what a sync did (the kubelet's metrics). */
export interface SyncObserver {
  /** The phase the sync computed for the pod. */
  podPhase(uid: string, phase: string): void;
  /** A container was started (`ok`) or failed to start. */
  containerStarted(init: boolean, ok: boolean): void;
}

export interface PodSyncerOptions {
  runtime: ContainerRuntime;
  sandboxes: PodSandboxManager;
  core: CoreV1Api;
  backoff: Backoff;
  hostIp: string;
  /** Volumes, /etc files and environments of the pods' containers. */
  setup: PodSetup;
  log: Logger;
  events: ContainerEvents;
  probes: PodProbes;
  observer?: SyncObserver;
  /** Asks for another sync of the pod in `ms` (when its active deadline comes). */
  syncAgainIn?: (uid: string, ms: number) => void;
  now?: () => Date;
}

/** What one sync knows about the pod, handed to its steps. */
interface SyncStep {
  pod: V1Pod;
  sandbox: PodSandbox;
  /** The init containers' instances in the current sandbox, by name. */
  initState: ReadonlyMap<string, InitInstance>;
  inCurrentSandbox: (name: string) => ContainerSummary | undefined;
  /** A container's instances, newest first. */
  instances: (name: string) => ContainerSummary[];
  spec: (container: V1Container, restartCount: number) => SpecResult;
  /** Filled in by the steps: what a container waits on when it could not start. */
  initWaiting: Map<string, ObservedContainer['waiting']>;
}

function shouldRestart(policy: string, exitCode: number): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

export class PodSyncer {
  private readonly runner: ContainerRunner;
  private readonly status: PodStatusReporter;
  private readonly terminator: PodTerminator;
  /**
   * Pods this kubelet finished, with the IP their sandbox had and why they were failed, if they
   * were: a finished pod never runs again, even when a sync sees an older copy of it whose phase
   * is not terminal yet.
   */
  private readonly finished = new Map<string, { ip?: string; eviction?: PodEviction; released?: boolean }>();

  constructor(private readonly o: PodSyncerOptions) {
    this.status = new PodStatusReporter({
      runtime: o.runtime,
      core: o.core,
      probes: o.probes,
      hostIp: o.hostIp,
      ...(o.observer ? { observer: o.observer } : {}),
      now: () => this.now(),
    });
    this.runner = new ContainerRunner({
      runtime: o.runtime,
      events: o.events,
      hooks: new HookRunner(o.runtime, o.log),
      log: o.log,
    });
    this.terminator = new PodTerminator({ ...o, runner: this.runner, now: () => this.now() });
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  /** Brings a running (not deleted) pod one step closer to its spec and reports its status. */
  async sync(pod: V1Pod): Promise<void> {
    const uid = pod.metadata!.uid!;
    if (this.finished.has(uid) || isTerminalPhase(pod.status?.phase)) {
      await this.syncFinished(pod);
      return;
    }
    const untilDeadline = msToActiveDeadline(pod, this.now());
    if (untilDeadline !== undefined && untilDeadline <= 0) {
      const { reason, message } = DEADLINE_EXCEEDED;
      this.o.events.record(pod, undefined, 'Normal', reason, message);
      await this.syncFinished(pod, DEADLINE_EXCEEDED);
      return;
    }
    if (untilDeadline !== undefined) this.o.syncAgainIn?.(uid, untilDeadline);
    const ref = { uid, name: pod.metadata!.name!, namespace: pod.metadata!.namespace! };
    // Volumes first (upstream waits for them before making the sandbox); not ready: wait.
    const volumes = await this.o.setup.volumes(pod);
    if (!volumes) {
      await this.reportWaitingForVolumes(pod);
      return;
    }
    const sandbox = await this.o.sandboxes.ensure(ref, this.o.setup.hostname(pod), {
      hostNetwork: pod.spec?.hostNetwork === true,
    });
    const prepared = await this.o.setup.prepare(pod, sandbox, volumes);
    const existing = await this.o.runtime.list({ [LABEL_POD_UID]: uid });
    const instances = (name: string): ContainerSummary[] =>
      existing.filter((c) => c.labels[LABEL_CONTAINER_NAME] === name).sort(newestFirst);
    const spec = (container: V1Container, restartCount: number): SpecResult => {
      const built = this.o.setup.spec(prepared, container, restartCount);
      if (built instanceof ContainerConfigError) return built;
      return { ...built, labels: { ...built.labels, [LABEL_SANDBOX]: sandbox.pauseId } };
    };

    for (const c of [...existing]) {
      if (c.labels[LABEL_CONTAINER_NAME] === POD_INFRA_CONTAINER_NAME) continue;
      if (c.labels[LABEL_SANDBOX] === sandbox.pauseId) continue;
      if (c.state === 'running') {
        // A container of an older sandbox lost its network with it: stop it (it will be replaced).
        await this.o.runtime.stop(c.id, 0);
        c.state = 'exited';
      } else if (c.state === 'created') {
        // One created for an older sandbox but never started (e.g. dockerd stopped in between)
        // can never start: its namespaces are gone. It never ran, so it is no instance: remove it.
        await this.o.runtime.remove(c.id);
        existing.splice(existing.indexOf(c), 1);
      }
    }
    const inCurrentSandbox = (name: string): ContainerSummary | undefined =>
      instances(name).find((c) => c.labels[LABEL_SANDBOX] === sandbox.pauseId);

    // Init containers: one at a time, in order, each to a successful exit.
    const inits = pod.spec?.initContainers ?? [];
    const initState = new Map<string, InitInstance>();
    for (const init of inits) {
      const newest = inCurrentSandbox(init.name);
      if (!newest) continue;
      const status = await this.o.runtime.inspect(newest.id);
      const state = status?.state ?? newest.state;
      initState.set(init.name, {
        state: state === 'running' || state === 'created' || state === 'exited' ? state : 'other',
        exitCode: status?.exitCode ?? 0,
      });
    }
    const sync: SyncStep = {
      pod,
      sandbox,
      initState,
      inCurrentSandbox,
      instances,
      spec,
      initWaiting: new Map(),
    };
    if (inits.some(isRestartable)) {
      // Sidecars (restartable init containers): upstream's computeInitContainerActions.
      await this.syncWithSidecars(sync);
    } else {
      await this.syncInitThenApps(sync);
    }

    const { apps, inits: initObserved } = await this.observeAll(pod, sync.initWaiting);
    await this.removeOldContainers(uid);
    const status = await this.status.report(pod, sandbox, apps, initObserved);
    if (isTerminalPhase(status.phase)) {
      this.remember(pod, sandbox.ip);
      await this.finish(pod);
    }
  }

  /**
   * A finished pod's sync: fails it first when `eviction` says so (its status shows Failed while
   * its containers are killed), then finishes it and reports the status of its exited containers,
   * keeping its IP and its terminal phase.
   */
  private async syncFinished(pod: V1Pod, eviction?: PodEviction): Promise<void> {
    const uid = pod.metadata!.uid!;
    if (!this.finished.has(uid)) {
      const sandbox = await this.o.sandboxes.find(uid);
      if (eviction) {
        const { apps, inits } = await this.observeAll(pod);
        await this.status.report(pod, sandbox, apps, inits, { eviction });
      }
      this.remember(pod, sandbox?.ip ?? pod.status?.podIP, eviction);
    }
    await this.finish(pod);
    const { apps, inits } = await this.observeAll(pod);
    const { ip, eviction: why } = this.finished.get(uid) ?? {};
    await this.status.report(pod, undefined, apps, inits, {
      ...(why ? { eviction: why } : {}),
      ...(ip ? { keptIp: ip } : {}),
    });
  }

  /** Records that the pod finished, with the IP it had and why it was failed, if it was. */
  private remember(pod: V1Pod, ip: string | undefined, eviction?: PodEviction): void {
    const uid = pod.metadata!.uid!;
    if (this.finished.has(uid)) return;
    this.finished.set(uid, { ...(ip ? { ip } : {}), ...(eviction ? { eviction } : {}) });
    this.o.log.info('pod finished; releasing its sandbox and volumes', {
      pod: `${pod.metadata!.namespace}/${pod.metadata!.name}`,
      ...(eviction ? { reason: eviction.reason } : {}),
    });
  }

  /**
   * upstream's SyncTerminatingPod and SyncTerminatedPod for a pod that finished: kills what still
   * runs (within the pod's grace period), stops its probes, tears its sandbox down (CNI DEL releases
   * the IP) and its volumes (emptyDirs go). Exited containers stay until the pod is deleted, for
   * `kubectl logs`. Runs until it has succeeded once: a failed step is retried by the next sync.
   */
  private async finish(pod: V1Pod): Promise<void> {
    const uid = pod.metadata!.uid!;
    const record = this.finished.get(uid);
    if (record?.released) return; // done once: later syncs only report
    this.o.probes.removePod(uid);
    await this.terminator.killContainers(pod, podGrace(pod));
    await this.o.sandboxes.tearDown(uid);
    await this.o.setup.tearDown(uid);
    this.o.backoff.forgetPod(uid);
    if (record) record.released = true;
  }

  /** What runs for each of the pod's containers; `waiting`: what a container waits on, by name. */
  private async observeAll(
    pod: V1Pod,
    waiting: ReadonlyMap<string, ObservedContainer['waiting']> = new Map(),
  ): Promise<{ apps: ObservedContainer[]; inits: ObservedContainer[] }> {
    const uid = pod.metadata!.uid!;
    const inits: ObservedContainer[] = [];
    for (const c of pod.spec?.initContainers ?? []) {
      inits.push(await this.status.observe(c, uid, waiting.get(c.name), true));
    }
    const apps: ObservedContainer[] = [];
    for (const c of pod.spec?.containers ?? []) {
      apps.push(await this.status.observe(c, uid, waiting.get(c.name), false));
    }
    return { apps, inits };
  }

  /** Regular init containers only: one at a time to a successful exit, then the app containers. */
  private async syncInitThenApps(sync: SyncStep): Promise<void> {
    const { pod, initState, inCurrentSandbox, instances, spec, sandbox, initWaiting } = sync;
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const inits = pod.spec?.initContainers ?? [];
    const appStarted = (pod.spec?.containers ?? []).some((c) => inCurrentSandbox(c.name) !== undefined);
    const step = nextInitStep(
      inits.map((c) => c.name),
      (name) => initState.get(name),
      appStarted,
    );
    if (step.kind !== 'done') {
      const init = inits.find((c) => c.name === step.name)!;
      const newest = instances(init.name)[0];
      if (step.kind === 'start') {
        const restartCount = newest ? restartsOf(newest) + 1 : 0;
        initWaiting.set(init.name, await this.startOne(pod, init, true, spec(init, restartCount), sandbox));
      } else if (step.kind === 'wait' && initState.get(init.name)?.state === 'created') {
        await this.o.runtime.start(inCurrentSandbox(init.name)!.id);
      } else if (step.kind === 'failed' && policy !== 'Never' && newest) {
        // A failed init container is retried (with back-off) unless the pod never restarts.
        initWaiting.set(init.name, await this.restart(pod, init, true, newest, spec, sandbox));
      }
    } else {
      for (const container of pod.spec?.containers ?? []) {
        initWaiting.set(
          container.name,
          await this.syncAppContainer(pod, container, instances, spec, sandbox),
        );
      }
    }
  }

  /**
   * A pod with restartable init containers (sidecars, KEP-753): upstream's
   * computeInitContainerActions decides which init containers to (re)start and which sidecars to
   * kill for a failed startup or liveness probe; the app containers run once the pod is
   * initialised. Sidecars restart whatever the pod's restartPolicy, with back-off, and never keep a
   * pod from completing: once every app container has exited for good they are stopped, last first.
   */
  private async syncWithSidecars(sync: SyncStep): Promise<void> {
    const { pod, initState, inCurrentSandbox, instances, spec, sandbox, initWaiting } = sync;
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const inits = pod.spec?.initContainers ?? [];
    const apps = pod.spec?.containers ?? [];
    if (await this.appsFinished(pod, inCurrentSandbox)) {
      // upstream's KillPod for a completed pod: the sidecars stop too, and nothing restarts.
      await this.terminator.stopSidecars(pod, podGrace(pod));
      return;
    }
    const views: InitContainerView[] = inits.map((c) => {
      const current = inCurrentSandbox(c.name);
      const state = initState.get(c.name);
      const view: InitContainerView = { name: c.name, restartable: isRestartable(c) };
      if (current && state) view.instance = { ...state, id: current.id };
      if (current && view.restartable && c.startupProbe) {
        view.startup = { result: this.o.probes.result('startup', current.id) };
      }
      if (current && view.restartable && c.livenessProbe) {
        view.liveness = { result: this.o.probes.result('liveness', current.id) };
      }
      return view;
    });
    const podHasInitialized = apps.some((c) => {
      const state = inCurrentSandbox(c.name)?.state;
      return state === 'running' || state === 'created';
    });
    const actions = computeInitActions(views, podHasInitialized, policy !== 'Never');
    if (actions.podFailed) return; // the phase says Failed; nothing more runs
    for (const kill of actions.kill) {
      const container = inits.find((c) => c.name === kill.name)!;
      const probe = kill.probe && container[`${kill.probe}Probe`];
      await this.runner.kill({
        pod,
        container,
        id: kill.id,
        init: true,
        message: kill.message,
        graceSeconds: probe?.terminationGracePeriodSeconds ?? podGrace(pod),
      });
    }
    for (const name of actions.start) {
      const init = inits.find((c) => c.name === name)!;
      const current = inCurrentSandbox(name);
      const newest = instances(name)[0];
      if (!current) {
        const restartCount = newest ? restartsOf(newest) + 1 : 0;
        initWaiting.set(name, await this.startOne(pod, init, true, spec(init, restartCount), sandbox));
      } else if (current.state === 'created') {
        await this.o.runtime.start(current.id);
      } else {
        // exited, or just killed: a sidecar always restarts, a regular one after a failure
        const killed = actions.kill.some((k) => k.id === current.id);
        initWaiting.set(
          name,
          await this.restart(pod, init, true, current, spec, sandbox, isRestartable(init) || killed),
        );
      }
    }
    if (!actions.initialized) return;
    for (const container of apps) {
      initWaiting.set(container.name, await this.syncAppContainer(pod, container, instances, spec, sandbox));
    }
  }

  /** Every app container of the current sandbox exited and none will restart (policy). */
  private async appsFinished(
    pod: V1Pod,
    inCurrentSandbox: (name: string) => ContainerSummary | undefined,
  ): Promise<boolean> {
    const policy = pod.spec?.restartPolicy ?? 'Always';
    if (policy === 'Always') return false;
    for (const c of pod.spec?.containers ?? []) {
      const current = inCurrentSandbox(c.name);
      if (!current || (current.state !== 'exited' && current.state !== 'dead')) return false;
      const exitCode = (await this.o.runtime.inspect(current.id))?.exitCode ?? 0;
      if (shouldRestart(policy, exitCode)) return false;
    }
    return true;
  }

  /** One app container's step: kill on a failed liveness/startup probe, start, or restart. */
  private async syncAppContainer(
    pod: V1Pod,
    container: V1Container,
    instances: (name: string) => ContainerSummary[],
    spec: (container: V1Container, restartCount: number) => SpecResult,
    sandbox: PodSandbox,
  ): Promise<ObservedContainer['waiting']> {
    const policy = pod.spec?.restartPolicy ?? 'Always';
    let current = instances(container.name)[0];
    if (current?.state === 'running') {
      const failed = this.failedProbe(current.id, container);
      if (failed) {
        const restart = policy !== 'Never';
        const message = `Container ${container.name} failed ${failed.type} probe${restart ? ', will be restarted' : ''}`;
        await this.runner.kill({
          pod,
          container,
          id: current.id,
          message,
          graceSeconds: failed.probe.terminationGracePeriodSeconds ?? podGrace(pod),
        });
        current = { ...current, state: 'exited' };
        if (restart) {
          // upstream starts the replacement in the same sync, whatever the exit code was
          return this.restart(pod, container, false, current, spec, sandbox, true);
        }
      }
      return undefined;
    }
    if (!current) return this.startOne(pod, container, false, spec(container, 0), sandbox);
    if (current.state === 'created') {
      await this.o.runtime.start(current.id);
      return undefined;
    }
    if (current.state === 'exited' || current.state === 'dead') {
      return this.restart(pod, container, false, current, spec, sandbox);
    }
    return undefined;
  }

  /** The liveness or startup probe this running container failed, if any. */
  private failedProbe(
    id: string,
    container: V1Container,
  ): { type: 'liveness' | 'startup'; probe: NonNullable<V1Container['livenessProbe']> } | undefined {
    if (container.livenessProbe && this.o.probes.result('liveness', id) === 'failure') {
      return { type: 'liveness', probe: container.livenessProbe };
    }
    if (container.startupProbe && this.o.probes.result('startup', id) === 'failure') {
      return { type: 'startup', probe: container.startupProbe };
    }
    return undefined;
  }

  /** Starts a new instance; what the container waits on when it could not start. */
  private async startOne(
    pod: V1Pod,
    container: V1Container,
    init: boolean,
    containerSpecToRun: SpecResult,
    sandbox: PodSandbox,
  ): Promise<ObservedContainer['waiting']> {
    if (containerSpecToRun instanceof ContainerConfigError) {
      // upstream: the Failed event "Error: <why>" and the waiting reason CreateContainerConfigError
      const message = containerSpecToRun.message;
      this.o.events.record(
        pod,
        { name: container.name, init },
        'Warning',
        EventReason.Failed,
        `Error: ${message}`,
      );
      return { reason: containerSpecToRun.reason, message };
    }
    if (!(await this.o.runtime.hasImage(container.image!))) {
      const message = `image "${container.image}" is not present on the node, and no registry is reachable to pull it`;
      this.o.events.record(
        pod,
        { name: container.name, init },
        'Warning',
        EventReason.Failed,
        `Failed to pull image "${container.image}": ${message}`,
      );
      return { reason: 'ErrImagePull', message };
    }
    const outcome = await this.runner.start({
      pod,
      container,
      init,
      spec: containerSpecToRun,
      podIp: sandbox.ip,
      graceSeconds: podGrace(pod),
    });
    this.o.observer?.containerStarted(init, outcome.ok);
    this.o.log.info(outcome.ok ? 'container started' : 'container did not start', {
      pod: `${pod.metadata!.namespace}/${pod.metadata!.name}`,
      container: container.name,
      ...(outcome.ok ? {} : { why: outcome.message }),
    });
    return undefined;
  }

  /**
   * An exited container: restart it when the policy says so (init containers only after a
   * failure), once its back-off allows; else report CrashLoopBackOff. `force`: the policy already
   * decided (a container killed for a failed probe).
   */
  private async restart(
    pod: V1Pod,
    container: V1Container,
    init: boolean,
    current: ContainerSummary,
    spec: (container: V1Container, restartCount: number) => SpecResult,
    sandbox: PodSandbox,
    force = false,
  ): Promise<ObservedContainer['waiting']> {
    const uid = pod.metadata!.uid!;
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const exitCode = (await this.o.runtime.inspect(current.id))?.exitCode ?? 0;
    const wanted = force || (init ? exitCode !== 0 && policy !== 'Never' : shouldRestart(policy, exitCode));
    if (!wanted) return undefined;
    const key = `${uid}/${container.name}`;
    if (this.o.backoff.remaining(key, this.now().getTime()) > 0) {
      this.o.events.record(
        pod,
        { name: container.name, init },
        'Warning',
        EventReason.BackOff,
        `Back-off restarting failed container ${container.name} in pod ${formatPod(pod)}`,
      );
      return {
        reason: 'CrashLoopBackOff',
        message: `back-off ${Math.round(this.o.backoff.delay(key) / 1000)}s restarting failed container=${container.name} pod=${pod.metadata!.name}_${pod.metadata!.namespace}(${uid})`,
      };
    }
    this.o.backoff.restarted(key, this.now().getTime());
    return this.startOne(pod, container, init, spec(container, restartsOf(current) + 1), sandbox);
  }

  /** Keeps the newest two instances of each container (for `logs --previous`), removes the rest. */
  private async removeOldContainers(uid: string): Promise<void> {
    const all = await this.o.runtime.list({ [LABEL_POD_UID]: uid });
    const byName = new Map<string, ContainerSummary[]>();
    for (const c of all) {
      const name = c.labels[LABEL_CONTAINER_NAME] ?? '';
      if (name === POD_INFRA_CONTAINER_NAME) continue;
      byName.set(name, [...(byName.get(name) ?? []), c]);
    }
    for (const list of byName.values()) {
      for (const stale of list.sort(newestFirst).slice(2)) await this.o.runtime.remove(stale.id);
    }
  }

  /** The status of a pod whose volumes are not ready: its containers wait (ContainerCreating). */
  private async reportWaitingForVolumes(pod: V1Pod): Promise<void> {
    const { apps, inits } = await this.observeAll(pod);
    await this.status.report(pod, await this.o.sandboxes.find(pod.metadata!.uid!), apps, inits);
  }

  /** Kills, tears down and confirms the deletion of a pod being deleted (see PodTerminator). */
  terminate(pod: V1Pod): Promise<void> {
    return this.terminator.terminate(pod);
  }

  /**
   * Stops and removes every container of a pod and its sandbox and volumes (also for orphans);
   * the pod is gone from the apiserver, and forgotten here.
   */
  async stopPodContainers(uid: string): Promise<void> {
    await this.terminator.stopPodContainers(uid);
    this.finished.delete(uid);
  }
}
