// A JSON document as a tree that keeps what JSON.parse drops: every member of every object, in
// document order, duplicates included. Upstream's strict decoder reports a repeated member as
// `duplicate field "data"`, and only the request's text shows one (JSON.parse keeps the last).
// Only the shape is kept: object members and array items; scalars are one placeholder.

/** An object's members in document order; a repeated key appears once per occurrence. */
export class JsonTreeObject {
  readonly members: Array<[key: string, value: JsonTreeValue]> = [];
}

export class JsonTreeArray {
  readonly items: JsonTreeValue[] = [];
}

/** Any string, number, boolean or null: their values do not matter to field checks. */
export const JSON_TREE_SCALAR = Symbol('json scalar');

export type JsonTreeValue = JsonTreeObject | JsonTreeArray | typeof JSON_TREE_SCALAR;

type Frame = { node: JsonTreeObject; key: string } | { node: JsonTreeArray };

/**
 * Parses JSON text into a tree. Meant for text JSON.parse accepted; throws a SyntaxError on text
 * it cannot follow. Iterative, so no nesting depth overflows the call stack.
 */
export function parseJsonTree(text: string): JsonTreeValue {
  let pos = 0;
  const open: Frame[] = [];
  let root: JsonTreeValue | undefined;

  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at position ${pos}`);
  };
  const skipSpace = (): void => {
    for (let c = text.charCodeAt(pos); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(pos))
      pos++;
  };
  /** The index just past the string starting at `pos` (its opening quote). */
  const stringEnd = (): number => {
    for (let i = pos + 1; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 92)
        i++; // a backslash escapes the next character
      else if (c === 34) return i + 1;
    }
    return fail('unterminated string');
  };
  const readKey = (): string => {
    skipSpace();
    if (text[pos] !== '"') fail('expected an object key');
    const end = stringEnd();
    const raw = text.slice(pos, end);
    // Escapes are decoded, so "\u0061" and "a" are the same key, as they are to the decoder.
    const key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
    pos = end;
    skipSpace();
    if (text[pos] !== ':') fail('expected ":"');
    pos++;
    return key;
  };
  const skipScalar = (): void => {
    if (text[pos] === '"') {
      pos = stringEnd();
      return;
    }
    const start = pos;
    while (pos < text.length && /[-+.0-9a-zA-Z]/.test(text[pos]!)) pos++;
    if (pos === start) fail('expected a value');
  };
  const place = (value: JsonTreeValue): void => {
    const top = open.at(-1);
    if (!top) root = value;
    else if ('key' in top) top.node.members.push([top.key, value]);
    else top.node.items.push(value);
  };

  for (;;) {
    // A value starts here.
    skipSpace();
    const c = text[pos];
    if (c === '{' || c === '[') {
      pos++;
      const node = c === '{' ? new JsonTreeObject() : new JsonTreeArray();
      place(node);
      skipSpace();
      if (text[pos] === (c === '{' ? '}' : ']')) pos++;
      else {
        open.push(node instanceof JsonTreeObject ? { node, key: readKey() } : { node });
        continue;
      }
    } else {
      skipScalar();
      place(JSON_TREE_SCALAR);
    }
    // A value ended: close what ends with it, then go on to the next member or item.
    for (;;) {
      skipSpace();
      const top = open.at(-1);
      if (!top) {
        if (pos !== text.length) fail('unexpected text after the value');
        return root!;
      }
      if (text[pos] === ',') {
        pos++;
        if ('key' in top) top.key = readKey();
        break;
      }
      if (text[pos] !== ('key' in top ? '}' : ']')) fail('expected "," or the end of the container');
      pos++;
      open.pop();
    }
  }
}
