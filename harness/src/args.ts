// Argument parsing for the kconform verbs: node's parseArgs in strict mode, plus per-option
// validation, turned into USAGE errors that name the verb and the offending option.
import { parseArgs } from 'node:util';
import { KconformError } from '../../common/src/errors.ts';

export interface OptionSpec {
  type: 'string' | 'boolean';
  /** Placeholder in the help: `N`, `FILE`, `RE`. */
  value?: string;
  description: string;
  default?: string | boolean;
  /** Checks a string value; returns an error sentence or undefined. */
  validate?: (value: string) => string | undefined;
}

export interface PositionalSpec {
  /** Placeholder in the help and the key of its value: `OLD`, `FILE`. */
  name: string;
  description: string;
}

export interface VerbSpec {
  /** The verb, or `verb sub` for a sub-verb (`report diff`). */
  name: string;
  summary: string;
  options: Record<string, OptionSpec>;
  /** Arguments that must all be given, in this order; none when absent. */
  positionals?: PositionalSpec[];
}

export type ParsedOptions = Record<string, string | boolean | undefined>;

export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  help: { type: 'boolean', description: 'show this help and exit' },
  verbose: { type: 'boolean', description: 'log at debug level to stderr (same as KCONFORM_LOG=debug)' },
};

export function usageError(verb: string, detail: string): KconformError {
  return new KconformError('USAGE', { detail: `${verb}: ${detail}` }, { hint: `kconform ${verb} --help` });
}

export function parseVerbArgs(spec: VerbSpec, argv: string[]): ParsedOptions {
  const all = { ...spec.options, ...COMMON_OPTIONS };
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: true,
      options: Object.fromEntries(Object.entries(all).map(([name, o]) => [name, { type: o.type }])),
    });
  } catch (err) {
    // parseArgs says e.g. "Unknown option '--nodez'": keep its words, add the verb.
    // Its first sentence is the reason; the rest is advice about dashes that confuses more than it helps.
    const reason = (err as Error).message.split(/\.(?:\s|$)/)[0] ?? String(err);
    throw usageError(spec.name, reason);
  }
  const wanted = spec.positionals ?? [];
  const helpAsked = parsed.values.help === true;
  if (parsed.positionals.length > wanted.length) {
    throw usageError(spec.name, `unexpected argument '${parsed.positionals[wanted.length]}'`);
  }
  if (parsed.positionals.length < wanted.length && !helpAsked) {
    const missing = wanted.slice(parsed.positionals.length).map((p) => p.name);
    throw usageError(spec.name, `missing ${missing.join(' and ')}`);
  }
  const values: ParsedOptions = {};
  wanted.forEach((p, i) => {
    values[p.name] = parsed.positionals[i];
  });
  for (const [name, option] of Object.entries(all)) {
    const value = parsed.values[name] ?? option.default;
    if (typeof value === 'string' && option.validate) {
      const problem = option.validate(value);
      if (problem) throw usageError(spec.name, `--${name} ${value}: ${problem}`);
    }
    values[name] = value;
  }
  return values;
}

export function renderHelp(spec: VerbSpec): string {
  const rows = Object.entries({ ...spec.options, ...COMMON_OPTIONS }).map(([name, o]) => {
    const flag = `--${name}${o.value ? ' ' + o.value : ''}`;
    const dflt = o.default !== undefined && o.default !== false ? ` (default: ${String(o.default)})` : '';
    return `  ${flag.padEnd(24)} ${o.description}${dflt}`;
  });
  const positionals = spec.positionals ?? [];
  const args = positionals.map((p) => ` ${p.name}`).join('');
  const argRows = positionals.map((p) => `  ${p.name.padEnd(24)} ${p.description}`);
  return (
    `usage: kconform ${spec.name}${args} [options]\n\n${spec.summary}\n\n` +
    (argRows.length > 0 ? `arguments:\n${argRows.join('\n')}\n\n` : '') +
    `options:\n${rows.join('\n')}\n`
  );
}

// Validators shared by several verbs.
export const positiveInt =
  (max: number) =>
  (value: string): string | undefined =>
    /^[1-9]\d*$/.test(value) && Number(value) <= max ? undefined : `must be a whole number from 1 to ${max}`;

export const oneOf =
  (...choices: string[]) =>
  (value: string): string | undefined =>
    choices.includes(value) ? undefined : `must be one of ${choices.join(', ')}`;

export const regex = (value: string): string | undefined => {
  try {
    new RegExp(value);
    return undefined;
  } catch (err) {
    return `not a valid regular expression (${(err as Error).message})`;
  }
};

export const nonEmpty = (value: string): string | undefined =>
  value.trim() === '' ? 'must not be empty' : undefined;

/** A positive number (not necessarily whole) no larger than `max`, such as a timeout scale. */
export const positiveNumber =
  (max: number) =>
  (value: string): string | undefined =>
    /^\d+(\.\d+)?$/.test(value) && Number(value) > 0 && Number(value) <= max
      ? undefined
      : `must be a number above 0 and at most ${max}`;

/** A whole number from 0 to `max`. */
export const wholeNumber =
  (max: number) =>
  (value: string): string | undefined =>
    /^(0|[1-9]\d*)$/.test(value) && Number(value) <= max
      ? undefined
      : `must be a whole number from 0 to ${max}`;

/** A comma-separated list of CamelCase feature names (`NodePort,SessionAffinity`). */
export const featureList = (value: string): string | undefined =>
  value.split(',').every((name) => /^[A-Z][A-Za-z0-9]*$/.test(name.trim()) || name.trim() === 'core')
    ? undefined
    : 'must be feature names separated by commas, like NodePort,SessionAffinity';
