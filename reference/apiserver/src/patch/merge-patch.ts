// RFC 7386 JSON Merge Patch as upstream's apiserver applies it: jsonpatch.MergePatch from
// gopkg.in/evanphx/json-patch.v4 (merge.go). It departs from the RFC in three places, and so do we:
// a null or scalar patch is refused ("Invalid JSON Patch", 400) instead of replacing the document;
// a value added where there was none, or over a non-object, has its nulls pruned, null items of
// arrays included; an array patch replaces any document, with its nulls pruned.
import { cloneJson, hasOwn, isJsonObject, setOwn } from './json-value.ts';
import type { JsonObject, JsonValue } from './json-value.ts';
import { PatchError } from './patch-error.ts';

/**
 * Returns `document` with `patch` merged in; never mutates its arguments.
 * @throws PatchError MergePatchMalformed (400, "Invalid JSON Patch") for a null or scalar patch;
 *   MergePatchBadDocument (500) for a null document.
 */
export function applyMergePatch(document: JsonValue, patch: unknown): JsonValue {
  if (document === null) throw new PatchError('MergePatchBadDocument', 'Invalid JSON Document');
  if (patch === null || (typeof patch !== 'object' && !Array.isArray(patch))) {
    throw new PatchError('MergePatchMalformed', 'Invalid JSON Patch');
  }
  const patchCopy = cloneJson(patch) as JsonValue;
  if (isJsonObject(document) && isJsonObject(patchCopy)) {
    const result = cloneJson(document);
    mergeDocs(result, patchCopy);
    return result;
  }
  // The document is not an object (or the patch is an array): the patch becomes the document.
  return pruneNulls(patchCopy);
}

function mergeDocs(doc: JsonObject, patch: JsonObject): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete doc[key];
      continue;
    }
    const current = hasOwn(doc, key) ? doc[key] : null;
    setOwn(doc, key, current === null || current === undefined ? pruneNulls(value) : merge(current, value));
  }
}

function merge(current: JsonValue, patch: JsonValue): JsonValue {
  if (!isJsonObject(current)) return pruneNulls(patch);
  // Upstream returns a non-object patch here as is, nulls and all.
  if (!isJsonObject(patch)) return patch;
  mergeDocs(current, patch);
  return current;
}

function pruneNulls(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.filter((item) => item !== null).map(pruneNulls);
  if (!isJsonObject(value)) return value;
  for (const [key, item] of Object.entries(value)) {
    if (item === null) delete value[key];
    else setOwn(value, key, pruneNulls(item));
  }
  return value;
}
