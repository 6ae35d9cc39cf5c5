// Field errors and the 422 `Status` built from them, as upstream Kubernetes writes them.
// Sources: k8s.io/apimachinery/pkg/util/validation/field/{errors,path}.go,
// k8s.io/apimachinery/pkg/api/errors/errors.go (NewInvalid, NewBadRequest),
// k8s.io/apimachinery/pkg/util/errors/errors.go (aggregate formatting).

import { formatBadValue, goQuote } from './go-format.ts';

/** Upstream's ErrorType values; each is also the `reason` of the Status cause it becomes. */
export const FieldErrorType = {
  NotFound: 'FieldValueNotFound',
  Required: 'FieldValueRequired',
  Duplicate: 'FieldValueDuplicate',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  Internal: 'InternalError',
  TypeInvalid: 'FieldValueTypeInvalid',
} as const;
export type FieldErrorType = (typeof FieldErrorType)[keyof typeof FieldErrorType];

/** ErrorType.String(): the words that open an error's body. */
const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

export interface FieldError {
  type: FieldErrorType;
  /** The field path as upstream prints it: `spec.containers[0].image`. */
  field: string;
  badValue?: unknown;
  detail?: string;
}

/** Marks a bad value that the message must not print (upstream's `omitValue`). */
export const OMIT_VALUE: unique symbol = Symbol('omitValue');

/**
 * A field path built like upstream's field.Path: `child` adds `.name`, `index`/`key` add
 * `[i]`. A root with an empty name prints as `[]`, exactly as upstream prints `NewPath("")`.
 */
export class FieldPath {
  private constructor(
    private readonly parent: FieldPath | undefined,
    private readonly name: string,
    private readonly subscript: string,
  ) {}

  static of(name: string, ...more: string[]): FieldPath {
    let p = new FieldPath(undefined, name, '');
    for (const n of more) p = new FieldPath(p, n, '');
    return p;
  }

  child(name: string, ...more: string[]): FieldPath {
    let p = new FieldPath(this, name, '');
    for (const n of more) p = new FieldPath(p, n, '');
    return p;
  }

  index(i: number): FieldPath {
    return new FieldPath(this, '', String(i));
  }

  key(k: string): FieldPath {
    return new FieldPath(this, '', k);
  }

  toString(): string {
    const parts: FieldPath[] = [this];
    for (let p = this.parent; p; p = p.parent) parts.unshift(p);
    let out = '';
    for (const p of parts) {
      if (p.parent && p.name.length > 0) out += '.';
      out += p.name.length > 0 ? p.name : `[${p.subscript}]`;
    }
    return out;
  }
}

export type PathLike = FieldPath | string;
const at = (path: PathLike): string => (typeof path === 'string' ? path : path.toString());

export const required = (path: PathLike, detail = ''): FieldError => ({
  type: FieldErrorType.Required,
  field: at(path),
  badValue: '',
  detail,
});
export const invalid = (path: PathLike, value: unknown, detail: string): FieldError => ({
  type: FieldErrorType.Invalid,
  field: at(path),
  badValue: value,
  detail,
});
export const typeInvalid = (path: PathLike, value: unknown, detail: string): FieldError => ({
  type: FieldErrorType.TypeInvalid,
  field: at(path),
  badValue: value,
  detail,
});
export const notFound = (path: PathLike, value: unknown): FieldError => ({
  type: FieldErrorType.NotFound,
  field: at(path),
  badValue: value,
  detail: '',
});
export const duplicate = (path: PathLike, value: unknown): FieldError => ({
  type: FieldErrorType.Duplicate,
  field: at(path),
  badValue: value,
  detail: '',
});
export const forbidden = (path: PathLike, detail: string): FieldError => ({
  type: FieldErrorType.Forbidden,
  field: at(path),
  badValue: '',
  detail,
});
export const internalError = (path: PathLike, detail: string): FieldError => ({
  type: FieldErrorType.Internal,
  field: at(path),
  badValue: null,
  detail,
});

/** `supported values: "a", "b"` with each value strconv.Quote'd, in the order given. */
export function notSupported(path: PathLike, value: unknown, validValues: readonly string[]): FieldError {
  const detail = validValues.length > 0 ? 'supported values: ' + validValues.map(goQuote).join(', ') : '';
  return { type: FieldErrorType.NotSupported, field: at(path), badValue: value, detail };
}

/** field.TooLong: the value is never printed. */
export const tooLong = (path: PathLike, maxLength: number): FieldError => ({
  type: FieldErrorType.TooLong,
  field: at(path),
  badValue: '',
  detail: `must have at most ${maxLength} bytes`,
});

/** field.TooMany: a negative quantity omits the value, a negative maximum omits the limit. */
export function tooMany(path: PathLike, actual: number, max: number): FieldError {
  return {
    type: FieldErrorType.TooMany,
    field: at(path),
    badValue: actual >= 0 ? actual : OMIT_VALUE,
    detail: max >= 0 ? `must have at most ${max} items` : 'has too many items',
  };
}

/** `(*field.Error).ErrorBody()`: the message without the field, as a Status cause carries it. */
export function errorBody(e: FieldError): string {
  const text = TYPE_TEXT[e.type] ?? 'Invalid value';
  let s: string;
  switch (e.type) {
    case FieldErrorType.Required:
    case FieldErrorType.Forbidden:
    case FieldErrorType.TooLong:
    case FieldErrorType.Internal:
      s = text;
      break;
    default:
      s = e.badValue === OMIT_VALUE ? text : `${text}: ${formatBadValue(e.badValue)}`;
  }
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** `(*field.Error).Error()`: `spec.containers[0].image: Required value`. */
export function errorMessage(e: FieldError): string {
  return `${e.field}: ${errorBody(e)}`;
}

/**
 * `ErrorList.ToAggregate().Error()`: duplicates (by whole message) dropped, one error printed
 * alone, several as `[a, b]`. Empty string for an empty list.
 */
export function aggregateMessage(errors: readonly FieldError[]): string {
  const seen = new Set<string>();
  const messages: string[] = [];
  for (const e of errors) {
    const m = errorMessage(e);
    if (seen.has(m)) continue;
    seen.add(m);
    messages.push(m);
  }
  if (messages.length === 0) return '';
  if (messages.length === 1) return messages[0] ?? '';
  return `[${messages.join(', ')}]`;
}

export interface StatusCause {
  reason: string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** schema.GroupKind.String(): `Pod` for the core group, `Deployment.apps` otherwise. */
export const qualifiedKind = (kind: string, group: string): string => (group ? `${kind}.${group}` : kind);

/**
 * The 422 Status of apierrors.NewInvalid. Causes keep every error (duplicates included) and carry
 * the message without the field; the top-level message uses the de-duplicated aggregate. Keys
 * are in upstream's JSON order; empty group and empty cause fields are omitted as upstream does.
 */
export function invalidStatus(
  kind: string,
  group: string,
  name: string,
  errors: readonly FieldError[],
): Status {
  const causes: StatusCause[] = errors.map((e) => {
    const cause: StatusCause = { reason: e.type, message: errorBody(e) };
    if (e.field) cause.field = e.field;
    return cause;
  });
  const aggregate = aggregateMessage(errors);
  const subject = `${qualifiedKind(kind, group)} ${goQuote(name)} is invalid`;
  const details: StatusDetails = { name };
  if (group) details.group = group;
  details.kind = kind;
  details.causes = causes;
  if (!name) delete details.name;
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: aggregate ? `${subject}: ${aggregate}` : subject,
    reason: 'Invalid',
    details,
    code: 422,
  };
}

/** apierrors.NewBadRequest: a 400 Status with only a message. */
export function badRequestStatus(message: string): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'BadRequest',
    code: 400,
  };
}
