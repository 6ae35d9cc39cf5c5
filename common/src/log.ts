// The project's one structured logger. Every component takes a Logger through its constructor
// (no module-level singleton), so a test can hand in a logger that records instead of printing.
//
// Output is one JSON object per line on stderr: {"time","level","component","msg",...fields}.
// Quiet by default (warnings and errors only); KCONFORM_LOG=debug|info|warn|error|silent or the
// CLI's --verbose raise or lower it. stdout stays free for a command's real output.

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every record (e.g. `{ component: 'kubelet', node: 'n1' }`). */
  child(fields: LogFields): Logger;
  readonly level: LogLevel;
}

/** Where finished records go: one already-serialised line, without the newline. */
export type LogSink = (line: string) => void;

export interface LoggerOptions {
  level?: LogLevel;
  sink?: LogSink;
  fields?: LogFields;
  now?: () => Date;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function isLogLevel(value: string): value is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(value);
}

/** The level asked for by KCONFORM_LOG, or `fallback` when it is unset; an unknown value throws. */
export function levelFromEnv(env: NodeJS.ProcessEnv, fallback: LogLevel = 'warn'): LogLevel {
  const wanted = env.KCONFORM_LOG;
  if (wanted === undefined || wanted === '') return fallback;
  if (!isLogLevel(wanted)) {
    throw new Error(`KCONFORM_LOG=${wanted} is not a log level; use one of ${LOG_LEVELS.join(', ')}`);
  }
  return wanted;
}

const stderrSink: LogSink = (line) => process.stderr.write(line + '\n');

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'warn';
  const sink = options.sink ?? stderrSink;
  const now = options.now ?? (() => new Date());
  const base = options.fields ?? {};
  const threshold = RANK[level];

  const write = (recordLevel: Exclude<LogLevel, 'silent'>, msg: string, fields?: LogFields): void => {
    if (RANK[recordLevel] < threshold) return;
    const record: LogFields = { time: now().toISOString(), level: recordLevel, ...base, msg, ...fields };
    sink(JSON.stringify(record, errorReplacer));
  };

  return {
    level,
    debug: (msg, fields) => write('debug', msg, fields),
    info: (msg, fields) => write('info', msg, fields),
    warn: (msg, fields) => write('warn', msg, fields),
    error: (msg, fields) => write('error', msg, fields),
    child: (fields) => createLogger({ level, sink, now, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything: for callers that were given none. */
export const silentLogger: Logger = createLogger({ level: 'silent' });

// Errors do not serialise to JSON on their own; keep what a person needs from them.
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const out: LogFields = { name: value.name, message: value.message };
    const code = (value as { code?: unknown }).code;
    if (code !== undefined) out.code = code;
    if (value.cause !== undefined) out.cause = value.cause;
    return out;
  }
  return value;
}
