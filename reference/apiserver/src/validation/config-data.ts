// ConfigMap and Secret validation (Kubernetes v1.32).
// Source: pkg/apis/core/validation/validation.go (ValidateConfigMap[Update], ValidateSecret[Update]).

import { byteLen, isObj, isSet, obj, type Obj, semanticEqual, str } from './access.ts';
import { FieldPath, forbidden, invalid, required, tooLong, type FieldError } from './field-error.ts';
import { isConfigMapKey, nameIsDNSSubdomain } from './names.ts';
import { FIELD_IMMUTABLE, validateCoreObjectMetaUpdate, validateObjectMeta } from './object-meta.ts';

/** core.MaxSecretSize: the limit on a ConfigMap's or Secret's total data. */
export const MAX_SECRET_SIZE = 1024 * 1024;
const META = { namespaced: true, nameFn: nameIsDNSSubdomain, coreFinalizers: true };
const IMMUTABLE_SET = 'field is immutable when `immutable` is set';

/** Length of base64 data once decoded ([]byte fields travel base64-encoded in JSON). */
export function decodedLength(v: unknown): number {
  const s = str(v).replace(/=+$/, '');
  return Math.floor((s.length * 3) / 4);
}

const keyErrors = (key: string, path: FieldPath): FieldError[] =>
  isConfigMapKey(key).map((msg) => invalid(path, key, msg));

export function validateConfigMap(raw: unknown): FieldError[] {
  const cm = obj(raw);
  const errs = validateObjectMeta(cm.metadata, META);
  const data = obj(cm.data);
  const binaryData = obj(cm.binaryData);
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    errs.push(...keyErrors(key, FieldPath.of('data').key(key)));
    if (key in binaryData)
      errs.push(invalid(FieldPath.of('data').key(key), key, 'duplicate of key present in binaryData'));
    total += byteLen(str(value));
  }
  for (const [key, value] of Object.entries(binaryData)) {
    errs.push(...keyErrors(key, FieldPath.of('binaryData').key(key)));
    total += decodedLength(value);
  }
  // Upstream reports the size on NewPath(""), which prints as "[]".
  if (total > MAX_SECRET_SIZE) errs.push(tooLong(FieldPath.of(''), MAX_SECRET_SIZE));
  return errs;
}

function immutableData(newObj: Obj, oldObj: Obj, keys: readonly string[]): FieldError[] {
  if (oldObj.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (newObj.immutable !== true) errs.push(forbidden(FieldPath.of('immutable'), IMMUTABLE_SET));
  for (const key of keys) {
    if (!semanticEqual(newObj[key], oldObj[key])) errs.push(forbidden(FieldPath.of(key), IMMUTABLE_SET));
  }
  return errs;
}

export function validateConfigMapUpdate(raw: unknown, oldRaw: unknown): FieldError[] {
  const cm = obj(raw);
  const old = obj(oldRaw);
  return [
    ...validateCoreObjectMetaUpdate(cm.metadata, old.metadata),
    ...immutableData(cm, old, ['data', 'binaryData']),
    ...validateConfigMap(raw),
  ];
}

/** Go's json.Unmarshal error for the common broken documents (an approximation of its wording). */
function jsonSyntaxError(text: string): string | undefined {
  try {
    JSON.parse(text);
    return undefined;
  } catch {
    const trimmed = text.trim();
    if (trimmed.length === 0) return 'unexpected end of JSON input';
    const first = trimmed[0] ?? '';
    if (!'{["-0123456789tfn'.includes(first))
      return `invalid character '${first}' looking for beginning of value`;
    return 'unexpected end of JSON input';
  }
}

function secretJsonKey(data: Obj, key: string, errs: FieldError[]): void {
  const path = FieldPath.of('data').key(key);
  if (!(key in data)) {
    errs.push(required(path));
    return;
  }
  const text = Buffer.from(str(data[key]), 'base64').toString('utf8');
  const problem = jsonSyntaxError(text);
  if (problem) errs.push(invalid(path, '<secret contents redacted>', problem));
}

export function validateSecret(raw: unknown): FieldError[] {
  const secret = obj(raw);
  const errs = validateObjectMeta(secret.metadata, META);
  const data = obj(secret.data);
  const dataPath = FieldPath.of('data');
  let total = 0;
  for (const [key, value] of Object.entries(data)) {
    errs.push(...keyErrors(key, dataPath.key(key)));
    total += decodedLength(value);
  }
  if (total > MAX_SECRET_SIZE) errs.push(tooLong(dataPath, MAX_SECRET_SIZE));
  const annotations = obj(obj(secret.metadata).annotations);
  switch (str(secret.type)) {
    case 'kubernetes.io/service-account-token':
      if (str(annotations['kubernetes.io/service-account.name']).length === 0) {
        errs.push(
          required(FieldPath.of('metadata', 'annotations').key('kubernetes.io/service-account.name')),
        );
      }
      break;
    case 'kubernetes.io/dockercfg':
      secretJsonKey(data, '.dockercfg', errs);
      break;
    case 'kubernetes.io/dockerconfigjson':
      secretJsonKey(data, '.dockerconfigjson', errs);
      break;
    case 'kubernetes.io/basic-auth':
      if (!('username' in data) && !('password' in data)) {
        errs.push(required(dataPath.key('username')), required(dataPath.key('password')));
      }
      break;
    case 'kubernetes.io/ssh-auth':
      if (decodedLength(data['ssh-privatekey']) === 0) errs.push(required(dataPath.key('ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      if (!('tls.crt' in data)) errs.push(required(dataPath.key('tls.crt')));
      if (!('tls.key' in data)) errs.push(required(dataPath.key('tls.key')));
      break;
    default:
  }
  return errs;
}

export function validateSecretUpdate(raw: unknown, oldRaw: unknown): FieldError[] {
  const secret = obj(raw);
  const old = obj(oldRaw);
  const errs = validateCoreObjectMetaUpdate(secret.metadata, old.metadata);
  if (str(secret.type) !== str(old.type))
    errs.push(invalid(FieldPath.of('type'), str(secret.type), FIELD_IMMUTABLE));
  errs.push(...immutableData(secret, old, ['data']));
  return [...errs, ...validateSecret(raw)];
}

/**
 * Secret stringData written into data, as upstream's v1 → internal conversion does on every
 * create, update and patch: each key is base64-encoded into data, overwriting a data key of the
 * same name, and stringData itself is never stored. Pure. A stringData or data of the wrong JSON
 * type is left as it is for the decode check to refuse (upstream's decoder answers first).
 */
export function mergeStringData(raw: unknown): unknown {
  if (!isObj(raw) || !('stringData' in raw)) return raw;
  const { stringData, ...out } = raw;
  if (!isSet(stringData)) return out;
  if (!isObj(stringData) || Object.values(stringData).some((v) => typeof v !== 'string')) return raw;
  if (isSet(raw.data) && !isObj(raw.data)) return raw;
  if (Object.keys(stringData).length === 0) return out;
  const data: Obj = { ...obj(raw.data) };
  for (const [k, v] of Object.entries(stringData)) data[k] = Buffer.from(str(v), 'utf8').toString('base64');
  return { ...out, data };
}
