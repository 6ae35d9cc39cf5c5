// The patch library's public surface, for the apiserver's PATCH handler.
export { applyJsonPatch, decodeJsonPatch, MAX_JSON_PATCH_OPERATIONS } from './json-patch.ts';
export type { JsonPatchOperation, JsonPatchOptions } from './json-patch.ts';
export { applyMergePatch } from './merge-patch.ts';
export { applyStrategicMergePatch, strategicMergePatch } from './strategic-merge-patch.ts';
export type { PatchMetaLookup } from './strategic-merge-patch.ts';
export {
  acceptedPatchContentTypes,
  PATCH_CONTENT_TYPES,
  STRATEGIC_MERGE_KEYS,
  supportsStrategicMergePatch,
} from './merge-keys.ts';
export type { PatchMeta, PatchMetaTable, PatchStrategy } from './merge-keys.ts';
export { GENERIC_INVALID_MESSAGE, PATCH_ERRORS, PatchError } from './patch-error.ts';
export type { PatchErrorCode } from './patch-error.ts';
export type { JsonObject, JsonValue } from './json-value.ts';
