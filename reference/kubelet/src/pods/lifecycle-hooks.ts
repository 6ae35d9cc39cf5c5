// Container lifecycle hooks (postStart, preStop), as upstream's pkg/kubelet/lifecycle/handlers.go
// runs them: exec inside the container, an HTTP GET from the node to the pod IP (or the handler's
// host), or a sleep. An exec hook fails when its command exits non-zero; an HTTP hook fails only
// when no response comes at all (upstream ignores the status code of a hook's response). Hooks are
// delivered at least once: a kubelet that restarts or retries a sync may run one again.
import type { V1Container, V1LifecycleHandler, V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../../../common/src/log.ts';
import { formatPod } from '../events.ts';
import { doHttpGet, httpGetRequest } from '../probes/actions.ts';
import type { ContainerRuntime } from '../runtime/container-runtime.ts';

export type HookName = 'PostStart' | 'PreStop';

export interface HookRequest {
  pod: V1Pod;
  container: V1Container;
  containerId: string;
  handler: V1LifecycleHandler;
  podIp: string | undefined;
  /** The longest the hook may take; past it, it counts as failed. */
  timeoutMs: number;
}

/** Go's %v of a string slice: `[sh -c exit 1]`. */
const goList = (items: string[]): string => `[${items.join(' ')}]`;

export class HookRunner {
  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly log: Logger,
  ) {}

  /** Runs the hook; resolves undefined on success, or upstream's message saying why it failed. */
  async run(req: HookRequest): Promise<string | undefined> {
    const { handler, container, pod } = req;
    const who = `for Container "${container.name}" in Pod "${formatPod(pod)}"`;
    if (handler.exec) {
      const command = handler.exec.command ?? [];
      try {
        const done = await this.runtime.exec(req.containerId, command, { timeoutMs: req.timeoutMs });
        if (done.exitCode === 0) return undefined;
        const output = done.stdout + done.stderr;
        return (
          `Exec lifecycle hook (${goList(command)}) ${who} failed - error: ` +
          `command '${command.join(' ')}' exited with ${done.exitCode}: ${done.stderr}, message: ${JSON.stringify(output)}`
        );
      } catch (err) {
        return `Exec lifecycle hook (${goList(command)}) ${who} failed - error: ${(err as Error).message}, message: ""`;
      }
    }
    if (handler.httpGet) {
      const path = handler.httpGet.path ?? '';
      try {
        if (!req.podIp && !handler.httpGet.host) throw new Error('the pod has no IP');
        const request = httpGetRequest(handler.httpGet, container, req.podIp ?? '', 'lifecycle');
        const outcome = await doHttpGet(request, req.timeoutMs);
        // Only a request that got no response fails a hook; any status code counts as delivered.
        if (outcome.result === 'failure' && !outcome.output.startsWith('HTTP probe failed with statuscode')) {
          return `HTTP lifecycle hook (${path}) ${who} failed - error: ${outcome.output}`;
        }
        return undefined;
      } catch (err) {
        return `HTTP lifecycle hook (${path}) ${who} failed - error: ${(err as Error).message}`;
      }
    }
    if (handler.sleep) {
      const ms = Math.min(Math.max(0, handler.sleep.seconds) * 1000, req.timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, ms).unref());
      return undefined;
    }
    this.log.warn('lifecycle hook without a handler', { container: container.name });
    return `Cannot run handler: missing exec, httpGet or sleep in the hook ${who}`;
  }
}
