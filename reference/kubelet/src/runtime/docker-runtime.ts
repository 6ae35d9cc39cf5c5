// ContainerRuntime on the Docker engine through dockerode. One instance per node: it stamps every
// container it creates with `io.kconform.managed=true` and `io.kconform.node=<node>`, and lists
// only containers that carry both, so several kubelets share one engine without seeing each
// other's containers.
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { Logger } from '../../../../common/src/log.ts';
import {
  LABEL_MANAGED,
  LABEL_NODE,
  type ContainerRuntime,
  type ContainerSpec,
  type ContainerState,
  type ContainerStatus,
  type ContainerSummary,
  type ExecOptions,
  type ExecResult,
  type ExecSession,
  type ExecSessionOptions,
  type LogOptions,
  type LogStreamOptions,
} from './container-runtime.ts';

export interface DockerRuntimeOptions {
  docker: Docker;
  logger: Logger;
  nodeName: string;
  /**
   * The longest one engine call may take (upstream's --runtime-request-timeout, 2 min): an engine
   * that stops answering fails the call instead of holding the pod's sync queue for ever. A stop
   * gets its grace period on top.
   */
  requestTimeoutMs?: number;
}

const DEFAULT_EXEC_TIMEOUT_MS = 60_000;
const DEFAULT_REQUEST_TIMEOUT_MS = 120_000;

/** An engine call that did not answer within the runtime request timeout. */
export class RuntimeTimeoutError extends Error {
  constructor(what: string, ms: number) {
    const within = ms >= 1000 ? `${Math.round(ms / 1000)}s` : `${ms}ms`;
    super(`the Docker engine did not answer ${what} within ${within} (runtime request timeout)`);
    this.name = 'RuntimeTimeoutError';
  }
}

export class DockerRuntime implements ContainerRuntime {
  private readonly docker: Docker;
  private readonly logger: Logger;
  readonly nodeName: string;
  private readonly requestTimeoutMs: number;

  constructor(options: DockerRuntimeOptions) {
    if (!options.nodeName) throw new Error('DockerRuntime: nodeName must not be empty');
    this.docker = options.docker;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.nodeName = options.nodeName;
    this.logger = options.logger.child({ component: 'docker-runtime', node: options.nodeName });
  }

  /**
   * Runs one engine call with the request timeout (`extraMs` on top): dockerode aborts the request
   * on the signal; the race also covers a call that ignores it.
   */
  private async bounded<T>(
    what: string,
    call: (abortSignal: AbortSignal) => Promise<T>,
    extraMs = 0,
  ): Promise<T> {
    const ms = this.requestTimeoutMs + extraMs;
    const signal = AbortSignal.timeout(ms);
    let onAbort: () => void = () => undefined;
    const timedOut = new Promise<never>((_, reject) => {
      onAbort = () => reject(new RuntimeTimeoutError(what, ms));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([call(signal), timedOut]);
    } catch (err) {
      if (signal.aborted) throw new RuntimeTimeoutError(what, ms);
      throw err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  async create(spec: ContainerSpec): Promise<string> {
    const container = await this.bounded(`create ${spec.name}`, (abortSignal) =>
      this.docker.createContainer({
        abortSignal,
        name: spec.name,
        Image: spec.image,
        Entrypoint: spec.entrypoint,
        Cmd: spec.cmd,
        Env: spec.env ? Object.entries(spec.env).map(([k, v]) => `${k}=${v}`) : undefined,
        WorkingDir: spec.workingDir,
        Hostname: spec.hostname,
        StopSignal: spec.stopSignal,
        Labels: { ...spec.labels, [LABEL_MANAGED]: 'true', [LABEL_NODE]: this.nodeName },
        HostConfig: {
          NetworkMode: spec.networkMode,
          IpcMode: spec.ipcMode,
          PidMode: spec.pidMode,
          UTSMode: spec.utsMode,
          Binds: spec.binds,
          Memory: spec.memoryBytes,
          MemorySwap: spec.memorySwapBytes,
          NanoCpus: spec.nanoCpus,
          CpuQuota: spec.cpuQuota,
          CpuPeriod: spec.cpuPeriod,
          CpuShares: spec.cpuShares,
        },
      }),
    );
    this.logger.debug('container created', { id: container.id, image: spec.image, name: spec.name });
    return container.id;
  }

  async start(id: string): Promise<void> {
    await this.bounded(`start ${id.slice(0, 12)}`, (abortSignal) =>
      ignoreStatus(this.docker.getContainer(id).start({ abortSignal }), 304),
    );
  }

  async stop(id: string, timeoutSeconds: number): Promise<void> {
    await this.bounded(
      `stop ${id.slice(0, 12)}`,
      (abortSignal) =>
        ignoreStatus(this.docker.getContainer(id).stop({ t: timeoutSeconds, abortSignal }), 304, 404),
      timeoutSeconds * 1000,
    );
  }

  async remove(id: string): Promise<void> {
    // 409 "removal already in progress" counts as gone too: the engine is finishing it.
    await this.bounded(`remove ${id.slice(0, 12)}`, (abortSignal) =>
      ignoreStatus(this.docker.getContainer(id).remove({ force: true, v: true, abortSignal }), 404, 409),
    );
    this.logger.debug('container removed', { id });
  }

  async inspect(id: string): Promise<ContainerStatus | undefined> {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.bounded(`inspect ${id.slice(0, 12)}`, (abortSignal) =>
        this.docker.getContainer(id).inspect({ abortSignal }),
      );
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw err;
    }
    const s = info.State;
    return {
      id: info.Id,
      name: info.Name.replace(/^\//, ''),
      image: info.Config.Image,
      labels: info.Config.Labels ?? {},
      state: s.Status as ContainerState,
      pid: s.Pid,
      exitCode: s.ExitCode,
      oomKilled: s.OOMKilled,
      startedAt: isSet(s.StartedAt) ? s.StartedAt : undefined,
      finishedAt: isSet(s.FinishedAt) ? s.FinishedAt : undefined,
      createdAt: info.Created,
    };
  }

  async list(labels: Record<string, string> = {}): Promise<ContainerSummary[]> {
    const wanted = { ...labels, [LABEL_MANAGED]: 'true', [LABEL_NODE]: this.nodeName };
    const found = await this.bounded('list containers', (abortSignal) =>
      this.docker.listContainers({
        all: true,
        filters: { label: Object.entries(wanted).map(([k, v]) => `${k}=${v}`) },
        abortSignal,
      }),
    );
    return found.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      image: c.Image,
      labels: c.Labels,
      state: c.State as ContainerState,
      createdAt: new Date(c.Created * 1000).toISOString(),
    }));
  }

  async logs(id: string, options: LogOptions = {}): Promise<string> {
    const raw = (await this.docker.getContainer(id).logs({
      stdout: true,
      stderr: true,
      follow: false,
      tail: options.tail,
      since: options.since,
      timestamps: options.timestamps,
    })) as unknown as Buffer;
    const tty = (await this.docker.getContainer(id).inspect()).Config.Tty;
    return tty ? raw.toString('utf8') : demultiplex(raw).combined;
  }

  async logStream(id: string, options: LogStreamOptions = {}): Promise<NodeJS.ReadableStream> {
    const container = this.docker.getContainer(id);
    const tty = (await container.inspect()).Config.Tty;
    const query = {
      stdout: true,
      stderr: true,
      tail: options.tail,
      since: options.since,
      timestamps: options.timestamps,
    } as const;
    const out = new PassThrough();
    if (!options.follow) {
      const raw = (await container.logs({ ...query, follow: false })) as unknown as Buffer;
      out.end(tty ? raw : Buffer.from(demultiplex(raw).combined, 'utf8'));
      return out;
    }
    const raw = (await container.logs({ ...query, follow: true })) as NodeJS.ReadableStream & {
      destroy(): void;
    };
    if (tty) raw.pipe(out);
    else {
      this.docker.modem.demuxStream(raw, out, out);
      raw.on('end', () => out.end());
    }
    raw.on('error', (err: Error) => out.destroy(err));
    // The reader going away (client disconnected) ends the engine's follow stream too.
    out.on('close', () => raw.destroy());
    return out;
  }

  async execSession(id: string, cmd: string[], options: ExecSessionOptions = {}): Promise<ExecSession> {
    const tty = options.tty ?? false;
    const exec = await this.docker.getContainer(id).exec({
      Cmd: cmd,
      AttachStdin: options.stdin ?? false,
      AttachStdout: true,
      AttachStderr: true,
      Tty: tty,
    });
    const stream = await exec.start({ hijack: true, stdin: options.stdin ?? false, Tty: tty });
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const ended = new Promise<void>((resolve) => {
      let done = false;
      const finish = (): void => {
        if (done) return;
        done = true;
        stdout.end();
        stderr.end();
        resolve();
      };
      if (tty) stream.on('data', (chunk: Buffer) => stdout.write(chunk));
      else this.docker.modem.demuxStream(stream, stdout, stderr);
      stream.on('end', finish);
      stream.on('close', finish);
      stream.on('error', (err: Error) => {
        this.logger.debug('exec stream failed', { id, err });
        finish();
      });
    });
    return {
      stdin: options.stdin ? stream : undefined,
      stdout,
      stderr,
      resize: async (width, height) => {
        // The engine holds a resize until the exec's process has started, but the process may
        // read its terminal's size before that: the first instant of a session can see 0x0, as
        // with `docker exec -t` on engines before API 1.42 (no ConsoleSize at create).
        if (tty) await exec.resize({ w: width, h: height });
      },
      exitCode: async () => {
        await ended;
        // The engine may record the exit a moment after the output ends.
        for (let i = 0; i < 50; i++) {
          const info = await exec.inspect();
          if (!info.Running) return info.ExitCode ?? -1;
          await new Promise((r) => setTimeout(r, 100));
        }
        return -1;
      },
      close: () => stream.destroy(),
    };
  }

  async exec(id: string, cmd: string[], options: ExecOptions = {}): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    const exec = await this.docker.getContainer(id).exec({
      Cmd: cmd,
      AttachStdout: true,
      AttachStderr: true,
      Env: options.env ? Object.entries(options.env).map(([k, v]) => `${k}=${v}`) : undefined,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const chunks: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        timer = setTimeout(() => {
          stream.destroy();
          reject(
            new Error(`exec ${JSON.stringify(cmd)} in ${id.slice(0, 12)} not done after ${timeoutMs} ms`),
          );
        }, timeoutMs);
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', resolve);
        stream.on('close', resolve);
        stream.on('error', reject);
      });
    } finally {
      clearTimeout(timer);
    }
    const { stdout, stderr } = demultiplex(Buffer.concat(chunks));
    const info = await exec.inspect();
    return { exitCode: info.ExitCode ?? -1, stdout, stderr };
  }

  async wait(id: string): Promise<number> {
    const result = (await this.docker.getContainer(id).wait()) as { StatusCode: number };
    return result.StatusCode;
  }

  async hasImage(ref: string): Promise<boolean> {
    try {
      await this.bounded(`inspect image ${ref}`, () => this.docker.getImage(ref).inspect());
      return true;
    } catch (err) {
      if (statusOf(err) === 404) return false;
      throw err;
    }
  }
}

/**
 * Splits Docker's multiplexed stream (no TTY): each frame is an 8-byte header — stream type
 * (1 stdout, 2 stderr), three zero bytes, a big-endian length — then the payload.
 */
export function demultiplex(buffer: Buffer): { stdout: string; stderr: string; combined: string } {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const all: Buffer[] = [];
  for (let offset = 0; offset + 8 <= buffer.length;) {
    const type = buffer[offset];
    const size = buffer.readUInt32BE(offset + 4);
    const payload = buffer.subarray(offset + 8, offset + 8 + size);
    (type === 2 ? err : out).push(payload);
    all.push(payload);
    offset += 8 + size;
  }
  const text = (parts: Buffer[]): string => Buffer.concat(parts).toString('utf8');
  return { stdout: text(out), stderr: text(err), combined: text(all) };
}

function statusOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

async function ignoreStatus(operation: Promise<unknown>, ...statuses: number[]): Promise<void> {
  try {
    await operation;
  } catch (err) {
    const status = statusOf(err);
    if (status === undefined || !statuses.includes(status)) throw err;
  }
}

// Docker reports "never" as the zero time.
function isSet(time: string | undefined): time is string {
  return time !== undefined && time !== '' && !time.startsWith('0001-01-01');
}
