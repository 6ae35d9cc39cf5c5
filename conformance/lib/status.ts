// Kubernetes `Status` error bodies, read the same way whether a call went through a typed client
// (which throws an ApiException whose `body` is the JSON text) or through `Cluster.request()`.
import { ApiException } from '@kubernetes/client-node';
import type { ApiResponse } from './cluster.ts';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** The fields of a metav1.Status the suite asserts on. */
export interface StatusBody {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; uid?: string; causes?: StatusCause[] };
}

export interface Rejection {
  /** HTTP status code. */
  code: number;
  status: StatusBody;
}

function parseStatus(text: unknown): StatusBody {
  if (typeof text === 'object' && text !== null) return text as StatusBody;
  if (typeof text !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as StatusBody) : {};
  } catch {
    return { message: text };
  }
}

/**
 * Awaits a typed-client call that must fail and returns its HTTP code and Status body. Throws when
 * the call succeeds (naming `what`), or fails without an HTTP answer.
 */
export async function rejection(what: string, call: Promise<unknown>): Promise<Rejection> {
  let result: unknown;
  try {
    result = await call;
  } catch (err) {
    if (err instanceof ApiException) {
      return { code: err.code, status: parseStatus((err as ApiException<unknown>).body) };
    }
    throw err;
  }
  throw new Error(`${what}: expected the server to refuse it, but it succeeded with ${summarize(result)}`);
}

/** The Status body of a raw response that must have failed with `code`. */
export function statusOf(what: string, res: ApiResponse, code: number): StatusBody {
  if (res.status !== code) {
    throw new Error(`${what}: expected HTTP ${code}, got ${res.status}: ${res.text.slice(0, 500)}`);
  }
  return parseStatus(res.body ?? res.text);
}

/** The JSON body of a raw response that must have succeeded with one of `codes` (default 200/201). */
export function bodyOf<T>(what: string, res: ApiResponse, codes: number[] = [200, 201]): T {
  if (!codes.includes(res.status)) {
    throw new Error(
      `${what}: expected HTTP ${codes.join(' or ')}, got ${res.status}: ${res.text.slice(0, 500)}`,
    );
  }
  if (res.body === undefined) throw new Error(`${what}: HTTP ${res.status} with a body that is not JSON`);
  return res.body as T;
}

function summarize(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}
