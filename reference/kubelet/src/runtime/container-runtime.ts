// The kubelet's one seam to a container engine: only what running pods needs. `DockerRuntime`
// implements it on dockerode; unit tests of the sync logic can hand in a fake.
//
// Every container the kubelet makes carries the labels below, so a restarted kubelet finds
// (re-adopts) what still runs by listing them instead of trusting any memory of its own.

export const LABEL_MANAGED = 'io.kconform.managed';
export const LABEL_NODE = 'io.kconform.node';
export const LABEL_POD_UID = 'io.kconform.pod-uid';
export const LABEL_POD_NAME = 'io.kconform.pod-name';
export const LABEL_POD_NAMESPACE = 'io.kconform.pod-namespace';
export const LABEL_CONTAINER_NAME = 'io.kconform.container-name';

/** The container name label of a pod's infrastructure (pause) container, as upstream's dockershim. */
export const POD_INFRA_CONTAINER_NAME = 'POD';

/** Which pod a container belongs to. */
export interface PodRef {
  uid: string;
  name: string;
  namespace: string;
}

/** The pod labels for one container (the runtime adds `managed` and `node` itself). */
export function podContainerLabels(pod: PodRef, containerName: string): Record<string, string> {
  return {
    [LABEL_POD_UID]: pod.uid,
    [LABEL_POD_NAME]: pod.name,
    [LABEL_POD_NAMESPACE]: pod.namespace,
    [LABEL_CONTAINER_NAME]: containerName,
  };
}

export interface ContainerSpec {
  /** Engine-side name; must be unique on the engine. Left to the engine when absent. */
  name?: string;
  image: string;
  /** Overrides the image's entrypoint (a pod's `command`). */
  entrypoint?: string[];
  /** Overrides the image's cmd (a pod's `args`). */
  cmd?: string[];
  env?: Record<string, string>;
  workingDir?: string;
  /** Pod labels (see `podContainerLabels`) and any extra ones; `managed` and `node` are added. */
  labels: Record<string, string>;
  /** `none`, `container:<id>`, … */
  networkMode?: string;
  /** `shareable`, `container:<id>`, … */
  ipcMode?: string;
  /** `host` to share the node's UTS namespace (hostname), as host-network pods do. */
  utsMode?: string;
  /** `container:<id>` to share a pid namespace. */
  pidMode?: string;
  hostname?: string;
  /** `host:container[:ro]` bind mounts. */
  binds?: string[];
  /** Memory limit in bytes (0 = none). */
  memoryBytes?: number;
  /** CPU limit in nano-CPUs (1e9 = one CPU; 0 = none). */
  nanoCpus?: number;
  /** Memory plus swap in bytes; equal to memoryBytes means no swap (upstream's setting). */
  memorySwapBytes?: number;
  /** CFS quota in microseconds per `cpuPeriod` (a CPU limit). */
  cpuQuota?: number;
  /** CFS period in microseconds. */
  cpuPeriod?: number;
  /** Relative CPU weight (cgroup v1 shares). */
  cpuShares?: number;
  stopSignal?: string;
}

export type ContainerState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerStatus {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  state: ContainerState;
  /** Host pid of the container's first process; 0 when it is not running. */
  pid: number;
  exitCode: number;
  oomKilled: boolean;
  /** ISO times; absent until the container has started / finished. */
  startedAt?: string;
  finishedAt?: string;
  createdAt: string;
}

export interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  labels: Record<string, string>;
  state: ContainerState;
  createdAt: string;
}

export interface LogOptions {
  /** Only the last n lines. */
  tail?: number;
  /** Unix seconds. */
  since?: number;
  timestamps?: boolean;
}

/** Options of a streamed log read (the kubelet API's containerLogs). */
export interface LogStreamOptions extends LogOptions {
  /** Keep the stream open and pass new output on until the container stops. */
  follow?: boolean;
}

/** An interactive exec: the process's streams as they flow. */
export interface ExecSession {
  /** The process's stdin (ending it closes stdin); undefined unless asked for. */
  stdin: NodeJS.WritableStream | undefined;
  /** stdout (with a TTY: everything the terminal shows). */
  stdout: NodeJS.ReadableStream;
  /** stderr; empty with a TTY. */
  stderr: NodeJS.ReadableStream;
  /** Resizes the TTY; a no-op without one. */
  resize(width: number, height: number): Promise<void>;
  /** Resolves with the exit code once the output has ended. */
  exitCode(): Promise<number>;
  /** Drops the connection to the process (it may keep running inside the container). */
  close(): void;
}

export interface ExecSessionOptions {
  stdin?: boolean;
  tty?: boolean;
}

export interface ExecOptions {
  /** Gives up (and rejects) when the command has not finished after this long. */
  timeoutMs?: number;
  env?: Record<string, string>;
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface ContainerRuntime {
  /** Creates (does not start) a container; returns its id. */
  create(spec: ContainerSpec): Promise<string>;
  /** Starts it; starting a running container is not an error. */
  start(id: string): Promise<void>;
  /** Signals it to stop, kills it after `timeoutSeconds`; stopping a stopped one is not an error. */
  stop(id: string, timeoutSeconds: number): Promise<void>;
  /** Removes it (forcefully: running or not); removing a missing one is not an error. */
  remove(id: string): Promise<void>;
  /** The container's status, or undefined when there is no such container. */
  inspect(id: string): Promise<ContainerStatus | undefined>;
  /** This node's managed containers (running or not) carrying every label in `labels`. */
  list(labels?: Record<string, string>): Promise<ContainerSummary[]>;
  /** stdout and stderr interleaved, as text. */
  logs(id: string, options?: LogOptions): Promise<string>;
  /** stdout and stderr interleaved as a byte stream; with `follow` it ends when the container stops. */
  logStream(id: string, options?: LogStreamOptions): Promise<NodeJS.ReadableStream>;
  /** Starts `cmd` inside the running container with its streams attached (the kubelet API's exec). */
  execSession(id: string, cmd: string[], options?: ExecSessionOptions): Promise<ExecSession>;
  /** Runs `cmd` inside the running container and collects its output. */
  exec(id: string, cmd: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Resolves with the exit code once the container has stopped. */
  wait(id: string): Promise<number>;
  /** Whether the image is present on the engine (no registry is reachable: nothing pulls). */
  hasImage(ref: string): Promise<boolean>;
}
