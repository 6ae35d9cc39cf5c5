// The fieldValidation query parameter: what happens to fields the schema does not know.
// Strict refuses them (400 on create/update, 422 on patch, upstream's "strict decoding error"),
// Warn (the default) answers with one Warning header each, Ignore drops them silently.
import type { ServerResponse } from 'node:http';
import { badRequest, statusError } from '../api-error.ts';
import type { SchemaIndex } from '../openapi/schema-model.ts';
import {
  cannotBeHandledMessage,
  fieldValidationWarnings,
  strictDecodingMessage,
  unknownFields,
} from '../openapi/unknown-fields.ts';
import type { ResourceInfo } from '../resources.ts';

export type FieldValidation = 'Ignore' | 'Warn' | 'Strict';

export function parseFieldValidation(value: string | null): FieldValidation {
  if (value === null || value === '') return 'Warn';
  if (value === 'Ignore' || value === 'Warn' || value === 'Strict') return value;
  throw badRequest(
    `fieldValidation: Unsupported value: "${value}": supported values: "Ignore", "Strict", "Warn"`,
  );
}

/** Checks a create/update body or a patch result; throws on Strict, adds warnings on Warn. */
export function checkUnknownFields(
  schemas: SchemaIndex,
  info: ResourceInfo,
  obj: unknown,
  mode: FieldValidation,
  res: ServerResponse,
  asPatch = false,
): void {
  if (mode === 'Ignore') return;
  const gvk = { group: info.group, version: info.version, kind: info.kind };
  const errors = unknownFields(schemas, gvk, obj);
  if (errors.length === 0) return;
  if (mode === 'Strict') {
    if (!asPatch) throw badRequest(cannotBeHandledMessage(gvk, errors));
    const message = strictDecodingMessage(errors);
    const name = String((obj as { metadata?: { name?: string } }).metadata?.name ?? '');
    throw statusError(
      422,
      'Invalid',
      `${info.kind} "${name}" is invalid: patch: Invalid value: "...": ${message}`,
      {
        name,
        kind: info.kind,
        ...(info.group ? { group: info.group } : {}),
        causes: [
          { reason: 'FieldValueInvalid', message: `Invalid value: "...": ${message}`, field: 'patch' },
        ],
      },
    );
  }
  if (!res.headersSent) res.setHeader('Warning', fieldValidationWarnings(errors));
}
