// One pod's sync, level-triggered: compare what the pod asks for with what runs, make one step
// toward it (sandbox; init containers one at a time in order; app containers; kills for failed
// liveness/startup probes; restarts with back-off), and report the status. Termination: every
// container is killed (Killing event, preStop hook, SIGTERM, SIGKILL after the grace period), the
// sandbox torn down, then the deletion confirmed with grace 0. Every step is idempotent; a failed
// one is retried by the next sync.
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
import { LABEL_RESTART_COUNT } from './container-spec.ts';
import { ContainerConfigError } from './env.ts';
import type { PodSetup, SpecResult } from './pod-setup.ts';
import { ContainerRunner } from './container-runner.ts';
import { nextInitStep, type InitInstance } from './init-containers.ts';
import { HookRunner } from './lifecycle-hooks.ts';
import { podStatus, type ObservedContainer } from './pod-status.ts';

export const LABEL_SANDBOX = 'io.kconform.sandbox';

/** The probe manager as the syncer uses it: results in, status out, workers gone with the pod. */
export interface PodProbes extends ProbeResults {
  update(pod: V1Pod, status: V1PodStatus): void;
  removePod(uid: string): void;
}

export interface PodSyncerOptions {
  runtime: ContainerRuntime;
  sandboxes: PodSandboxManager;
  core: CoreV1Api;
  backoff: Backoff;
  nodeName: string;
  hostIp: string;
  /** Volumes, /etc files and environments of the pods' containers. */
  setup: PodSetup;
  log: Logger;
  events: ContainerEvents;
  probes: PodProbes;
  now?: () => Date;
}

const code = (err: unknown): number | undefined => (err as { code?: number }).code;
const restartsOf = (c: ContainerSummary): number => Number(c.labels[LABEL_RESTART_COUNT] ?? 0);
const newestFirst = (a: ContainerSummary, b: ContainerSummary): number => restartsOf(b) - restartsOf(a);

function shouldRestart(policy: string, exitCode: number): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

/** The pod's terminationGracePeriodSeconds (upstream's default 30). */
const podGrace = (pod: V1Pod): number => pod.spec?.terminationGracePeriodSeconds ?? 30;

export class PodSyncer {
  private readonly runner: ContainerRunner;

  constructor(private readonly o: PodSyncerOptions) {
    this.runner = new ContainerRunner({
      runtime: o.runtime,
      events: o.events,
      hooks: new HookRunner(o.runtime, o.log),
      log: o.log,
    });
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  /** Brings a running (not deleted) pod one step closer to its spec and reports its status. */
  async sync(pod: V1Pod): Promise<void> {
    const uid = pod.metadata!.uid!;
    const ref = { uid, name: pod.metadata!.name!, namespace: pod.metadata!.namespace! };
    // Volumes first (upstream waits for them before making the sandbox); not ready: wait.
    const volumes = await this.o.setup.volumes(pod);
    if (!volumes) {
      await this.reportWaitingForVolumes(pod);
      return;
    }
    const sandbox = await this.o.sandboxes.ensure(ref, this.o.setup.hostname(pod));
    const prepared = await this.o.setup.prepare(pod, sandbox, volumes);
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const existing = await this.o.runtime.list({ [LABEL_POD_UID]: uid });
    const instances = (name: string): ContainerSummary[] =>
      existing.filter((c) => c.labels[LABEL_CONTAINER_NAME] === name).sort(newestFirst);
    const spec = (container: V1Container, restartCount: number): SpecResult => {
      const built = this.o.setup.spec(prepared, container, restartCount);
      if (built instanceof ContainerConfigError) return built;
      return { ...built, labels: { ...built.labels, [LABEL_SANDBOX]: sandbox.pauseId } };
    };

    // A container of an older sandbox lost its network with it: stop it (it will be replaced).
    for (const c of [...existing]) {
      const name = c.labels[LABEL_CONTAINER_NAME];
      if (
        name !== POD_INFRA_CONTAINER_NAME &&
        c.labels[LABEL_SANDBOX] !== sandbox.pauseId &&
        c.state === 'running'
      ) {
        await this.o.runtime.stop(c.id, 0);
        c.state = 'exited';
      }
      // One created for an older sandbox but never started (e.g. dockerd stopped in between) can
      // never start: its namespaces are gone. It never ran, so it is no instance: remove it.
      if (
        name !== POD_INFRA_CONTAINER_NAME &&
        c.labels[LABEL_SANDBOX] !== sandbox.pauseId &&
        c.state === 'created'
      ) {
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
    const appStarted = (pod.spec?.containers ?? []).some((c) => inCurrentSandbox(c.name) !== undefined);
    const step = nextInitStep(
      inits.map((c) => c.name),
      (name) => initState.get(name),
      appStarted,
    );
    const initWaiting = new Map<string, ObservedContainer['waiting']>();
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

    const initObserved: ObservedContainer[] = [];
    for (const init of inits) {
      initObserved.push(await this.observe(init, uid, initWaiting.get(init.name), true));
    }
    const observed: ObservedContainer[] = [];
    for (const container of pod.spec?.containers ?? []) {
      observed.push(await this.observe(container, uid, initWaiting.get(container.name), false));
    }
    await this.removeOldContainers(uid);
    await this.report(pod, sandbox, observed, initObserved);
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

  /** What runs for one container now: its newest instance and the one before. */
  private async observe(
    container: V1Container,
    uid: string,
    waiting: ObservedContainer['waiting'],
    init: boolean,
  ): Promise<ObservedContainer> {
    const name = container.name;
    const mine = (await this.o.runtime.list({ [LABEL_POD_UID]: uid, [LABEL_CONTAINER_NAME]: name })).sort(
      newestFirst,
    );
    const [newest, older] = await Promise.all(mine.slice(0, 2).map((c) => this.o.runtime.inspect(c.id)));
    const observed: ObservedContainer = {
      name,
      image: container.image!,
      ready: false,
      ...(waiting ? { waiting } : {}),
    };
    if (newest) {
      observed.current = {
        id: newest.id,
        state:
          newest.state === 'running' || newest.state === 'created' || newest.state === 'exited'
            ? newest.state
            : 'other',
        exitCode: newest.exitCode,
        oomKilled: newest.oomKilled,
        ...(newest.startedAt ? { startedAt: newest.startedAt } : {}),
        ...(newest.finishedAt ? { finishedAt: newest.finishedAt } : {}),
        restartCount: restartsOf(mine[0]!),
      };
      const running = newest.state === 'running' && !waiting;
      if (running && !init) {
        // started: past the startup probe; ready: started and past the readiness probe.
        const started = !container.startupProbe || this.o.probes.result('startup', newest.id) === 'success';
        const readiness = this.o.probes.result('readiness', newest.id);
        observed.started = started;
        observed.ready = started && (!container.readinessProbe || readiness === 'success');
        if (started && container.readinessProbe && readiness === undefined) {
          this.o.probes.trigger(uid, name, 'readiness');
        }
      } else {
        observed.ready = running;
      }
      if (newest.state === 'created' && !waiting) observed.waiting = { reason: 'ContainerCreating' };
    }
    if (older) {
      observed.previous = {
        id: older.id,
        exitCode: older.exitCode,
        oomKilled: older.oomKilled,
        ...(older.startedAt ? { startedAt: older.startedAt } : {}),
        ...(older.finishedAt ? { finishedAt: older.finishedAt } : {}),
      };
    }
    return observed;
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
    const uid = pod.metadata!.uid!;
    const inits: ObservedContainer[] = [];
    for (const c of pod.spec?.initContainers ?? []) inits.push(await this.observe(c, uid, undefined, true));
    const apps: ObservedContainer[] = [];
    for (const c of pod.spec?.containers ?? []) apps.push(await this.observe(c, uid, undefined, false));
    await this.report(pod, await this.o.sandboxes.find(uid), apps, inits);
  }

  /** Writes the status when it differs from what the apiserver has. */
  private async report(
    pod: V1Pod,
    sandbox: PodSandbox | undefined,
    containers: ObservedContainer[],
    initContainers: ObservedContainer[],
  ): Promise<void> {
    const status = podStatus({
      pod,
      ...(sandbox ? { podIp: sandbox.ip } : {}),
      hostIp: this.o.hostIp,
      containers,
      initContainers,
      now: this.now(),
    });
    // The probe workers read the status the kubelet computed (upstream's status manager).
    this.o.probes.update(pod, status);
    if (JSON.stringify(comparable(status)) === JSON.stringify(comparable(pod.status ?? {}))) return;
    try {
      await this.o.core.replaceNamespacedPodStatus({
        name: pod.metadata!.name!,
        namespace: pod.metadata!.namespace!,
        // Only the status goes (the status subresource keeps the rest): pods from the watch are
        // plain JSON whose times are strings, which the typed client would not serialise.
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: pod.metadata!.name!,
            namespace: pod.metadata!.namespace!,
            uid: pod.metadata!.uid!,
            resourceVersion: pod.metadata!.resourceVersion!,
          },
          status,
        },
      });
    } catch (err) {
      // A newer pod version arrived meanwhile: the informer brings it, and the next sync reports.
      if (code(err) !== 409 && code(err) !== 404) throw err;
    }
  }

  /**
   * Kills the pod's containers within its grace period (Killing event, preStop hook, SIGTERM,
   * SIGKILL), tears the sandbox down, removes its containers and volumes, and confirms the
   * deletion with grace 0 (guarded by the pod's uid). Idempotent.
   */
  async terminate(pod: V1Pod): Promise<void> {
    const uid = pod.metadata!.uid!;
    const grace = Math.max(0, pod.metadata?.deletionGracePeriodSeconds ?? podGrace(pod));
    const running = (await this.o.runtime.list({ [LABEL_POD_UID]: uid })).filter(
      (c) => c.state === 'running' && c.labels[LABEL_CONTAINER_NAME] !== POD_INFRA_CONTAINER_NAME,
    );
    // Liveness and startup probes stop with the deletion; the containers are killed in parallel.
    this.o.probes.update(pod, pod.status ?? {});
    await Promise.all(
      running.map((c) => {
        const name = c.labels[LABEL_CONTAINER_NAME] ?? '';
        const container = pod.spec?.containers.find((s) => s.name === name);
        const init = !container && (pod.spec?.initContainers ?? []).some((s) => s.name === name);
        return this.runner.kill({ pod, container, id: c.id, name, init, graceSeconds: grace });
      }),
    );
    await this.stopPodContainers(uid, 0);
    this.o.backoff.forgetPod(uid);
    try {
      await this.o.core.deleteNamespacedPod({
        name: pod.metadata!.name!,
        namespace: pod.metadata!.namespace!,
        gracePeriodSeconds: 0,
        body: { gracePeriodSeconds: 0, preconditions: { uid } },
      });
      this.o.log.info('pod deleted', { pod: `${pod.metadata!.namespace}/${pod.metadata!.name}` });
    } catch (err) {
      if (code(err) !== 404 && code(err) !== 409) throw err;
    }
  }

  /** Stops and removes every container of a pod and its sandbox and volumes (also for orphans). */
  async stopPodContainers(uid: string, graceSeconds: number): Promise<void> {
    this.o.probes.removePod(uid);
    const apps = (await this.o.runtime.list({ [LABEL_POD_UID]: uid })).filter(
      (c) => c.labels[LABEL_CONTAINER_NAME] !== POD_INFRA_CONTAINER_NAME,
    );
    await Promise.all(apps.map((c) => this.o.runtime.stop(c.id, graceSeconds)));
    await this.o.sandboxes.tearDown(uid);
    for (const c of apps) await this.o.runtime.remove(c.id);
    await this.o.setup.tearDown(uid);
  }
}

/**
 * A status in a form that compares equal whatever the key order or null-vs-absent: the client
 * decodes objects with its own key order, and a status written needlessly would come back as a
 * watch event and another sync.
 */
export function comparable(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined && v !== null) out[key] = comparable(v);
    }
    return out;
  }
  return value;
}
