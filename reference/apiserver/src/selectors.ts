// Label and field selectors as upstream parses and matches them (k8s.io/apimachinery/pkg/labels
// and pkg/fields). A bad selector is a BadRequest with the parser's reason.
import { badRequest } from './api-error.ts';

export type LabelOperator = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

export type Labels = Record<string, string> | undefined;

/** A parsed label selector: every requirement must hold. The empty selector matches everything. */
export class LabelSelector {
  constructor(readonly requirements: readonly LabelRequirement[]) {}

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  matches(labels: Labels): boolean {
    return this.requirements.every((r) => requirementHolds(r, labels ?? {}));
  }

  /** labels.Selector.String(): the requirements sorted by key (as upstream builds selectors). */
  toString(): string {
    return [...this.requirements]
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map(requirementText)
      .join(',');
  }
}

/** Requirement.String(): a list of values prints sorted. */
function requirementText(r: LabelRequirement): string {
  const values = r.values.length === 1 ? r.values[0]! : [...r.values].sort().join(',');
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${values})`;
    case 'gt':
      return `${r.key}>${values}`;
    case 'lt':
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}

function requirementHolds(r: LabelRequirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, r.key);
  const value = labels[r.key];
  switch (r.operator) {
    case 'exists':
      return has;
    case '!':
      return !has;
    case '=':
    case 'in':
      return has && r.values.includes(value!);
    case '!=':
    case 'notin':
      return !has || !r.values.includes(value!);
    case 'gt':
    case 'lt': {
      if (!has || !/^-?\d+$/.test(value!)) return false;
      const n = Number(value);
      const bound = Number(r.values[0]);
      return r.operator === 'gt' ? n > bound : n < bound;
    }
  }
}

// --- parsing -------------------------------------------------------------------------------

type Token =
  | { kind: 'id'; text: string }
  | { kind: 'op'; text: '=' | '==' | '!=' | '!' | '>' | '<' | '(' | ')' | ',' }
  | { kind: 'end' };

const ID_CHAR = /[A-Za-z0-9._\-/]/;

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (c === ' ' || c === '\t') {
      i++;
    } else if (c === '=' || c === '!') {
      if (input[i + 1] === '=') {
        tokens.push({ kind: 'op', text: c === '=' ? '==' : '!=' });
        i += 2;
      } else {
        tokens.push({ kind: 'op', text: c });
        i++;
      }
    } else if (c === '>' || c === '<' || c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'op', text: c });
      i++;
    } else if (ID_CHAR.test(c)) {
      let j = i;
      while (j < input.length && ID_CHAR.test(input[j]!)) j++;
      tokens.push({ kind: 'id', text: input.slice(i, j) });
      i = j;
    } else {
      throw selectorError(`unable to parse requirement: found '${c}', expected: identifier`);
    }
  }
  tokens.push({ kind: 'end' });
  return tokens;
}

const show = (t: Token): string => (t.kind === 'end' ? '' : t.text);

function selectorError(message: string) {
  return badRequest(message);
}

const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function checkKey(key: string): void {
  const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
  if (!QUALIFIED_NAME.test(key) || name.length > 63) {
    throw selectorError(
      `unable to parse requirement: values[0][${key}]: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

function checkValue(key: string, value: string): void {
  if (value.length > 63 || !LABEL_VALUE.test(value)) {
    throw selectorError(
      `unable to parse requirement: values[0][${key}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

/** Parses `a=b,c in (x,y),!d,e` (upstream's labels.Parse). */
export function parseLabelSelector(input: string | undefined): LabelSelector {
  if (input === undefined || input.trim() === '') return new LabelSelector([]);
  const tokens = tokenize(input);
  let pos = 0;
  const peek = (): Token => tokens[pos]!;
  const next = (): Token => tokens[pos++]!;
  const requirements: LabelRequirement[] = [];

  for (;;) {
    let t = next();
    if (t.kind === 'op' && t.text === '!') {
      const key = next();
      if (key.kind !== 'id')
        throw selectorError(`unable to parse requirement: found '${show(key)}', expected: identifier`);
      checkKey(key.text);
      requirements.push({ key: key.text, operator: '!', values: [] });
    } else if (t.kind === 'id') {
      const key = t.text;
      checkKey(key);
      const op = peek();
      if (op.kind === 'end' || (op.kind === 'op' && op.text === ',')) {
        requirements.push({ key, operator: 'exists', values: [] });
      } else if (op.kind === 'id' && (op.text === 'in' || op.text === 'notin')) {
        next();
        const open = next();
        if (!(open.kind === 'op' && open.text === '(')) {
          throw selectorError(`unable to parse requirement: found '${show(open)}', expected: '('`);
        }
        const values: string[] = [];
        for (;;) {
          const v = next();
          if (v.kind === 'id') {
            checkValue(key, v.text);
            values.push(v.text);
            const sep = next();
            if (sep.kind === 'op' && sep.text === ')') break;
            if (!(sep.kind === 'op' && sep.text === ',')) {
              throw selectorError(
                `unable to parse requirement: found '${show(sep)}', expected: ',', ')' or identifier`,
              );
            }
          } else if (v.kind === 'op' && v.text === ')' && values.length === 0) {
            values.push('');
            break;
          } else {
            throw selectorError(
              `unable to parse requirement: found '${show(v)}', expected: ',', ')' or identifier`,
            );
          }
        }
        requirements.push({ key, operator: op.text as 'in' | 'notin', values });
      } else if (op.kind === 'op' && ['=', '==', '!=', '>', '<'].includes(op.text)) {
        next();
        const v = peek();
        let value = '';
        if (v.kind === 'id') {
          value = v.text;
          next();
        } else if (!(v.kind === 'end' || (v.kind === 'op' && v.text === ','))) {
          throw selectorError(`unable to parse requirement: found '${show(v)}', expected: identifier`);
        }
        if (op.text === '>' || op.text === '<') {
          if (!/^-?\d+$/.test(value)) {
            throw selectorError(
              `unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`,
            );
          }
          requirements.push({ key, operator: op.text === '>' ? 'gt' : 'lt', values: [value] });
        } else {
          checkValue(key, value);
          requirements.push({ key, operator: op.text === '!=' ? '!=' : '=', values: [value] });
        }
      } else {
        throw selectorError(
          `unable to parse requirement: found '${show(op)}', expected: in, notin, =, ==, !=, gt, lt`,
        );
      }
    } else {
      throw selectorError(
        `unable to parse requirement: found '${show(t)}', expected: !, identifier, or 'end of string'`,
      );
    }
    t = next();
    if (t.kind === 'end') break;
    if (!(t.kind === 'op' && t.text === ',')) {
      throw selectorError(`found '${show(t)}', expected: ',' or 'end of string'`);
    }
  }
  return new LabelSelector(requirements);
}

/** Turns a metav1.LabelSelector object (matchLabels, matchExpressions) into a selector. */
export function labelSelectorFromObject(selector: {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}): LabelSelector {
  const requirements: LabelRequirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key,
    operator: '=' as const,
    values: [value],
  }));
  for (const e of selector.matchExpressions ?? []) {
    const operator = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' } as const)[
      e.operator as 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'
    ];
    if (!operator) throw badRequest(`"${e.operator}" is not a valid label selector operator`);
    requirements.push({ key: e.key, operator, values: e.values ?? [] });
  }
  return new LabelSelector(requirements);
}

// --- field selectors -------------------------------------------------------------------------

export interface FieldRequirement {
  field: string;
  operator: '=' | '!=';
  value: string;
}

/** Reads the value a field selector compares against; undefined when the field is not supported. */
export type FieldGetter = (obj: Record<string, unknown>) => string;

export class FieldSelector {
  constructor(readonly requirements: readonly FieldRequirement[]) {}

  get empty(): boolean {
    return this.requirements.length === 0;
  }

  matches(fields: Record<string, string>): boolean {
    return this.requirements.every((r) => (fields[r.field] === r.value) === (r.operator === '='));
  }
}

/**
 * Parses `metadata.name=x,spec.nodeName!=` against the fields a resource supports. An unknown
 * field is refused as upstream does: `field label not supported: spec.foo`.
 */
export function parseFieldSelector(input: string | undefined, supported: readonly string[]): FieldSelector {
  if (input === undefined || input.trim() === '') return new FieldSelector([]);
  const requirements: FieldRequirement[] = [];
  for (const part of splitUnescaped(input)) {
    const match = /^([^=!]+)(==|=|!=)(.*)$/.exec(part);
    if (!match) throw badRequest(`invalid selector: '${input}'; can't understand '${part}'`);
    const field = match[1]!.trim();
    if (!supported.includes(field)) throw badRequest(`field label not supported: ${field}`);
    requirements.push({ field, operator: match[2] === '!=' ? '!=' : '=', value: unescape(match[3]!.trim()) });
  }
  return new FieldSelector(requirements);
}

// Field selector values escape `,`, `=` and `\` with a backslash (fields.EscapeValue).
function splitUnescaped(input: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (c === '\\' && i + 1 < input.length) {
      current += c + input[++i];
    } else if (c === ',') {
      parts.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  parts.push(current);
  return parts;
}

const unescape = (value: string): string => value.replace(/\\(.)/g, '$1');
