// Reading the apiserver's answers to failed requests: client-node throws ApiException with the
// Status body as a string (or parsed); the controllers need its code and its message, which is
// what upstream's err.Error() prints into events and conditions; and turning cached objects back
// into what the typed client sends.
import { ApiException } from '@kubernetes/client-node';
// client-node 1.3 does not re-export its model serializer from the package root.
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';

export function statusCode(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

export const isNotFound = (err: unknown): boolean => statusCode(err) === 404;
export const isConflict = (err: unknown): boolean => statusCode(err) === 409;

/** The Status message of an API error (`Pod "x" is invalid: …`), else the error's own message. */
export function apiErrorMessage(err: unknown): string {
  if (err instanceof ApiException) {
    const body: unknown = err.body;
    let parsed: unknown = body;
    if (typeof body === 'string') {
      try {
        parsed = JSON.parse(body);
      } catch {
        return body || `HTTP ${err.code}`;
      }
    }
    const message = (parsed as { message?: unknown } | null)?.message;
    if (typeof message === 'string' && message !== '') return message;
    return `HTTP ${err.code}`;
  }
  return err instanceof Error ? err.message : String(err);
}

/**
 * An informer's object as the typed client expects it back. Objects that arrived by watch are
 * plain JSON (timestamps as strings) while the client's serializer wants Date objects: send a
 * cached object (or its metadata) only after this conversion. `type` is the model name, e.g.
 * `V1ReplicationController`.
 */
export function fromCache<T>(obj: T, type: string): T {
  return ObjectSerializer.deserialize(obj, type, '') as T;
}
