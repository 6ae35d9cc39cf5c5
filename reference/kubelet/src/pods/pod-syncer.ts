// One pod's sync, level-triggered: compare what the pod asks for with what runs, make one step
// toward it (sandbox, containers, restarts with back-off), and report the status. Termination:
// stop the containers within the grace period, tear the sandbox down, then confirm the deletion
// with grace 0. Every step is idempotent; a failed one is retried by the next sync.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../../../common/src/log.ts';
import type { PodSandboxManager, PodSandbox } from '../network/pod-sandbox.ts';
import {
  LABEL_CONTAINER_NAME,
  LABEL_POD_UID,
  POD_INFRA_CONTAINER_NAME,
  type ContainerRuntime,
  type ContainerSummary,
} from '../runtime/container-runtime.ts';
import type { Backoff } from './backoff.ts';
import { containerSpec, LABEL_RESTART_COUNT } from './container-spec.ts';
import { podStatus, type ObservedContainer } from './pod-status.ts';

export const LABEL_SANDBOX = 'io.kconform.sandbox';

export interface PodSyncerOptions {
  runtime: ContainerRuntime;
  sandboxes: PodSandboxManager;
  core: CoreV1Api;
  backoff: Backoff;
  nodeName: string;
  hostIp: string;
  /** Where the pod's emptyDir volumes live: `<volumeRoot>/<pod uid>/<volume>`. */
  volumeRoot: string;
  log: Logger;
  now?: () => Date;
}

const code = (err: unknown): number | undefined => (err as { code?: number }).code;
const restartsOf = (c: ContainerSummary): number => Number(c.labels[LABEL_RESTART_COUNT] ?? 0);
const newestFirst = (a: ContainerSummary, b: ContainerSummary): number => restartsOf(b) - restartsOf(a);

function shouldRestart(policy: string, exitCode: number): boolean {
  return policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
}

export class PodSyncer {
  constructor(private readonly o: PodSyncerOptions) {}

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  /** Brings a running (not deleted) pod one step closer to its spec and reports its status. */
  async sync(pod: V1Pod): Promise<void> {
    const uid = pod.metadata!.uid!;
    const ref = { uid, name: pod.metadata!.name!, namespace: pod.metadata!.namespace! };
    const sandbox = await this.o.sandboxes.ensure(ref);
    const volumeDirs = this.volumes(pod);
    const policy = pod.spec?.restartPolicy ?? 'Always';
    const existing = await this.o.runtime.list({ [LABEL_POD_UID]: uid });
    const observed: ObservedContainer[] = [];

    for (const container of pod.spec?.containers ?? []) {
      const key = `${uid}/${container.name}`;
      const mine = existing
        .filter((c) => c.labels[LABEL_CONTAINER_NAME] === container.name)
        .sort(newestFirst);
      let current = mine[0];
      // A container of an older sandbox lost its network with it: replace it (a restart).
      if (current && current.labels[LABEL_SANDBOX] !== sandbox.pauseId && current.state === 'running') {
        await this.o.runtime.stop(current.id, 0);
        current = { ...current, state: 'exited' };
      }
      let waiting: ObservedContainer['waiting'];
      const spec = (restartCount: number) => {
        const ctx = {
          pod,
          sandbox,
          nodeName: this.o.nodeName,
          hostIp: this.o.hostIp,
          restartCount,
          volumeDirs,
        };
        const built = containerSpec(container, ctx);
        return { ...built, labels: { ...built.labels, [LABEL_SANDBOX]: sandbox.pauseId } };
      };

      if (!current) {
        if (!(await this.o.runtime.hasImage(container.image!))) {
          waiting = {
            reason: 'ErrImagePull',
            message: `image "${container.image}" is not present on the node, and no registry is reachable to pull it`,
          };
        } else {
          const id = await this.o.runtime.create(spec(0));
          await this.o.runtime.start(id);
          this.o.log.info('container started', {
            pod: `${ref.namespace}/${ref.name}`,
            container: container.name,
          });
        }
      } else if (current.state === 'created') {
        await this.o.runtime.start(current.id);
      } else if (current.state === 'exited' || current.state === 'dead') {
        const status = await this.o.runtime.inspect(current.id);
        const exitCode = status?.exitCode ?? 0;
        if (shouldRestart(policy, exitCode)) {
          const wait = this.o.backoff.remaining(key, this.now().getTime());
          if (wait > 0) {
            waiting = {
              reason: 'CrashLoopBackOff',
              message: `back-off ${Math.round(this.o.backoff.delay(key) / 1000)}s restarting failed container=${container.name} pod=${ref.name}_${ref.namespace}(${uid})`,
            };
          } else {
            this.o.backoff.restarted(key, this.now().getTime());
            const id = await this.o.runtime.create(spec(restartsOf(current) + 1));
            await this.o.runtime.start(id);
            this.o.log.info('container restarted', {
              pod: `${ref.namespace}/${ref.name}`,
              container: container.name,
              exitCode,
            });
          }
        }
      }
      observed.push(await this.observe(container.name, container.image!, uid, waiting));
    }
    await this.removeOldContainers(uid);
    await this.report(pod, sandbox, observed);
  }

  /** What runs for one container now: its newest instance and the one before. */
  private async observe(
    name: string,
    image: string,
    uid: string,
    waiting: ObservedContainer['waiting'],
  ): Promise<ObservedContainer> {
    const mine = (await this.o.runtime.list({ [LABEL_POD_UID]: uid, [LABEL_CONTAINER_NAME]: name })).sort(
      newestFirst,
    );
    const [newest, older] = await Promise.all(mine.slice(0, 2).map((c) => this.o.runtime.inspect(c.id)));
    const observed: ObservedContainer = { name, image, ready: false, ...(waiting ? { waiting } : {}) };
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
      // Readiness probes are not run yet: a running container counts as ready.
      observed.ready = newest.state === 'running' && !waiting;
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

  private volumes(pod: V1Pod): Record<string, string> {
    const dirs: Record<string, string> = {};
    for (const volume of pod.spec?.volumes ?? []) {
      if (volume.emptyDir) {
        const dir = join(this.o.volumeRoot, pod.metadata!.uid!, volume.name);
        mkdirSync(dir, { recursive: true, mode: 0o777 });
        dirs[volume.name] = dir;
      }
    }
    return dirs;
  }

  /** Writes the status when it differs from what the apiserver has. */
  private async report(
    pod: V1Pod,
    sandbox: PodSandbox | undefined,
    containers: ObservedContainer[],
  ): Promise<void> {
    const status = podStatus({
      pod,
      ...(sandbox ? { podIp: sandbox.ip } : {}),
      hostIp: this.o.hostIp,
      containers,
      now: this.now(),
    });
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
   * Stops the pod within its grace period, tears the sandbox down, removes its containers and
   * volumes, and confirms the deletion with grace 0 (guarded by the pod's uid). Idempotent.
   */
  async terminate(pod: V1Pod): Promise<void> {
    const uid = pod.metadata!.uid!;
    const grace = Math.max(
      0,
      pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30,
    );
    await this.stopPodContainers(uid, grace);
    await this.o.backoff.forgetPod(uid);
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
    const apps = (await this.o.runtime.list({ [LABEL_POD_UID]: uid })).filter(
      (c) => c.labels[LABEL_CONTAINER_NAME] !== POD_INFRA_CONTAINER_NAME,
    );
    await Promise.all(apps.map((c) => this.o.runtime.stop(c.id, graceSeconds)));
    await this.o.sandboxes.tearDown(uid);
    for (const c of apps) await this.o.runtime.remove(c.id);
    rmSync(join(this.o.volumeRoot, uid), { recursive: true, force: true });
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
