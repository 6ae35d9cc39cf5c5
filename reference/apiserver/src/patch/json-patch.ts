// RFC 6902 JSON Patch as upstream's apiserver applies it: gopkg.in/evanphx/json-patch.v4 (patch.go).
// Where that library is more lenient than the RFC we follow the library, since clients are tested
// against it: "replace" of a missing object member adds it, negative array indices count from the
// end, a missing "value" means null, "copy" from a missing member copies null, and a path that does
// not start with "/" has its first token ignored. Error texts are the library's, word for word.
import { cloneJson, goJsonKind, hasOwn, isJsonObject, jsonEqual, setOwn } from './json-value.ts';
import type { JsonObject, JsonValue } from './json-value.ts';
import { GENERIC_INVALID_MESSAGE, PatchError } from './patch-error.ts';

/** Upstream's maxJSONPatchOperations. */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** One operation as sent; members are checked when applied, as upstream does. null is allowed. */
export type JsonPatchOperation = { readonly [member: string]: unknown } | null;

export interface JsonPatchOptions {
  /** evanphx/json-patch's SupportNegativeIndices; upstream leaves the default, true. */
  supportNegativeIndices?: boolean;
}

/**
 * Checks the shape of a decoded JSON patch body (jsonpatch.DecodePatch): an array of objects.
 * @throws PatchError JsonPatchMalformed (400) or JsonPatchTooManyOperations (413).
 */
export function decodeJsonPatch(body: unknown): JsonPatchOperation[] {
  if (body === null) return [];
  if (!Array.isArray(body)) {
    throw new PatchError(
      'JsonPatchMalformed',
      `json: cannot unmarshal ${goJsonKind(body)} into Go value of type jsonpatch.Patch`,
    );
  }
  for (const op of body) {
    if (op !== null && !isJsonObject(op)) {
      throw new PatchError(
        'JsonPatchMalformed',
        `json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation`,
      );
    }
  }
  if (body.length > MAX_JSON_PATCH_OPERATIONS) {
    throw new PatchError(
      'JsonPatchTooManyOperations',
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${body.length}`,
    );
  }
  return body as JsonPatchOperation[];
}

/**
 * Applies the operations in order to a copy of `document` and returns the copy; never mutates its
 * arguments. All or nothing: the first failing operation aborts.
 * @throws PatchError JsonPatchFailed (422, generic message; the library's text in `detail`).
 */
export function applyJsonPatch(
  document: JsonValue,
  operations: readonly JsonPatchOperation[],
  options: JsonPatchOptions = {},
): JsonValue {
  if (!isJsonObject(document) && !Array.isArray(document)) {
    const text = `json: cannot unmarshal ${goJsonKind(document)} into Go value of type jsonpatch.partialDoc`;
    throw new PatchError('JsonPatchFailed', GENERIC_INVALID_MESSAGE, text);
  }
  const doc: Doc = { root: cloneJson(document), negative: options.supportNegativeIndices ?? true };
  for (const op of operations) {
    try {
      applyOperation(doc, op ?? {});
    } catch (err) {
      if (err instanceof OperationFailed)
        throw new PatchError('JsonPatchFailed', GENERIC_INVALID_MESSAGE, err.message);
      throw err;
    }
  }
  return doc.root;
}

type Container = JsonValue[] | JsonObject;
interface Doc {
  root: Container;
  negative: boolean;
}
type Op = { readonly [member: string]: unknown };

class OperationFailed extends Error {}
const fail = (message: string): never => {
  throw new OperationFailed(message);
};

const MISSING = 'missing value';
const INVALID_INDEX = 'invalid index referenced';

function applyOperation(doc: Doc, op: Op): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add':
      return add(doc, op);
    case 'remove':
      return remove(doc, op);
    case 'replace':
      return replace(doc, op);
    case 'move':
      return move(doc, op);
    case 'test':
      return test(doc, op);
    case 'copy':
      return copy(doc, op);
    default:
      fail(`Unexpected kind: ${kind}`);
  }
}

/** Operation.Path / Operation.From: a string member, or the library's error text. */
function member(op: Op, name: 'path' | 'from'): { value: string } | { error: string } {
  const value = op[name];
  if (value === undefined || value === null) {
    return {
      error:
        name === 'path'
          ? `operation missing path field: ${MISSING}`
          : `operation, missing from field: ${MISSING}`,
    };
  }
  if (typeof value !== 'string')
    return { error: `json: cannot unmarshal ${goJsonKind(value)} into Go value of type string` };
  return { value };
}

/** The operation's "value", copied; absent means null (the library stores a nil node). */
const valueOf = (op: Op): JsonValue => (op.value === undefined ? null : cloneJson(op.value as JsonValue));

function add(doc: Doc, op: Op): void {
  const path = member(op, 'path');
  if ('error' in path) return fail(`add operation failed to decode path: ${MISSING}`);
  const target =
    findObject(doc, path.value) ??
    fail(`add operation does not apply: doc is missing path: "${path.value}": ${MISSING}`);
  guard(
    () => conAdd(doc, target.con, target.key, valueOf(op)),
    (e) => `error in add for path: '${path.value}': ${e}`,
  );
}

function remove(doc: Doc, op: Op): void {
  const path = member(op, 'path');
  if ('error' in path) return fail(`remove operation failed to decode path: ${MISSING}`);
  const target =
    findObject(doc, path.value) ??
    fail(`remove operation does not apply: doc is missing path: "${path.value}": ${MISSING}`);
  guard(
    () => conRemove(doc, target.con, target.key),
    (e) => `error in remove for path: '${path.value}': ${e}`,
  );
}

function replace(doc: Doc, op: Op): void {
  const path = member(op, 'path');
  if ('error' in path) return fail(`replace operation failed to decode path: ${path.error}`);
  if (path.value === '') {
    const value = valueOf(op);
    if (!isJsonObject(value) && !Array.isArray(value))
      return fail('replace operation value must be object or array: %!w(<nil>)');
    doc.root = value;
    return;
  }
  const target =
    findObject(doc, path.value) ??
    fail(`replace operation does not apply: doc is missing path: ${path.value}: ${MISSING}`);
  guard(
    () => conGet(doc, target.con, target.key),
    () => `replace operation does not apply: doc is missing key: ${path.value}: ${MISSING}`,
  );
  guard(
    () => conSet(doc, target.con, target.key, valueOf(op)),
    (e) => `error in remove for path: '${path.value}': ${e}`,
  );
}

function move(doc: Doc, op: Op): void {
  const from = member(op, 'from');
  if ('error' in from) return fail(`move operation failed to decode from: ${from.error}`);
  const source =
    findObject(doc, from.value) ??
    fail(`move operation does not apply: doc is missing from path: ${from.value}: ${MISSING}`);
  const value = guard(
    () => conGet(doc, source.con, source.key),
    (e) => `error in move for path: '${source.key}': ${e}`,
  );
  guard(
    () => conRemove(doc, source.con, source.key),
    (e) => `error in move for path: '${source.key}': ${e}`,
  );
  const path = member(op, 'path');
  if ('error' in path) return fail(`move operation failed to decode path: ${path.error}`);
  const target =
    findObject(doc, path.value) ??
    fail(`move operation does not apply: doc is missing destination path: ${path.value}: ${MISSING}`);
  guard(
    () => conAdd(doc, target.con, target.key, value ?? null),
    (e) => `error in move for path: '${path.value}': ${e}`,
  );
}

function test(doc: Doc, op: Op): void {
  const path = member(op, 'path');
  if ('error' in path) return fail(`test operation failed to decode path: ${path.error}`);
  const failed = `testing value ${path.value} failed: test failed`;
  if (path.value === '') {
    if (op.value === undefined || !jsonEqual(doc.root, op.value)) fail(failed);
    return;
  }
  const target =
    findObject(doc, path.value) ??
    fail(`test operation does not apply: is missing path: ${path.value}: ${MISSING}`);
  const actual = guard(
    () => conGet(doc, target.con, target.key),
    (e) => `error in test for path: '${path.value}': ${e}`,
  );
  // The library holds JSON null and "absent" alike as a nil node.
  if (actual === undefined || actual === null) {
    if (op.value !== undefined && op.value !== null) fail(failed);
    return;
  }
  if (op.value === undefined || !jsonEqual(actual, op.value)) fail(failed);
}

function copy(doc: Doc, op: Op): void {
  const from = member(op, 'from');
  if ('error' in from) return fail(`copy operation failed to decode from: ${from.error}`);
  const source =
    findObject(doc, from.value) ??
    fail(`copy operation does not apply: doc is missing from path: ${from.value}: ${MISSING}`);
  const value = guard(
    () => conGet(doc, source.con, source.key),
    (e) => `error in copy for from: '${from.value}': ${e}`,
  );
  const path = member(op, 'path');
  if ('error' in path) return fail(`copy operation failed to decode path: ${MISSING}`);
  const target =
    findObject(doc, path.value) ??
    fail(`copy operation does not apply: doc is missing destination path: ${path.value}: ${MISSING}`);
  const duplicate = value === undefined ? null : cloneJson(value);
  guard(
    () => conAdd(doc, target.con, target.key, duplicate),
    (e) => `error while adding value during copy: ${e}`,
  );
}

/** Runs a container step, rewording its failure the way the calling operation does. */
function guard<T>(step: () => T, wrap: (error: string) => string): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof OperationFailed) return fail(wrap(err.message));
    throw err;
  }
}

/** RFC 6901 unescaping in one left-to-right pass: "~01" is "~1", not "/". */
const decodeToken = (token: string): string => token.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));

/** The container holding the last token of `path`, or null when any step is missing or not a container. */
function findObject(doc: Doc, path: string): { con: Container; key: string } | null {
  const tokens = path.split('/');
  if (tokens.length < 2) return null;
  let con: Container = doc.root;
  for (const token of tokens.slice(1, -1)) {
    let next: JsonValue | undefined;
    try {
      next = conGet(doc, con, decodeToken(token));
    } catch (err) {
      if (err instanceof OperationFailed) return null;
      throw err;
    }
    if (!isJsonObject(next) && !Array.isArray(next)) return null;
    con = next;
  }
  return { con, key: decodeToken(tokens[tokens.length - 1] ?? '') };
}

/** strconv.Atoi. */
function atoi(key: string): number {
  if (!/^[+-]?\d+$/.test(key)) return fail(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  const n = Number(key);
  if (!Number.isSafeInteger(n))
    return fail(`strconv.Atoi: parsing ${JSON.stringify(key)}: value out of range`);
  return n;
}

const invalidIndex = (index: number): never =>
  fail(`Unable to access invalid index: ${index}: ${INVALID_INDEX}`);

/** A negative index counted from the end of a list of `length` items, when the options allow it. */
function fromEnd(doc: Doc, index: number, length: number): number {
  if (index >= 0) return index;
  if (!doc.negative || index < -length) return invalidIndex(index);
  return index + length;
}

function conGet(doc: Doc, con: Container, key: string): JsonValue | undefined {
  if (!Array.isArray(con)) return hasOwn(con, key) ? con[key] : undefined;
  const index = fromEnd(doc, atoi(key), con.length);
  return index < con.length ? con[index] : invalidIndex(index);
}

function conSet(doc: Doc, con: Container, key: string, value: JsonValue): void {
  if (!Array.isArray(con)) return setOwn(con, key, value);
  con[fromEnd(doc, atoi(key), con.length)] = value;
}

function conAdd(doc: Doc, con: Container, key: string, value: JsonValue): void {
  if (!Array.isArray(con)) return setOwn(con, key, value);
  if (key === '-') {
    con.push(value);
    return;
  }
  let index: number;
  try {
    index = atoi(key);
  } catch (err) {
    if (err instanceof OperationFailed)
      return fail(`value was not a proper array index: '${key}': ${err.message}`);
    throw err;
  }
  if (index > con.length) return invalidIndex(index);
  con.splice(fromEnd(doc, index, con.length + 1), 0, value);
}

function conRemove(doc: Doc, con: Container, key: string): void {
  if (!Array.isArray(con)) {
    if (!hasOwn(con, key)) return fail(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    delete con[key];
    return;
  }
  const index = atoi(key);
  if (index >= con.length) return invalidIndex(index);
  con.splice(fromEnd(doc, index, con.length), 1);
}
