// One forwarded connection, whichever transport carries it (SPDY streams or WebSocket channels):
// find the pod's sandbox, connect to localhost:port in its network namespace (netns-dialer.ts),
// then copy both ways as containerd's PortForward does: when one direction has ended, the other
// gets up to a second to finish, then both are closed. The client's end of its data is passed on
// as a half-close, as socat did for dockershim, so a server that reads to EOF can answer.
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../../../../common/src/log.ts';
import {
  LABEL_CONTAINER_NAME,
  LABEL_POD_UID,
  POD_INFRA_CONTAINER_NAME,
  type ContainerRuntime,
} from '../runtime/container-runtime.ts';
import { KubeletApiError } from './container-logs.ts';
import type { NetnsDialer } from './netns-dialer.ts';

/** How long the second direction may still run after the first has ended (containerd: 1 s). */
const LINGER_MS = 1000;

export interface PodSandboxRef {
  /** The pause container's id: upstream's podSandboxID, named in error messages. */
  id: string;
  /** /proc/<pause pid>/ns/net */
  netns: string;
}

export class PodPortForwarder {
  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly dialer: NetnsDialer,
    private readonly log: Logger,
  ) {}

  /** The pod's running sandbox; a 500 with upstream's message when it has none. */
  async sandbox(pod: V1Pod): Promise<PodSandboxRef> {
    const uid = pod.metadata?.uid ?? '';
    const pauses = await this.runtime.list({
      [LABEL_POD_UID]: uid,
      [LABEL_CONTAINER_NAME]: POD_INFRA_CONTAINER_NAME,
    });
    for (const pause of pauses) {
      if (pause.state !== 'running') continue;
      const status = await this.runtime.inspect(pause.id);
      if (status?.state === 'running' && status.pid > 0) {
        return { id: pause.id, netns: `/proc/${status.pid}/ns/net` };
      }
    }
    throw new KubeletApiError(500, `failed to find sandboxID for pod ${pod.metadata?.name ?? ''}`);
  }

  /**
   * Forwards `stream` to localhost:port in the sandbox. Resolves when the connection is over;
   * rejects with the message upstream writes to the error stream when it cannot connect.
   */
  async forward(sandbox: PodSandboxRef, port: number, stream: Duplex): Promise<void> {
    let socket: Socket;
    try {
      socket = await this.dialer.dial(sandbox.netns, port);
    } catch (err) {
      throw new Error(
        `error forwarding port ${port} to pod ${sandbox.id}, uid : failed to connect to localhost:${port} ` +
          `inside namespace "${sandbox.id}", ${(err as Error).message}`,
      );
    }
    this.log.debug('port-forward connected', { sandbox: sandbox.id, port });
    await relay(socket, stream);
  }
}

/** Copies both ways until one side has ended and the other has followed or lingered too long. */
export function relay(socket: Socket, stream: Duplex): Promise<void> {
  return new Promise((resolve) => {
    let linger: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (): void => {
      if (finished) return;
      finished = true;
      if (linger) clearTimeout(linger);
      socket.destroy();
      if (!stream.writableEnded) stream.end();
      resolve();
    };
    let podDone = false;
    let clientDone = false;
    const directionDone = (which: 'pod' | 'client'): void => {
      if (which === 'pod') podDone = true;
      else clientDone = true;
      if (podDone && clientDone) return finish();
      linger ??= setTimeout(finish, LINGER_MS);
    };
    // pod -> client; the socket's EOF becomes the stream's FIN
    socket.on('end', () => directionDone('pod'));
    socket.on('close', () => directionDone('pod'));
    socket.pipe(stream, { end: true });
    // client -> pod; the stream's FIN becomes a half-close of the socket
    stream.on('end', () => directionDone('client'));
    stream.pipe(socket, { end: true });
    socket.on('error', finish);
    stream.on('close', finish);
    stream.on('error', finish);
    socket.resume();
  });
}
