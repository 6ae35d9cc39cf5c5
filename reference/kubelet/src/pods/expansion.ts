// Upstream's `$(VAR)` expansion (third_party/forked/golang/expansion), used for env values,
// command and args: `$(NAME)` becomes the variable's value when one of the maps has it and stays
// as written when none does; `$$` is an escaped `$`; a `$` before anything else is kept as is.
// Pure.

/** Looks a name up in each map in turn; an unknown name expands to itself, `$(NAME)`. */
export function mappingFor(...maps: ReadonlyMap<string, string>[]): (name: string) => string {
  return (name) => {
    for (const map of maps) {
      const value = map.get(name);
      if (value !== undefined) return value;
    }
    return `$(${name})`;
  };
}

/** Expands every `$(NAME)` in `input` through `mapping`, exactly as upstream's Expand does. */
export function expand(input: string, mapping: (name: string) => string): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') {
      out += '$'; // escaped operator
    } else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close === -1) {
        out += '$('; // incomplete reference: kept as written
      } else {
        out += mapping(rest.slice(1, close));
        advance = close + 1;
      }
    } else {
      out += '$' + rest[0]; // not a reference
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}
