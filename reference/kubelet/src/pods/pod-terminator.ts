// A pod's end: on deletion every container is killed within the pod's grace period (Killing event,
// preStop hook, SIGTERM, SIGKILL), app containers and regular init containers together, then the
// restartable init containers (sidecars) one at a time, the last in the spec first, in what is left
// of the grace period (upstream's termination ordering); the sandbox, containers and volumes go,
// and the deletion is confirmed with grace 0. Idempotent: a failed step is retried by the next sync.
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../../../common/src/log.ts';
import type { PodSandboxManager } from '../network/pod-sandbox.ts';
import {
  LABEL_CONTAINER_NAME,
  LABEL_POD_UID,
  POD_INFRA_CONTAINER_NAME,
  type ContainerRuntime,
} from '../runtime/container-runtime.ts';
import type { Backoff } from './backoff.ts';
import type { ContainerRunner } from './container-runner.ts';
import { isRestartable } from './init-containers.ts';
import type { PodSetup } from './pod-setup.ts';
import type { PodProbes } from './pod-syncer.ts';

const code = (err: unknown): number | undefined => (err as { code?: number }).code;

/** The pod's terminationGracePeriodSeconds (upstream's default 30). */
export const podGrace = (pod: V1Pod): number => pod.spec?.terminationGracePeriodSeconds ?? 30;

export interface PodTerminatorOptions {
  runtime: ContainerRuntime;
  sandboxes: PodSandboxManager;
  core: CoreV1Api;
  backoff: Backoff;
  setup: PodSetup;
  probes: PodProbes;
  runner: ContainerRunner;
  log: Logger;
  now: () => Date;
}

export class PodTerminator {
  constructor(private readonly o: PodTerminatorOptions) {}

  private now(): Date {
    return this.o.now();
  }

  /**
   * Kills the pod's containers within its grace period (Killing event, preStop hook, SIGTERM,
   * SIGKILL), tears the sandbox down, removes its containers and volumes, and confirms the
   * deletion with grace 0 (guarded by the pod's uid). Idempotent.
   */
  async terminate(pod: V1Pod): Promise<void> {
    const uid = pod.metadata!.uid!;
    // Liveness and startup probes stop with the deletion.
    this.o.probes.update(pod, pod.status ?? {});
    await this.killContainers(pod, Math.max(0, pod.metadata?.deletionGracePeriodSeconds ?? podGrace(pod)));
    await this.stopPodContainers(uid);
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

  /**
   * Kills the pod's running containers within `grace` seconds (Killing event, preStop hook,
   * SIGTERM, SIGKILL): in parallel, then the sidecars (restartable init containers), last first,
   * in what is left of the grace. Returns when all have stopped; they stay for their logs.
   */
  async killContainers(pod: V1Pod, grace: number): Promise<void> {
    const uid = pod.metadata!.uid!;
    const running = (await this.o.runtime.list({ [LABEL_POD_UID]: uid })).filter(
      (c) => c.state === 'running' && c.labels[LABEL_CONTAINER_NAME] !== POD_INFRA_CONTAINER_NAME,
    );
    if (running.length === 0) return;
    const began = this.now().getTime();
    const sidecarNames = new Set((pod.spec?.initContainers ?? []).filter(isRestartable).map((c) => c.name));
    await Promise.all(
      running
        .filter((c) => !sidecarNames.has(c.labels[LABEL_CONTAINER_NAME] ?? ''))
        .map((c) => {
          const name = c.labels[LABEL_CONTAINER_NAME] ?? '';
          const container = pod.spec?.containers.find((s) => s.name === name);
          const init = !container && (pod.spec?.initContainers ?? []).some((s) => s.name === name);
          return this.o.runner.kill({ pod, container, id: c.id, name, init, graceSeconds: grace });
        }),
    );
    if (sidecarNames.size > 0) {
      const left = grace > 0 ? Math.max(0, grace - Math.floor((this.now().getTime() - began) / 1000)) : 0;
      await this.stopSidecars(pod, left);
    }
  }

  /**
   * Stops (at once: grace 0) and removes every container of a pod and its sandbox and volumes
   * (also for orphans).
   */
  async stopPodContainers(uid: string): Promise<void> {
    this.o.probes.removePod(uid);
    const apps = (await this.o.runtime.list({ [LABEL_POD_UID]: uid })).filter(
      (c) => c.labels[LABEL_CONTAINER_NAME] !== POD_INFRA_CONTAINER_NAME,
    );
    await Promise.all(apps.map((c) => this.o.runtime.stop(c.id, 0)));
    await this.o.sandboxes.tearDown(uid);
    for (const c of apps) await this.o.runtime.remove(c.id);
    await this.o.setup.tearDown(uid);
  }

  /**
   * Stops the pod's running restartable init containers one at a time, the last in the spec first
   * (upstream's termination ordering), within `graceSeconds` shared among them. Returns when the
   * last one stopped.
   */
  async stopSidecars(pod: V1Pod, graceSeconds: number): Promise<void> {
    const uid = pod.metadata!.uid!;
    const deadline = this.now().getTime() + graceSeconds * 1000;
    const running = (await this.o.runtime.list({ [LABEL_POD_UID]: uid })).filter(
      (c) => c.state === 'running',
    );
    const sidecars = (pod.spec?.initContainers ?? []).filter(isRestartable).reverse();
    for (const sidecar of sidecars) {
      for (const c of running.filter((r) => r.labels[LABEL_CONTAINER_NAME] === sidecar.name)) {
        const left = graceSeconds > 0 ? Math.max(1, Math.ceil((deadline - this.now().getTime()) / 1000)) : 0;
        await this.o.runner.kill({ pod, container: sidecar, id: c.id, init: true, graceSeconds: left });
      }
    }
  }
}
