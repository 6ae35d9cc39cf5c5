// Request checks shared by every backend, so a bad request fails the same way on each of them
// and before anything is read or written.
import type { RangeRequest, TxnRequest, WatchRequest } from './store.ts';
import { InvalidStoreRequestError } from './store-errors.ts';

export function checkRevision(field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new InvalidStoreRequestError(`${field} must be a non-negative integer, got ${String(value)}`);
  }
  return value;
}

function checkString(field: string, value: unknown): void {
  if (typeof value !== 'string') {
    throw new InvalidStoreRequestError(`${field} must be a string, got ${typeof value}`);
  }
}

function checkKey(field: string, value: unknown): void {
  checkString(field, value);
  if (value === '') throw new InvalidStoreRequestError(`${field} must not be empty`);
}

/** Keys are non-empty strings; each key is written at most once (etcd refuses duplicates too). */
export function checkTxnRequest(request: TxnRequest): void {
  if (!Array.isArray(request.compare)) throw new InvalidStoreRequestError('txn compare must be an array');
  if (!Array.isArray(request.success)) throw new InvalidStoreRequestError('txn success must be an array');
  request.compare.forEach((c, i) => {
    checkKey(`txn compare[${i}].key`, c.key);
    checkRevision(`txn compare[${i}].modRevision`, c.modRevision);
  });
  const written = new Set<string>();
  request.success.forEach((op, i) => {
    checkKey(`txn success[${i}].key`, op.key);
    if (op.type === 'put') checkString(`txn success[${i}].value`, op.value);
    else if (op.type !== 'delete') {
      throw new InvalidStoreRequestError(`txn success[${i}].type must be "put" or "delete"`);
    }
    if (written.has(op.key)) {
      throw new InvalidStoreRequestError(`txn success[${i}] writes key "${op.key}" a second time`);
    }
    written.add(op.key);
  });
}

export function checkGetKey(key: unknown): void {
  checkString('get key', key);
}

export function checkRangeRequest(request: RangeRequest): void {
  checkString('range prefix', request.prefix);
  if (request.startAfter !== undefined) checkString('range startAfter', request.startAfter);
  if (request.limit !== undefined) checkRevision('range limit', request.limit);
  if (request.revision !== undefined) checkRevision('range revision', request.revision);
  if (request.count !== undefined && typeof request.count !== 'boolean')
    throw new InvalidStoreRequestError(`range count must be a boolean, got ${typeof request.count}`);
}

export function checkWatchRequest(request: WatchRequest): void {
  checkString('watch prefix', request.prefix);
  checkRevision('watch afterRevision', request.afterRevision);
  if (typeof request.onEvents !== 'function' || typeof request.onError !== 'function') {
    throw new InvalidStoreRequestError('watch needs onEvents and onError functions');
  }
}
