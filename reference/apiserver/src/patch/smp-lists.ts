// List helpers of k8s.io/apimachinery/pkg/util/strategicpatch (patch.go), ported for the apply half:
// element typing, matching items by merge key, and the ordering rules
// ($setElementOrder > order in the patch > order in the live list). Lists are plain decoded JSON.
import { GO_MAP_TYPE, goFormat, goTypeName, hasOwn, isJsonObject } from './json-value.ts';
import type { JsonValue } from './json-value.ts';
import { badArgType, internal, noListOfLists, noMergeKey } from './smp-errors.ts';

export type JsonList = JsonValue[];

/** The reflect kind of the items that matters here. */
export type ElementKind = 'map' | 'scalar';

/** sliceElementType: all items of all lists must share one Go type, and not be lists. */
export function sliceElementKind(...lists: JsonList[]): ElementKind {
  let previous: string | undefined;
  let kind: ElementKind = 'scalar';
  for (const list of lists) {
    for (const item of list) {
      const type = goTypeName(item);
      if (previous === undefined) {
        previous = type;
        if (Array.isArray(item)) noListOfLists();
        kind = isJsonObject(item) ? 'map' : 'scalar';
      } else if (type !== previous) {
        internal(`list element types are not identical: ${goFormat(lists)}`);
      }
    }
  }
  if (previous === undefined) internal('no elements in any of the given slices');
  return kind;
}

/** The merge key's value of an item; Go's nil for a non-map or a missing key. */
const keyValue = (item: unknown, mergeKey: string): unknown =>
  isJsonObject(item) && hasOwn(item, mergeKey) ? item[mergeKey] : null;

/** findMapInSliceBasedOnKeyValue: the index of the first map whose `key` equals `value`, or -1. */
export function findByKey(list: JsonList, key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    if (!isJsonObject(item)) return internal(`value for key ${i} is not a map.`);
    if (hasOwn(item, key) && item[key] === value) return i;
  }
  return -1;
}

/** mergeKeyValueEqual. */
export function mergeKeyValueEqual(left: JsonValue, right: JsonValue, mergeKey: string): boolean {
  if (mergeKey === '') return left === right;
  if (!isJsonObject(left)) return badArgType(GO_MAP_TYPE, left);
  if (!isJsonObject(right)) return badArgType(GO_MAP_TYPE, right);
  if (!hasOwn(left, mergeKey)) return noMergeKey(left, mergeKey);
  if (!hasOwn(right, mergeKey)) return noMergeKey(right, mergeKey);
  return left[mergeKey] === right[mergeKey];
}

export const containsDirectiveMarker = (item: JsonValue): boolean =>
  isJsonObject(item) && hasOwn(item, '$patch');

/** extractToDeleteItems: splits off the `$patch: delete` items. */
export function extractToDeleteItems(list: JsonList): [kept: JsonList, toDelete: JsonList] {
  const kept: JsonList = [];
  const toDelete: JsonList = [];
  for (const item of list) {
    if (!isJsonObject(item)) return badArgType(GO_MAP_TYPE, item);
    (hasOwn(item, '$patch') && item.$patch === 'delete' ? toDelete : kept).push(item);
  }
  return [kept, toDelete];
}

/** deduplicateScalars, including the order it leaves the items in. */
export function deduplicateScalars(items: JsonList): JsonList {
  const s = [...items];
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length] as JsonValue;
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

/** deleteFromSlice: the items of `current` not in `toDelete`. */
export function deleteFromSlice(current: JsonList, toDelete: JsonList): JsonList {
  const doomed = new Set(toDelete);
  return current.filter((item) => !doomed.has(item));
}

/** partitionPrimitivesByPresentInList / partitionMapsByPresentInList. */
export function partitionByPresence(
  items: JsonList,
  by: JsonList,
  mergeKey: string,
): [inList: JsonList, rest: JsonList] {
  const inList: JsonList = [];
  const rest: JsonList = [];
  if (mergeKey === '') {
    const present = new Set(by);
    for (const item of items) (present.has(item) ? inList : rest).push(item);
    return [inList, rest];
  }
  for (const item of items) {
    if (!isJsonObject(item)) return badArgType(GO_MAP_TYPE, item);
    if (!hasOwn(item, mergeKey)) return noMergeKey(item, mergeKey);
    (findByKey(by, mergeKey, item[mergeKey]) >= 0 ? inList : rest).push(item);
  }
  return [inList, rest];
}

/**
 * index: the position of an item in `list`, by merge key value for maps and by value otherwise;
 * -1 when absent. Built once per list, as the orderings below look items up repeatedly.
 */
function positionsIn(list: JsonList, mergeKey: string, kind: ElementKind): (value: JsonValue) => number {
  const of = (item: JsonValue): unknown => (kind === 'map' ? keyValue(item, mergeKey) : item);
  const positions = new Map<unknown, number>();
  list.forEach((item, i) => {
    if (!positions.has(of(item))) positions.set(of(item), i);
  });
  return (value) => positions.get(of(value)) ?? -1;
}

function validateMergeKeyInLists(mergeKey: string, ...lists: JsonList[]): void {
  for (const list of lists) {
    for (const item of list) {
      if (!isJsonObject(item)) badArgType(GO_MAP_TYPE, item);
      else if (!hasOwn(item, mergeKey)) noMergeKey(item, mergeKey);
    }
  }
}

/**
 * normalizeSliceOrder: sorts `toSort` by position in `order` with sort.SliceStable and upstream's
 * comparator (items missing from `order` count as smaller). Go sorts up to 20 items by insertion
 * sort, which is what this does; beyond that the result only differs for items missing from `order`.
 */
function normalizeSliceOrder(
  toSort: JsonList,
  order: JsonList,
  mergeKey: string,
  kind: ElementKind,
): JsonList {
  let items = [...toSort];
  let toDelete: JsonList = [];
  if (kind === 'map') {
    validateMergeKeyInLists(mergeKey, items, order);
    [items, toDelete] = extractToDeleteItems(items);
  }
  const indexIn = positionsIn(order, mergeKey, kind);
  const less = (a: JsonValue, b: JsonValue): boolean => {
    const ia = indexIn(a);
    if (ia >= 0) {
      const ib = indexIn(b);
      if (ib >= 0) return ia < ib;
    }
    return true;
  };
  for (let i = 1; i < items.length; i++) {
    for (let j = i; j > 0 && less(items[j] as JsonValue, items[j - 1] as JsonValue); j--) {
      [items[j], items[j - 1]] = [items[j - 1] as JsonValue, items[j] as JsonValue];
    }
  }
  return [...items, ...toDelete];
}

/**
 * mergeSortedSlice: interleaves server-only items (`left`) into patch items (`right`), keeping each
 * list's order; a server-only item goes first only when both are in `serverOrder` and it comes
 * earlier there.
 */
function mergeSortedSlice(
  left: JsonList,
  right: JsonList,
  serverOrder: JsonList,
  mergeKey: string,
  kind: ElementKind,
): JsonList {
  const indexIn = positionsIn(serverOrder, mergeKey, kind);
  const merged: JsonList = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) merged.push(right[j++] as JsonValue);
    else if (j >= right.length) merged.push(left[i++] as JsonValue);
    else {
      const li = indexIn(left[i] as JsonValue);
      const ri = indexIn(right[j] as JsonValue);
      if (li >= 0 && ri >= 0 && li < ri) merged.push(left[i++] as JsonValue);
      else merged.push(right[j++] as JsonValue);
    }
  }
  return merged;
}

/** normalizeElementOrder: patch items in `patchOrder`, server-only items in `serverOrder`, interleaved. */
export function normalizeElementOrder(
  patchItems: JsonList,
  serverOnly: JsonList,
  patchOrder: JsonList,
  serverOrder: JsonList,
  mergeKey: string,
  kind: ElementKind,
): JsonList {
  const patchSorted = normalizeSliceOrder(patchItems, patchOrder, mergeKey, kind);
  const serverSorted = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(serverSorted, patchSorted, serverOrder, mergeKey, kind);
}
