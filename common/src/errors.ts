// One error catalogue for the project's own failures (the apiserver's Kubernetes `Status`
// errors live with the apiserver). Each entry has a stable code, the exit status the CLI uses,
// and a message template; every thrown error carries a reason a user can act on.

export interface ErrorSpec {
  /** Process exit status when this error ends a CLI command. */
  exitCode: number;
  /** What went wrong, with `{name}` placeholders filled from the error's params. */
  message: string;
}

export const ERRORS = {
  USAGE: { exitCode: 2, message: '{detail}' },
  NOT_IMPLEMENTED: { exitCode: 3, message: '{what} is not implemented yet: {why}' },
  NOT_ROOT: { exitCode: 4, message: '{what} must run as root (uid 0); this process runs as uid {uid}' },
  NOT_DEBIAN: { exitCode: 4, message: '{what} needs a Debian host (apt-get, dpkg); {detail}' },
  HOST_NOT_READY: { exitCode: 5, message: 'the host is missing what kconform needs: {missing}' },
  COMMAND_FAILED: { exitCode: 6, message: '`{command}` failed with exit code {code}: {output}' },
  DOCKER_UNREACHABLE: { exitCode: 7, message: 'the Docker engine at {socket} did not answer: {detail}' },
  IMAGE_BUILD_FAILED: { exitCode: 8, message: 'building image {image} failed: {detail}' },
  TIMEOUT: { exitCode: 9, message: '{what} not done after {ms} ms ({detail})' },
  BENCH_UNKNOWN: { exitCode: 2, message: 'no benchmark named "{name}"; known: {known}' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERRORS;

type Params = Record<string, string | number>;

/** Fill `{name}` placeholders; a missing parameter is left visible rather than hidden. */
export function formatMessage(template: string, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

export class KconformError extends Error {
  readonly code: ErrorCode;
  readonly exitCode: number;
  /** What the user can do about it, printed under the message. */
  readonly hint: string | undefined;
  readonly params: Params;

  constructor(code: ErrorCode, params: Params, options: { hint?: string; cause?: unknown } = {}) {
    super(formatMessage(ERRORS[code].message, params), { cause: options.cause });
    this.name = 'KconformError';
    this.code = code;
    this.exitCode = ERRORS[code].exitCode;
    this.hint = options.hint;
    this.params = params;
  }
}

export function isKconformError(value: unknown): value is KconformError {
  return value instanceof KconformError;
}
