// The patch library's error catalogue: every failure is a PatchError with a code from PATCH_ERRORS,
// which fixes the HTTP status and Status reason upstream's apiserver answers with
// (k8s.io/apiserver/pkg/endpoints/handlers/patch.go):
//
// - JSON patch body that does not decode (jsonpatch.DecodePatch): errors.NewBadRequest(err) → 400.
// - more than 10000 operations: errors.NewRequestEntityTooLargeError → 413.
// - an operation that does not apply, a failed "test" included (patchObj.Apply):
//   errors.NewGenericServerResponse(422, ...) → 422 Invalid with the generic message
//   "the server rejected our request due to an error in our request"; upstream drops the
//   library's text (isUnexpectedResponse is false), we keep it in `detail` for logs.
// - merge patch that is not an object or array (jsonpatch.ErrBadJSONPatch): 400 "Invalid JSON Patch".
// - strategic merge patch (interpretStrategicMergePatchError): the mergepatch sentinels
//   ErrBadJSONDoc, ErrBadPatchFormatForPrimitiveList, ErrBadPatchFormatForRetainKeys,
//   ErrBadPatchFormatForSetElementOrderList → 400 BadRequest with the error text; ErrNoListOfLists and
//   ErrPatchContentNotMatchRetainKeys → 422 generic; anything else is returned as a plain error,
//   which responsewriters.ErrorToAPIStatus turns into 500 with reason "" (StatusReasonUnknown) and
//   the error text as the message.
// - strategic merge patch on a kind without Go struct tags (CRDs): the content type is refused
//   before any patching, 415 UnsupportedMediaType.
import { statusError, type ApiError } from '../api-error.ts';

export const PATCH_ERRORS = {
  JsonPatchMalformed: { status: 400, reason: 'BadRequest' },
  JsonPatchTooManyOperations: { status: 413, reason: 'RequestEntityTooLarge' },
  JsonPatchFailed: { status: 422, reason: 'Invalid' },
  MergePatchMalformed: { status: 400, reason: 'BadRequest' },
  MergePatchBadDocument: { status: 500, reason: '' },
  StrategicMergePatchMalformed: { status: 400, reason: 'BadRequest' },
  StrategicMergePatchUnprocessable: { status: 422, reason: 'Invalid' },
  StrategicMergePatchFailed: { status: 500, reason: '' },
  StrategicMergePatchUnsupported: { status: 415, reason: 'UnsupportedMediaType' },
} as const satisfies Record<string, { status: number; reason: string }>;

export type PatchErrorCode = keyof typeof PATCH_ERRORS;

/** Upstream's message for every 422 built with NewGenericServerResponse. */
export const GENERIC_INVALID_MESSAGE = 'the server rejected our request due to an error in our request';

export class PatchError extends Error {
  readonly status: number;
  readonly reason: string;

  /**
   * @param message the Status message upstream sends.
   * @param detail the underlying library's text (upstream's json-patch / strategicpatch error);
   *   equal to `message` except for the 422s, whose upstream message is generic.
   */
  constructor(
    readonly code: PatchErrorCode,
    message: string,
    readonly detail: string = message,
  ) {
    super(message);
    this.name = 'PatchError';
    this.status = PATCH_ERRORS[code].status;
    this.reason = PATCH_ERRORS[code].reason;
  }

  /** The Kubernetes Status upstream answers with; the 422s carry an empty `details` as upstream's do. */
  toApiError(): ApiError {
    return statusError(this.status, this.reason, this.message, this.status === 422 ? {} : undefined);
  }
}
