// Starting and killing one container the way upstream's kuberuntime does (startContainer,
// killContainer), with the events a person sees in `kubectl describe pod`: Pulled, Created,
// Started; the postStart hook before the container counts as started (a failed hook kills it);
// Killing, then the preStop hook within the grace period, then SIGTERM, and SIGKILL once the rest
// of the grace period is over.
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../../../common/src/log.ts';
import { EventReason, type ContainerEvents } from '../events.ts';
import type { ContainerRuntime, ContainerSpec } from '../runtime/container-runtime.ts';
import type { HookRunner } from './lifecycle-hooks.ts';

/** upstream's minimumGracePeriodInSeconds: a container always gets this long after SIGTERM. */
export const MINIMUM_GRACE_SECONDS = 2;
/**
 * upstream puts no limit on a postStart hook; the pod's sync waits for it. Ours is bounded so that
 * a hook that never returns cannot hold the pod forever: past this it counts as failed.
 */
export const POST_START_TIMEOUT_MS = 600_000;

export interface ContainerRunnerOptions {
  runtime: ContainerRuntime;
  events: ContainerEvents;
  hooks: HookRunner;
  log: Logger;
  now?: () => number;
}

export interface StartRequest {
  pod: V1Pod;
  container: V1Container;
  init: boolean;
  spec: ContainerSpec;
  podIp: string | undefined;
  /** Seconds a container killed after a failed postStart hook gets. */
  graceSeconds: number;
}

export type StartOutcome = { ok: true; id: string } | { ok: false; id?: string; message: string };

export class ContainerRunner {
  constructor(private readonly o: ContainerRunnerOptions) {}

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  /** Creates and starts it, then runs its postStart hook; a failed hook kills it again. */
  async start(req: StartRequest): Promise<StartOutcome> {
    const { pod, container } = req;
    const ref = { name: container.name, init: req.init };
    this.o.events.record(
      pod,
      ref,
      'Normal',
      EventReason.Pulled,
      `Container image "${container.image}" already present on machine`,
    );
    let id: string;
    try {
      id = await this.o.runtime.create(req.spec);
    } catch (err) {
      const message = (err as Error).message;
      this.o.events.record(pod, ref, 'Warning', EventReason.Failed, `Error: ${message}`);
      return { ok: false, message };
    }
    this.o.events.record(pod, ref, 'Normal', EventReason.Created, `Created container: ${container.name}`);
    try {
      await this.o.runtime.start(id);
    } catch (err) {
      const message = (err as Error).message;
      this.o.events.record(pod, ref, 'Warning', EventReason.Failed, `Error: ${message}`);
      return { ok: false, id, message };
    }
    this.o.events.record(pod, ref, 'Normal', EventReason.Started, `Started container ${container.name}`);
    const postStart = container.lifecycle?.postStart;
    if (postStart && !req.init) {
      const failure = await this.o.hooks.run({
        pod,
        container,
        containerId: id,
        handler: postStart,
        podIp: req.podIp,
        timeoutMs: POST_START_TIMEOUT_MS,
      });
      if (failure) {
        this.o.log.info('postStart hook failed', {
          pod: pod.metadata?.name,
          container: container.name,
          failure,
        });
        // upstream keeps the hook's output out of the event: it may hold secrets
        this.o.events.record(pod, ref, 'Warning', EventReason.FailedPostStartHook, 'PostStartHook failed');
        await this.kill({
          pod,
          container,
          id,
          message: 'FailedPostStartHook',
          graceSeconds: req.graceSeconds,
        });
        return { ok: false, id, message: failure };
      }
    }
    return { ok: true, id };
  }

  /**
   * Kills a running container: the Killing event, the preStop hook (its time counts against the
   * grace period), then SIGTERM and SIGKILL after what is left (at least two seconds). A grace of
   * 0 skips the hook and kills at once.
   */
  async kill(req: {
    pod: V1Pod;
    container: V1Container | undefined;
    id: string;
    name?: string;
    init?: boolean;
    message?: string;
    graceSeconds: number;
  }): Promise<void> {
    const name = req.container?.name ?? req.name ?? '';
    const ref = { name, init: req.init ?? false };
    this.o.events.record(
      req.pod,
      ref,
      'Normal',
      EventReason.Killing,
      req.message ?? `Stopping container ${name}`,
    );
    let grace = Math.max(0, Math.floor(req.graceSeconds));
    const preStop = req.container?.lifecycle?.preStop;
    if (preStop && req.container && grace > 0) {
      const began = this.now();
      const budgetMs = grace * 1000;
      const failure = await this.o.hooks.run({
        pod: req.pod,
        container: req.container,
        containerId: req.id,
        handler: preStop,
        podIp: req.pod.status?.podIP,
        timeoutMs: budgetMs,
      });
      const elapsedMs = this.now() - began;
      // A hook cut off by the grace period is not a failure of its own (upstream just moves on).
      if (failure && elapsedMs < budgetMs) {
        this.o.events.record(req.pod, ref, 'Warning', EventReason.FailedPreStopHook, 'PreStopHook failed');
      }
      grace -= Math.floor(elapsedMs / 1000);
    }
    if (req.graceSeconds > 0) grace = Math.max(grace, MINIMUM_GRACE_SECONDS);
    await this.o.runtime.stop(req.id, grace);
  }
}
