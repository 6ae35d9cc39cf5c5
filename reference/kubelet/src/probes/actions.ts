// The three handler actions probes and lifecycle hooks share, as upstream's pkg/probe does them:
// an HTTP GET from the node to the pod IP (or the handler's host), a TCP connect, and a command run
// inside the container through the runtime's exec. Each returns an outcome and the output a person
// reads in the event ("HTTP probe failed with statuscode: 500").
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { V1Container, V1HTTPGetAction, V1TCPSocketAction } from '@kubernetes/client-node';
import type { ContainerRuntime } from '../runtime/container-runtime.ts';

export type ActionResult = 'success' | 'warning' | 'failure';

export interface ActionOutcome {
  result: ActionResult;
  output: string;
}

/**
 * An action's resolver that keeps the first outcome only (an answer, an error, the timeout: whichever
 * comes first) and runs `cleanup` (timers, sockets) once, when it does. `cleanup` runs after the
 * caller's setup, so it may name a timer declared after this call.
 */
export function firstOutcome(
  resolve: (outcome: ActionOutcome) => void,
  cleanup: () => void,
): (outcome: ActionOutcome) => void {
  let settled = false;
  return (outcome) => {
    if (settled) return;
    settled = true;
    cleanup();
    resolve(outcome);
  };
}

/** The kubelet version in User-Agent headers (`kube-probe/1.32`), as the node reports it. */
export const KUBE_MINOR_VERSION = '1.32';
/** upstream reads at most 10 KiB of a probe's response body. */
const MAX_BODY_BYTES = 10 * 1024;

/** upstream's probe.ResolveContainerPort: a number, or the name of one of the container's ports. */
export function resolvePort(port: number | string | undefined, container: V1Container): number {
  let resolved: number | undefined;
  if (typeof port === 'number') resolved = port;
  else if (typeof port === 'string') {
    const named = (container.ports ?? []).find((p) => p.name === port);
    if (named) resolved = named.containerPort;
    else if (/^\d+$/.test(port)) resolved = Number(port);
    else throw new Error(`couldn't find port: ${port} in ${container.name}`);
  }
  if (resolved === undefined || !Number.isInteger(resolved) || resolved <= 0 || resolved >= 65536) {
    throw new Error(`invalid port number: ${String(port)}`);
  }
  return resolved;
}

/** An HTTP GET as upstream's NewRequestForHTTPGetAction builds it. */
export interface HttpGetRequest {
  url: URL;
  headers: Record<string, string>;
}

/** `purpose` is `probe` or `lifecycle` (the User-Agent `kube-<purpose>/<version>`). */
export function httpGetRequest(
  action: V1HTTPGetAction,
  container: V1Container,
  podIp: string,
  purpose: 'probe' | 'lifecycle',
): HttpGetRequest {
  const scheme = (action.scheme ?? 'HTTP').toLowerCase();
  const host = action.host || podIp;
  const port = resolvePort(action.port as number | string, container);
  let path = action.path ?? '';
  if (path !== '' && !path.startsWith('/')) path = `/${path}`;
  const url = new URL(`${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}${path}`);
  const headers: Record<string, string> = {};
  for (const h of action.httpHeaders ?? []) headers[h.name] = h.value;
  const has = (name: string): string | undefined =>
    Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  if (!has('User-Agent')) headers['User-Agent'] = `kube-${purpose}/${KUBE_MINOR_VERSION}`;
  const accept = has('Accept');
  if (!accept) headers.Accept = '*/*';
  else if (headers[accept] === '') delete headers[accept]; // overridden with nothing: none sent
  return { url, headers };
}

/** upstream's HTTP outcome: 2xx success, 3xx a warning (redirects are not followed), else failure. */
export function httpOutcome(statusCode: number, body: string): ActionOutcome {
  if (statusCode >= 200 && statusCode < 400) {
    if (statusCode >= 300) {
      return { result: 'warning', output: `Probe terminated redirects, Response body: ${body}` };
    }
    return { result: 'success', output: body };
  }
  // upstream keeps the body out of the message (it may hold secrets)
  return { result: 'failure', output: `HTTP probe failed with statuscode: ${statusCode}` };
}

/** Performs the GET within `timeoutMs`; a connection error or timeout is a failure with its message. */
export function doHttpGet(request: HttpGetRequest, timeoutMs: number): Promise<ActionOutcome> {
  const { url } = request;
  const transport = url.protocol === 'https:' ? https : http;
  const shown = url.toString();
  return new Promise((resolve) => {
    const finish = firstOutcome(resolve, () => clearTimeout(timer));
    const req = transport.request(
      url,
      {
        method: 'GET',
        headers: request.headers,
        agent: false,
        // upstream's probes do not verify the pod's certificate
        ...(url.protocol === 'https:' ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        res.on('end', () => {
          const body = Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8');
          finish(httpOutcome(res.statusCode ?? 0, body));
        });
        res.on('error', (err) => finish({ result: 'failure', output: `Get "${shown}": ${err.message}` }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish({
        result: 'failure',
        output: `Get "${shown}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`,
      });
    }, timeoutMs);
    req.on('error', (err) => finish({ result: 'failure', output: `Get "${shown}": ${dialError(url, err)}` }));
    req.end();
  });
}

/** A TCP connect to host:port within `timeoutMs`; success once connected (closed at once). */
export function doTcpConnect(host: string, port: number, timeoutMs: number): Promise<ActionOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = firstOutcome(resolve, () => {
      clearTimeout(timer);
      socket.destroy();
    });
    const timer = setTimeout(
      () => finish({ result: 'failure', output: `dial tcp ${host}:${port}: i/o timeout` }),
      timeoutMs,
    );
    socket.once('connect', () => finish({ result: 'success', output: '' }));
    socket.once('error', (err) => finish({ result: 'failure', output: tcpDialError(host, port, err) }));
  });
}

export function tcpTarget(
  action: V1TCPSocketAction,
  container: V1Container,
  podIp: string,
): { host: string; port: number } {
  return { host: action.host || podIp, port: resolvePort(action.port as number | string, container) };
}

/** Thrown when an exec did not finish in time (upstream: a failure whose output says so). */
export class ExecTimeoutError extends Error {
  override name = 'ExecTimeoutError';
}

/**
 * Runs `command` in the container; exit 0 is success, any other exit a failure, both with the
 * combined output. A timeout is a failure with upstream's text. Errors of the runtime itself
 * (container gone, engine unreachable) are thrown: the caller throws that result away.
 */
export async function doExec(
  runtime: ContainerRuntime,
  containerId: string,
  command: string[],
  timeoutMs: number,
): Promise<ActionOutcome> {
  try {
    const done = await runtime.exec(containerId, command, { timeoutMs });
    return { result: done.exitCode === 0 ? 'success' : 'failure', output: done.stdout + done.stderr };
  } catch (err) {
    if (/not done after \d+ ms/.test((err as Error).message)) {
      return { result: 'failure', output: `command ${JSON.stringify(command.join(' '))} timed out` };
    }
    throw err;
  }
}

/** Go's net error text for a failed dial, which is what upstream's messages carry. */
function tcpDialError(host: string, port: number, err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  const why: Record<string, string> = {
    ECONNREFUSED: 'connect: connection refused',
    EHOSTUNREACH: 'connect: no route to host',
    ENETUNREACH: 'connect: network is unreachable',
    ETIMEDOUT: 'i/o timeout',
    ECONNRESET: 'read: connection reset by peer',
  };
  return `dial tcp ${host}:${port}: ${(code && why[code]) ?? err.message}`;
}

function dialError(url: URL, err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET') return 'read: connection reset by peer';
  return tcpDialError(url.hostname, Number(url.port), err);
}
