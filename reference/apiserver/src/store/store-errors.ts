// Errors the store backends raise beyond the contract's CompactedError and FutureRevisionError.

/** A request the store refuses before doing anything: the message names the offending field. */
export class InvalidStoreRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStoreRequestError';
  }
}

/** A backend's configuration is unusable: the message names the field. */
export class InvalidStoreConfigError extends Error {
  constructor(backend: string, message: string) {
    super(`${backend} store config: ${message}`);
    this.name = 'InvalidStoreConfigError';
  }
}

/** The store was closed: every later call fails with this, and open watches end with it. */
export class StoreClosedError extends Error {
  constructor(what: string) {
    super(`${what}: the store is closed`);
    this.name = 'StoreClosedError';
  }
}

/**
 * Writing the log failed, so what is on disk is no longer known: the store refuses all further
 * writes (reads of acknowledged data still work). Reopening the store replays what is durable.
 */
export class StoreFailedError extends Error {
  constructor(file: string, cause: unknown) {
    super(`writing the store log ${file} failed, the store accepts no more writes: ${describe(cause)}`, {
      cause,
    });
    this.name = 'StoreFailedError';
  }
}

/** The log holds a damaged record that is not the last one: refusing to guess, never truncating. */
export class StoreLogCorruptError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    readonly reason: string,
  ) {
    super(`store log ${file} is corrupt at byte offset ${offset}: ${reason}`);
    this.name = 'StoreLogCorruptError';
  }
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
