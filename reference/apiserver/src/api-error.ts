// Failures as upstream's apiserver reports them: a metav1.Status object with the HTTP code, a
// one-word reason and a message in upstream's words (k8s.io/apimachinery/pkg/api/errors).
import type { ResourceInfo } from './resources.ts';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  constructor(readonly status: Status) {
    super(status.message);
    this.name = 'ApiError';
  }
  get code(): number {
    return this.status.code;
  }
}

export function statusError(
  code: number,
  reason: string,
  message: string,
  details?: StatusDetails,
): ApiError {
  const status: Status = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details) status.details = details;
  return new ApiError(status);
}

/** `pods "web" not found`; upstream uses the resource plural with its group: `leases.coordination.k8s.io`. */
export function qualifiedResource(info: Pick<ResourceInfo, 'resource' | 'group'>): string {
  return info.group ? `${info.resource}.${info.group}` : info.resource;
}

const details = (info: Pick<ResourceInfo, 'resource' | 'group'>, name: string): StatusDetails => {
  const d: StatusDetails = { name, kind: info.resource };
  if (info.group) d.group = info.group;
  return d;
};

export const notFound = (info: Pick<ResourceInfo, 'resource' | 'group'>, name: string): ApiError =>
  statusError(404, 'NotFound', `${qualifiedResource(info)} "${name}" not found`, details(info, name));

export const alreadyExists = (info: Pick<ResourceInfo, 'resource' | 'group'>, name: string): ApiError =>
  statusError(
    409,
    'AlreadyExists',
    `${qualifiedResource(info)} "${name}" already exists`,
    details(info, name),
  );

export const conflict = (
  info: Pick<ResourceInfo, 'resource' | 'group'>,
  name: string,
  why: string,
): ApiError =>
  statusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualifiedResource(info)} "${name}": ${why}`,
    details(info, name),
  );

export const OBJECT_MODIFIED =
  'the object has been modified; please apply your changes to the latest version and try again';

export const badRequest = (message: string): ApiError => statusError(400, 'BadRequest', message);

export const forbidden = (
  info: Pick<ResourceInfo, 'resource' | 'group'>,
  name: string,
  why: string,
): ApiError =>
  statusError(
    403,
    'Forbidden',
    `${qualifiedResource(info)} "${name}" is forbidden: ${why}`,
    details(info, name),
  );

export const methodNotSupported = (
  info: Pick<ResourceInfo, 'resource' | 'group'>,
  action: string,
): ApiError =>
  statusError(
    405,
    'MethodNotAllowed',
    `${action} is not supported on resources of kind "${qualifiedResource(info)}"`,
    {
      kind: info.resource,
      ...(info.group ? { group: info.group } : {}),
    },
  );

export const notFoundPath = (): ApiError =>
  statusError(404, 'NotFound', 'the server could not find the requested resource');

/** Watch or list from a compacted resourceVersion (upstream: NewResourceExpired, 410). */
export const expired = (message: string): ApiError => statusError(410, 'Expired', message);

/** Upstream's negotiation error for a body type the endpoint does not take. */
export const unsupportedMediaType = (accepted: readonly string[]): ApiError =>
  statusError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  );

export const requestEntityTooLarge = (limit: number): ApiError =>
  statusError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);

export const unauthorized = (): ApiError => statusError(401, 'Unauthorized', 'Unauthorized');

export const internalError = (err: unknown): ApiError =>
  statusError(500, 'InternalError', `Internal error occurred: ${(err as Error)?.message ?? String(err)}`);

export const tooLargeResourceVersion = (requested: number, current: number): ApiError =>
  statusError(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: `Too large resource version` }],
    retryAfterSeconds: 1,
  });
