// The errors of k8s.io/apimachinery/pkg/util/mergepatch (errors.go) that applying a strategic merge
// patch can raise, with the HTTP status upstream's interpretStrategicMergePatchError gives each:
// the sentinels below by identity, every other error 500 (see patch-error.ts).
import { goFormat, goTypeName } from './json-value.ts';
import { GENERIC_INVALID_MESSAGE, PatchError } from './patch-error.ts';

export class SmpFailure extends Error {
  constructor(
    message: string,
    readonly status: 400 | 422 | 500 = 500,
  ) {
    super(message);
  }

  toPatchError(): PatchError {
    if (this.status === 400) return new PatchError('StrategicMergePatchMalformed', this.message);
    if (this.status === 422)
      return new PatchError('StrategicMergePatchUnprocessable', GENERIC_INVALID_MESSAGE, this.message);
    return new PatchError('StrategicMergePatchFailed', this.message);
  }
}

export const ERR_NO_LIST_OF_LISTS = 'lists of lists are not supported';
export const ERR_BAD_PRIMITIVE_LIST = 'invalid patch format of primitive list';
export const ERR_BAD_RETAIN_KEYS = 'invalid patch format of retainKeys';
export const ERR_BAD_SET_ELEMENT_ORDER = 'invalid patch format of setElementOrder list';

export const noListOfLists = (): never => {
  throw new SmpFailure(ERR_NO_LIST_OF_LISTS, 422);
};

export const badPatchFormat = (text: string): never => {
  throw new SmpFailure(text, 400);
};

export const internal = (text: string): never => {
  throw new SmpFailure(text);
};

/** mergepatch.ErrNoMergeKey. */
export const noMergeKey = (item: unknown, mergeKey: string): never =>
  internal(`map: ${goFormat(item)} does not contain declared merge key: ${mergeKey}`);

/** mergepatch.ErrBadArgType; `expected` is a Go type name (GO_MAP_TYPE or GO_SLICE_TYPE). */
export const badArgType = (expected: string, actual: unknown): never =>
  internal(`expected a ${expected}, but received a ${goTypeName(actual)}`);

/** mergepatch.ErrBadPatchType: `%s` of the directive value, `%v` of the map holding it. */
export const badPatchType = (directive: unknown, patch: unknown): never =>
  internal(
    `unknown patch type: ${typeof directive === 'string' ? directive : `%!s(${goTypeName(directive)}=${goFormat(directive)})`} in map: ${goFormat(patch)}`,
  );
