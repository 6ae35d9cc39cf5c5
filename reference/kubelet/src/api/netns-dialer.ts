// Opens TCP connections to localhost inside a pod's network namespace, as upstream's runtimes do
// for port-forward (containerd: netns.Do + net.Dial("tcp4", "localhost:port"); dockershim:
// nsenter -t <sandbox pid> -n socat - TCP4:localhost:port). Dialling localhost in the pod's
// namespace, not the pod IP from the host, is what lets a forward reach a listener bound to
// 127.0.0.1 inside the pod, and needs no route from the host to the pod network.
//
// Node cannot switch a thread's namespace, so one small helper process per namespace is started
// with `nsenter --net=<netns> node`; it connects inside the namespace and hands the connected
// socket back over the IPC channel (SCM_RIGHTS), after which the kubelet owns an ordinary socket
// and the helper plays no part in the bytes. A helper idles out after `idleMs` without dials.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Logger } from '../../../../common/src/log.ts';

/**
 * The helper, run by `node -e` inside the namespace. Tries IPv4 localhost, then IPv6, as containerd.
 * Its socket must never read: the helper keeps its copy of the descriptor open until the kubelet
 * acknowledges the handle, and anything it read meanwhile (the server's first answer to what the
 * client already sent) would be lost to the forward. A client socket starts reading once connected
 * unless it is paused before (`pauseOnCreate` applies only to sockets made from a handle).
 */
const HELPER = `
const net = require('node:net');
function attempt(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.pause();
    socket.once('connect', () => resolve({ socket }));
    socket.once('error', (err) => resolve({ error: err }));
  });
}
const describe = (family, host, port, err) =>
  'dial ' + family + ' ' + host + ':' + port + ': connect: ' +
  (err.code === 'ECONNREFUSED' ? 'connection refused' : err.code === 'EADDRNOTAVAIL' ? 'cannot assign requested address' : err.message);
process.on('message', async ({ id, port }) => {
  const v4 = await attempt('127.0.0.1', port);
  if (v4.socket) return process.send({ id, ok: true }, v4.socket);
  const v6 = await attempt('::1', port);
  if (v6.socket) return process.send({ id, ok: true }, v6.socket);
  process.send({ id, ok: false, error: 'IPv4: ' + describe('tcp4', '127.0.0.1', port, v4.error) +
    ' IPv6 ' + describe('tcp6', '[::1]', port, v6.error) + ' ' });
});
process.on('disconnect', () => process.exit(0));
`;

interface HelperReply {
  id: number;
  ok: boolean;
  error?: string;
}

interface Helper {
  child: ChildProcess;
  waiting: Map<number, { resolve: (socket: Socket) => void; reject: (err: Error) => void }>;
  idle: NodeJS.Timeout | undefined;
}

export interface NetnsDialerOptions {
  log: Logger;
  /** How long a helper with nothing to do stays; default 30 s. */
  idleMs?: number;
  /** The nsenter binary; default from PATH. */
  nsenter?: string;
}

export class NetnsDialer {
  private readonly helpers = new Map<string, Helper>();
  private nextId = 1;
  private readonly idleMs: number;
  private readonly log: Logger;

  constructor(private readonly options: NetnsDialerOptions) {
    this.idleMs = options.idleMs ?? 30_000;
    if (!Number.isFinite(this.idleMs) || this.idleMs <= 0) {
      throw new Error(`NetnsDialer: idleMs ${options.idleMs} must be a positive number`);
    }
    this.log = options.log.child({ component: 'netns-dialer' });
  }

  /**
   * Connects to localhost:port inside the network namespace at `netnsPath` (/proc/<pid>/ns/net).
   * Resolves with the connected socket, paused; rejects with containerd's wording when nothing
   * listens there.
   */
  dial(netnsPath: string, port: number): Promise<Socket> {
    const helper = this.helper(netnsPath);
    const id = this.nextId++;
    if (helper.idle) clearTimeout(helper.idle);
    helper.idle = undefined;
    return new Promise<Socket>((resolve, reject) => {
      helper.waiting.set(id, { resolve, reject });
      helper.child.send({ id, port }, (err) => {
        if (!err) return;
        helper.waiting.delete(id);
        reject(new Error(`cannot reach the network namespace ${netnsPath}: ${err.message}`));
      });
    }).finally(() => this.idleLater(netnsPath, helper));
  }

  /** Ends every helper. */
  stop(): void {
    for (const [path, helper] of this.helpers) this.retire(path, helper, 'port-forward helper stopped');
  }

  private helper(netnsPath: string): Helper {
    const existing = this.helpers.get(netnsPath);
    if (existing) return existing;
    const child = spawn(
      this.options.nsenter ?? 'nsenter',
      [`--net=${netnsPath}`, '--', process.execPath, '-e', HELPER],
      { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
    );
    const helper: Helper = { child, waiting: new Map(), idle: undefined };
    this.helpers.set(netnsPath, helper);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
    child.on('message', (message: HelperReply, handle?: Socket) => {
      const waiter = helper.waiting.get(message.id);
      if (!waiter) {
        handle?.destroy();
        return;
      }
      helper.waiting.delete(message.id);
      if (message.ok && handle) waiter.resolve(handle);
      else waiter.reject(new Error(message.error ?? 'the helper returned no connection'));
    });
    const gone = (why: string): void => {
      if (this.helpers.get(netnsPath) === helper) this.helpers.delete(netnsPath);
      const message = `cannot enter the network namespace ${netnsPath}: ${stderr.trim() || why}`;
      for (const waiter of helper.waiting.values()) waiter.reject(new Error(message));
      helper.waiting.clear();
      if (helper.idle) clearTimeout(helper.idle);
    };
    child.on('error', (err) => gone(err.message));
    child.on('exit', (code, signal) => gone(`helper exited (${signal ?? code})`));
    this.log.debug('port-forward helper started', { netns: netnsPath, pid: child.pid });
    return helper;
  }

  private idleLater(netnsPath: string, helper: Helper): void {
    if (helper.waiting.size > 0 || this.helpers.get(netnsPath) !== helper) return;
    if (helper.idle) clearTimeout(helper.idle);
    helper.idle = setTimeout(() => this.retire(netnsPath, helper, 'idle'), this.idleMs);
    helper.idle.unref();
  }

  private retire(netnsPath: string, helper: Helper, why: string): void {
    this.helpers.delete(netnsPath);
    if (helper.idle) clearTimeout(helper.idle);
    for (const waiter of helper.waiting.values()) waiter.reject(new Error(why));
    helper.waiting.clear();
    if (helper.child.connected) helper.child.disconnect(); // the helper exits on disconnect
    if (helper.child.exitCode === null && helper.child.signalCode === null) helper.child.kill('SIGTERM');
  }
}
