// PATCH bodies applied to the current object: JSON patch, merge patch and strategic merge patch
// from the patch library, with its errors turned into upstream's Status answers.
import type { ApiObject } from '../registry/objects.ts';
import type { ResourceInfo } from '../resources.ts';
import {
  applyJsonPatch,
  applyMergePatch,
  decodeJsonPatch,
  PatchError,
  strategicMergePatch,
  type JsonObject,
  type JsonValue,
} from '../patch/index.ts';
import { parseJson } from './body.ts';
import { statusError } from '../api-error.ts';
import type { Patcher } from './resource-handler.ts';

export const applyPatch: Patcher = (
  patchType: string,
  info: ResourceInfo,
  current: ApiObject,
  body: Buffer,
) => {
  const patch = parseJson(body);
  try {
    let result: JsonValue;
    switch (patchType) {
      case 'application/json-patch+json':
        result = applyJsonPatch(current as unknown as JsonValue, decodeJsonPatch(patch));
        break;
      case 'application/merge-patch+json':
        result = applyMergePatch(current as unknown as JsonValue, patch);
        break;
      default:
        result = strategicMergePatch(info.kind, current as unknown as JsonObject, patch);
    }
    const obj = result as unknown as ApiObject;
    if (
      typeof obj !== 'object' ||
      obj === null ||
      Array.isArray(obj) ||
      typeof obj.metadata !== 'object' ||
      obj.metadata === null
    ) {
      throw statusError(
        422,
        'Invalid',
        `${info.kind} "${current.metadata.name}" is invalid: metadata: Required value`,
      );
    }
    return obj;
  } catch (err) {
    if (err instanceof PatchError) throw err.toApiError();
    throw err;
  }
};
