// The kubelet API's containerLogs: which instance of a container to read (the current one, or the
// one before it for `previous=true`), the query as upstream's kubelet parses it, and upstream's
// errors for containers that are unknown, not started yet, or have no previous instance.
import type { V1Pod } from '@kubernetes/client-node';
import type { ContainerRuntime, ContainerSummary, LogStreamOptions } from '../runtime/container-runtime.ts';
import { LABEL_CONTAINER_NAME, LABEL_POD_UID } from '../runtime/container-runtime.ts';
import { LABEL_RESTART_COUNT } from '../pods/container-spec.ts';

/** A failure the API answers with an HTTP code and upstream's plain-text message. */
export class KubeletApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'KubeletApiError';
  }
}

export interface LogRequest extends LogStreamOptions {
  previous: boolean;
  /** Stop after this many bytes. */
  limitBytes?: number;
}

const badRequest = (message: string): KubeletApiError => new KubeletApiError(400, message);

function wholeNumber(query: URLSearchParams, name: string, min: number): number | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) {
    throw badRequest(`${name}: invalid value "${text}": must be a whole number of at least ${min}`);
  }
  return value;
}

const flag = (query: URLSearchParams, name: string): boolean => query.get(name) === 'true';

/** Parses `follow`, `previous`, `timestamps`, `tailLines`, `sinceSeconds`, `sinceTime`, `limitBytes`. */
export function parseLogQuery(query: URLSearchParams, now: Date = new Date()): LogRequest {
  const request: LogRequest = {
    follow: flag(query, 'follow'),
    previous: flag(query, 'previous'),
    timestamps: flag(query, 'timestamps'),
  };
  const tail = wholeNumber(query, 'tailLines', 0);
  if (tail !== undefined) request.tail = tail;
  const sinceSeconds = wholeNumber(query, 'sinceSeconds', 1);
  const sinceTime = query.get('sinceTime');
  if (sinceSeconds !== undefined && sinceTime) {
    throw badRequest('at most one of `sinceTime` or `sinceSeconds` may be specified');
  }
  if (sinceSeconds !== undefined) request.since = now.getTime() / 1000 - sinceSeconds;
  if (sinceTime) {
    const ms = Date.parse(sinceTime);
    if (Number.isNaN(ms)) throw badRequest(`sinceTime: invalid value "${sinceTime}": not an RFC 3339 time`);
    request.since = ms / 1000;
  }
  const limit = wholeNumber(query, 'limitBytes', 1);
  if (limit !== undefined) request.limitBytes = limit;
  return request;
}

const restarts = (c: ContainerSummary): number => Number(c.labels[LABEL_RESTART_COUNT] ?? 0);

/** The engine's instances of one container of a pod, newest first. */
export async function containerInstances(
  runtime: ContainerRuntime,
  pod: V1Pod,
  container: string,
): Promise<ContainerSummary[]> {
  const found = await runtime.list({
    [LABEL_POD_UID]: pod.metadata!.uid!,
    [LABEL_CONTAINER_NAME]: container,
  });
  return found.sort((a, b) => restarts(b) - restarts(a) || b.createdAt.localeCompare(a.createdAt));
}

/**
 * The engine id of the instance whose logs are asked for. Throws upstream's errors
 * (kubelet_pods.go validateContainerLogStatus, server.go getContainerLogs).
 */
export async function logContainerId(
  runtime: ContainerRuntime,
  pod: V1Pod,
  container: string,
  previous: boolean,
): Promise<string> {
  const name = pod.metadata!.name!;
  if (!(pod.spec?.containers ?? []).some((c) => c.name === container)) {
    throw new KubeletApiError(404, `container "${container}" not found in pod "${name}"`);
  }
  const instances = await containerInstances(runtime, pod, container);
  if (previous) {
    const older = instances[1];
    if (!older) throw badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    return older.id;
  }
  const current = instances[0];
  if (!current) {
    const status = pod.status?.containerStatuses?.find((s) => s.name === container);
    const reason = status?.state?.waiting?.reason;
    throw badRequest(
      reason
        ? `container "${container}" in pod "${name}" is waiting to start: ${reason}`
        : `container "${container}" in pod "${name}" is waiting to start - no logs yet`,
    );
  }
  return current.id;
}
