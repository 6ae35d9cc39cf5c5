// The fieldValidation query parameter: what happens to fields the schema does not know and to
// fields a JSON body repeats. Strict refuses them (400 on create/update, 422 on patch, upstream's
// "strict decoding error"), Warn (the default) answers with one Warning header each, Ignore says
// nothing. Whatever the mode, unknown fields are not stored: upstream decodes into its Go types,
// which have nowhere to keep them.
import type { ServerResponse } from 'node:http';
import { badRequest, statusError } from '../api-error.ts';
import { parseJsonTree } from '../openapi/json-tree.ts';
import type { SchemaIndex } from '../openapi/schema-model.ts';
import {
  cannotBeHandledMessage,
  fieldValidationWarnings,
  pruneUnknownFields,
  strictDecodingErrors,
  strictDecodingMessage,
  unknownFields,
} from '../openapi/unknown-fields.ts';
import type { ApiObject } from '../registry/objects.ts';
import type { ResourceInfo } from '../resources.ts';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export function parseFieldValidation(value: string | null): FieldValidation {
  if (value === null || value === '') return 'Warn';
  if (value === 'Ignore' || value === 'Warn' || value === 'Strict') return value;
  throw badRequest(
    `fieldValidation: Unsupported value: "${value}": supported values: "Ignore", "Strict", "Warn"`,
  );
}

export interface FieldCheckOptions {
  /** The request body's text when it came as JSON: only the text shows repeated fields. */
  json?: string;
  /** A patch result rather than a create/update body (Strict answers 422, not 400). */
  asPatch?: boolean;
}

/**
 * Checks a create/update body or a patch result against the schema of `info`'s kind: throws on
 * Strict when a field is unknown or repeated, adds Warning headers on Warn. Returns the object
 * without its unknown fields (the object itself when it has none); never mutates `obj`.
 */
export function checkFields(
  schemas: SchemaIndex,
  info: ResourceInfo,
  obj: ApiObject,
  mode: FieldValidation,
  res: ServerResponse,
  options: FieldCheckOptions = {},
): ApiObject {
  const gvk = { group: info.group, version: info.version, kind: info.kind };
  if (mode !== 'Ignore') {
    const errors =
      options.json !== undefined
        ? strictDecodingErrors(schemas, gvk, parseJsonTree(options.json))
        : unknownFields(schemas, gvk, options.asPatch ? sortedKeys(obj) : obj);
    if (errors.length > 0) {
      if (mode === 'Strict') throw strictError(info, obj, errors, options.asPatch ?? false);
      if (!res.headersSent) res.setHeader('Warning', fieldValidationWarnings(errors));
    }
  }
  return pruneUnknownFields(schemas, gvk, obj);
}

function strictError(info: ResourceInfo, obj: ApiObject, errors: string[], asPatch: boolean) {
  const gvk = { group: info.group, version: info.version, kind: info.kind };
  if (!asPatch) return badRequest(cannotBeHandledMessage(gvk, errors));
  const message = strictDecodingMessage(errors);
  const name = String(obj.metadata?.name ?? '');
  return statusError(
    422,
    'Invalid',
    `${info.kind} "${name}" is invalid: patch: Invalid value: "...": ${message}`,
    {
      name,
      kind: info.kind,
      ...(info.group ? { group: info.group } : {}),
      causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: "...": ${message}`, field: 'patch' }],
    },
  );
}

/**
 * A copy with every object's keys in sorted order. Upstream applies a patch to the object as a
 * Go map and marshals the result, which sorts map keys, so the decoder meets a patch result's
 * fields (and reports unknown ones) in that order.
 */
function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, item]) => [key, sortedKeys(item)]));
}
