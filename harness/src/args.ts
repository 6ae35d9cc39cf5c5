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

export interface VerbSpec {
  name: string;
  summary: string;
  options: Record<string, OptionSpec>;
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
  if (parsed.positionals.length > 0) {
    throw usageError(spec.name, `unexpected argument '${parsed.positionals[0]}'`);
  }
  const values: ParsedOptions = {};
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
  return `usage: kconform ${spec.name} [options]\n\n${spec.summary}\n\noptions:\n${rows.join('\n')}\n`;
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
