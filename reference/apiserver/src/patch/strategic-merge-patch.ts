// Kubernetes strategic merge patch, the apply half of k8s.io/apimachinery/pkg/util/strategicpatch
// (StrategicMergeMapPatch with MergeParallelList and IgnoreUnmatchedNulls, as the apiserver calls it),
// at v0.36: maps merge key by key and null deletes a key; lists tagged patchStrategy "merge" merge
// items by patchMergeKey (or as a set, for scalars); other lists are replaced. Directives:
// `$patch: replace|delete` on a map, `$patch: replace|delete` items in a merged list,
// `$retainKeys`, `$setElementOrder/<list>` and `$deleteFromPrimitiveList/<list>`. `$patch: merge` is
// refused as upstream refuses it, and without `$setElementOrder` upstream puts items new to a merged
// list before the existing ones; both are kept.
//
// Upstream then decodes the result into the Go type, which drops fields it does not know; the only
// such fields a patch can leave behind are directives that upstream does not consume in some
// positions (inside a `$patch: replace` map, in an item appended to a list), so we strip those.
import {
  hasOwn,
  isJsonObject,
  cloneJson,
  goFormat,
  goJsonKind,
  goTypeName,
  setOwn,
  GO_SLICE_TYPE,
} from './json-value.ts';
import type { JsonObject, JsonValue } from './json-value.ts';
import {
  acceptedPatchContentTypes,
  STRATEGIC_MERGE_KEYS,
  supportsStrategicMergePatch,
} from './merge-keys.ts';
import type { PatchMeta } from './merge-keys.ts';
import { PatchError } from './patch-error.ts';
import {
  badArgType,
  badPatchFormat,
  badPatchType,
  ERR_BAD_PRIMITIVE_LIST,
  ERR_BAD_RETAIN_KEYS,
  ERR_BAD_SET_ELEMENT_ORDER,
  internal,
  noMergeKey,
  SmpFailure,
} from './smp-errors.ts';
import {
  containsDirectiveMarker,
  deduplicateScalars,
  deleteFromSlice,
  extractToDeleteItems,
  findByKey,
  mergeKeyValueEqual,
  normalizeElementOrder,
  partitionByPresence,
  sliceElementKind,
} from './smp-lists.ts';
import type { JsonList } from './smp-lists.ts';

/** Patch metadata for the field at a path (see merge-keys.ts for the path syntax). */
export type PatchMetaLookup = (path: string) => PatchMeta | undefined;

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_PREFIX = '$deleteFromPrimitiveList';
const ORDER_PREFIX = '$setElementOrder';

/**
 * Applies a strategic merge patch to an object of a built-in kind; never mutates its arguments.
 * @throws PatchError StrategicMergePatchUnsupported (415) for a kind without struct tags (upstream
 *   refuses the content type for CRDs), or see applyStrategicMergePatch.
 */
export function strategicMergePatch(kind: string, original: JsonObject, patch: unknown): JsonObject {
  if (!supportsStrategicMergePatch(kind)) {
    const accepted = acceptedPatchContentTypes(kind).join(', ');
    throw new PatchError(
      'StrategicMergePatchUnsupported',
      `the body of the request was in an unknown format - accepted media types include: ${accepted}`,
    );
  }
  const table = STRATEGIC_MERGE_KEYS[kind] ?? {};
  return applyStrategicMergePatch(original, patch, (path) => (hasOwn(table, path) ? table[path] : undefined));
}

/**
 * Applies a strategic merge patch with the given field metadata; never mutates its arguments.
 * A null patch changes nothing, as upstream decodes it into a nil map.
 * @throws PatchError StrategicMergePatchMalformed (400), StrategicMergePatchUnprocessable (422) or
 *   StrategicMergePatchFailed (500), as upstream's interpretStrategicMergePatchError sorts them.
 */
export function applyStrategicMergePatch(
  original: JsonObject,
  patch: unknown,
  lookup: PatchMetaLookup,
): JsonObject {
  if (patch === null) return cloneJson(original);
  if (!isJsonObject(patch)) {
    throw new PatchError(
      'StrategicMergePatchMalformed',
      `json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`,
    );
  }
  try {
    return stripDirectives(mergeMap(cloneJson(original), cloneJson(patch), '', lookup)) as JsonObject;
  } catch (err) {
    if (err instanceof SmpFailure) throw err.toPatchError();
    throw err;
  }
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/** The strategy besides retainKeys (extractRetainKeysPatchStrategy): "merge", "replace" or "". */
const strategyOf = (meta: PatchMeta | undefined): string =>
  meta?.strategy.split(',').find((s) => s !== 'retainKeys') ?? '';

/** mergeMap: merges `patch` into `original` (both owned copies, both modified) and returns the result. */
function mergeMap(
  original: JsonObject,
  patch: JsonObject,
  path: string,
  lookup: PatchMetaLookup,
): JsonObject {
  if (hasOwn(patch, DIRECTIVE)) return directiveInMap(patch[DIRECTIVE], patch);
  applyRetainKeysDirective(original, patch);
  mergePatchIntoOriginal(original, patch, path, lookup);

  for (const [patchKey, patchValue] of Object.entries(patch)) {
    const isDeleteList = patchKey.startsWith(DELETE_PREFIX);
    const key = isDeleteList ? extractKey(patchKey, DELETE_PREFIX, ERR_BAD_PRIMITIVE_LIST) : patchKey;
    if (patchValue === null) {
      delete original[key];
      continue;
    }
    const current = hasOwn(original, key) ? original[key] : undefined;
    if (current === undefined || goTypeName(current) !== goTypeName(patchValue)) {
      // A deletion list never creates or replaces the list it names.
      if (!isDeleteList) takePatchValue(original, key, patchValue, true);
      continue;
    }
    const fieldPath = join(path, key);
    const meta = lookup(fieldPath);
    if (isJsonObject(current)) {
      const merged =
        strategyOf(meta) === 'replace'
          ? patchValue
          : mergeMap(current, patchValue as JsonObject, fieldPath, lookup);
      setOwn(original, key, merged);
    } else if (Array.isArray(current)) {
      setOwn(
        original,
        key,
        mergeSliceHandler(current, patchValue as JsonList, fieldPath, meta, isDeleteList, lookup),
      );
    } else {
      takePatchValue(original, key, patchValue, false);
    }
  }
  return original;
}

/** A map holding `$patch`: replace it by the rest of the patch, or empty it. */
function directiveInMap(directive: JsonValue | undefined, patch: JsonObject): JsonObject {
  if (directive === 'replace') {
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === 'delete') return {};
  return badPatchType(directive, patch);
}

/** Sets a key to a patch value with its directives removed (and, for a new value, its nulls). */
function takePatchValue(original: JsonObject, key: string, value: JsonValue, discardNulls: boolean): void {
  if (discardNulls) discardNullValues(value);
  const [cleaned, keep] = removeDirectives(value);
  if (keep) setOwn(original, key, cleaned);
  else delete original[key];
}

/** extractKey: the list name after "<prefix>/". */
function extractKey(directiveKey: string, prefix: string, errorText: string): string {
  const slash = directiveKey.indexOf('/');
  if (slash < 0 || directiveKey.slice(0, slash) !== prefix) return badPatchFormat(errorText);
  return directiveKey.slice(slash + 1);
}

/** `$retainKeys`: every non-null field of the patch must be listed; fields not listed are cleared. */
function applyRetainKeysDirective(original: JsonObject, patch: JsonObject): void {
  if (!hasOwn(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) return badPatchFormat(ERR_BAD_RETAIN_KEYS);
  const keep = new Set<unknown>(retain);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(DELETE_PREFIX) || key.startsWith(ORDER_PREFIX)) continue;
    if (!keep.has(key)) badPatchFormat(ERR_BAD_RETAIN_KEYS);
  }
  for (const key of Object.keys(original)) if (!keep.has(key)) delete original[key];
}

/** mergePatchIntoOriginal: merges each list named by a `$setElementOrder/<list>` and orders it. */
function mergePatchIntoOriginal(
  original: JsonObject,
  patch: JsonObject,
  path: string,
  lookup: PatchMetaLookup,
): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(ORDER_PREFIX)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    if (!Array.isArray(order)) return badArgType(GO_SLICE_TYPE, order);
    const listKey = extractKey(directiveKey, ORDER_PREFIX, ERR_BAD_SET_ELEMENT_ORDER);
    const originalList = listAt(original, listKey);
    const patchList = listAt(patch, listKey);
    const fieldPath = join(path, listKey);
    const meta = lookup(fieldPath);
    const mergeKey = meta?.mergeKey ?? '';
    validatePatchWithSetOrderList(patchList ?? [], order, mergeKey);

    let merged: JsonList;
    if (originalList && patchList)
      merged = mergeSliceHandler(originalList, patchList, fieldPath, meta, false, lookup);
    else if (originalList) merged = originalList;
    else if (patchList) merged = removeDirectives(patchList)[0] as JsonList;
    else continue;

    const [inOrder, serverOnly] = partitionByPresence(merged, order, mergeKey);
    const kind = sliceElementKind(originalList ?? [], patchList ?? []);
    setOwn(
      original,
      listKey,
      normalizeElementOrder(inOrder, serverOnly, order, originalList ?? [], mergeKey, kind),
    );
    delete patch[listKey];
  }
}

/** The list under `key`, undefined when absent; anything else there is an error. */
function listAt(object: JsonObject, key: string): JsonList | undefined {
  if (!hasOwn(object, key)) return undefined;
  const value = object[key];
  return Array.isArray(value) ? value : badArgType(GO_SLICE_TYPE, value);
}

/** validatePatchWithSetOrderList: patch items must appear in the `$setElementOrder` list, in its order. */
function validatePatchWithSetOrderList(patchList: JsonList, order: JsonList, mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey === '' ? patchList : extractToDeleteItems(patchList)[0];
  let patchIndex = 0;
  let orderIndex = 0;
  while (patchIndex < nonDelete.length && orderIndex < order.length) {
    const item = nonDelete[patchIndex] as JsonValue;
    if (containsDirectiveMarker(item)) {
      patchIndex++;
      continue;
    }
    if (mergeKeyValueEqual(item, order[orderIndex] as JsonValue, mergeKey)) patchIndex++;
    orderIndex++;
  }
  if (patchIndex < nonDelete.length && orderIndex >= order.length) {
    internal(
      `the order in patch list:\n${goFormat(patchList)}\n doesn't match ${ORDER_PREFIX} list:\n${goFormat(order)}`,
    );
  }
}

/** mergeSliceHandler: merge when tagged "merge" (deletion lists always), otherwise replace. */
function mergeSliceHandler(
  original: JsonList,
  patch: JsonList,
  fieldPath: string,
  meta: PatchMeta | undefined,
  isDeleteList: boolean,
  lookup: PatchMetaLookup,
): JsonList {
  if (strategyOf(meta) !== 'merge' && !isDeleteList) return patch;
  return mergeSlice(original, patch, `${fieldPath}[]`, meta?.mergeKey ?? '', isDeleteList, lookup);
}

function mergeSlice(
  original: JsonList,
  patch: JsonList,
  itemPath: string,
  mergeKey: string,
  isDeleteList: boolean,
  lookup: PatchMetaLookup,
): JsonList {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let base = original;
  let patchItems = patch;
  let merged: JsonList;
  if (kind === 'scalar') {
    if (isDeleteList) return deleteFromSlice(original, patch);
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (mergeKey === '') return internal(`cannot merge lists without merge key for ${itemPath}`);
    [base, patchItems] = applySpecialItems(original, patch, mergeKey);
    merged = [...base];
    for (const item of patchItems as JsonObject[]) {
      if (!hasOwn(item, mergeKey)) noMergeKey(item, mergeKey);
      const at = findByKey(merged, mergeKey, item[mergeKey]);
      if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, item, itemPath, lookup);
      else merged.push(item);
    }
  }
  const [inPatch, serverOnly] = partitionByPresence(merged, patchItems, mergeKey);
  return normalizeElementOrder(inPatch, serverOnly, patchItems, base, mergeKey, kind);
}

/**
 * mergeSliceWithSpecialElements: applies `$patch: delete` items (every item with that merge key
 * goes) and `$patch: replace` (the other patch items become the list).
 */
function applySpecialItems(original: JsonList, patch: JsonList, mergeKey: string): [JsonList, JsonList] {
  const plain: JsonList = [];
  let base = original;
  let replace = false;
  for (const item of patch as JsonObject[]) {
    if (!hasOwn(item, DIRECTIVE)) {
      plain.push(item);
      continue;
    }
    const directive = item[DIRECTIVE];
    if (directive === 'delete') {
      if (!hasOwn(item, mergeKey)) return noMergeKey(item, mergeKey);
      for (
        let at = findByKey(base, mergeKey, item[mergeKey]);
        at >= 0;
        at = findByKey(base, mergeKey, item[mergeKey])
      ) {
        base = [...base.slice(0, at), ...base.slice(at + 1)];
      }
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      return internal('merging lists cannot yet be specified in the patch');
    } else {
      return badPatchType(directive, item);
    }
  }
  return replace ? [plain, []] : [base, plain];
}

/** discardNullValuesFromPatch: drops null-valued keys of maps, at any depth. */
function discardNullValues(value: JsonValue): void {
  if (Array.isArray(value)) value.forEach(discardNullValues);
  else if (isJsonObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (item === null) delete value[key];
      else discardNullValues(item);
    }
  }
}

/** removeDirectives: drops every map holding `$patch`, at any depth; false when `value` is one. */
function removeDirectives(value: JsonValue): [JsonValue, boolean] {
  if (Array.isArray(value)) {
    return [value.map(removeDirectives).flatMap(([item, keep]) => (keep ? [item] : [])), true];
  }
  if (!isJsonObject(value)) return [value, true];
  if (hasOwn(value, DIRECTIVE)) return [null, false];
  for (const [key, item] of Object.entries(value)) {
    const [cleaned, keep] = removeDirectives(item);
    if (keep) setOwn(value, key, cleaned);
    else delete value[key];
  }
  return [value, true];
}

const isDirectiveKey = (key: string): boolean =>
  key === DIRECTIVE ||
  key === RETAIN_KEYS ||
  key.startsWith(`${ORDER_PREFIX}/`) ||
  key.startsWith(`${DELETE_PREFIX}/`);

/** What decoding into the Go type does to directive keys left in the result: drops them. */
function stripDirectives(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(stripDirectives);
  if (!isJsonObject(value)) return value;
  for (const [key, item] of Object.entries(value)) {
    if (isDirectiveKey(key)) delete value[key];
    else setOwn(value, key, stripDirectives(item));
  }
  return value;
}
