// The validation registry of the served core/v1 kinds: one entry per kind, written out here
// (nothing registers itself). `validate` does what upstream's generic registry does around a
// kind's strategy, in the same order:
//   create: the kind's Validate; only if that passes, the generic ObjectMeta check
//           (names as URL path segments) — rest.BeforeCreate;
//   update: metadata carried over from the stored object, then the generic ObjectMeta create
//           and update checks, then the kind's ValidateUpdate — rest.BeforeUpdate.
// Wrong JSON types never reach upstream's validation (the decoder answers 400 first); here they
// come back as a single TypeInvalid error carrying the decoder's message (see types-check.ts).

import { isObj, obj } from './access.ts';
import {
  validateEndpoints,
  validateEndpointsUpdate,
  validateEvent,
  validateNamespace,
  validateNamespaceUpdate,
  validateNode,
  validateNodeUpdate,
  validateServiceAccount,
  validateServiceAccountUpdate,
} from './cluster-kinds.ts';
import {
  mergeStringData,
  validateConfigMap,
  validateConfigMapUpdate,
  validateSecret,
  validateSecretUpdate,
} from './config-data.ts';
import { typeInvalid, type FieldError } from './field-error.ts';
import { pathSegmentName } from './names.ts';
import { prepareObjectMetaForUpdate, validateObjectMeta, validateObjectMetaUpdate } from './object-meta.ts';
import { resolveOptions, type ResolvedOptions, type ValidationOptions } from './options.ts';
import { validatePodCreate, validatePodUpdate } from './pod.ts';
import {
  validateReplicationController,
  validateReplicationControllerUpdate,
} from './replication-controller.ts';
import { prepareService, validateServiceCreate, validateServiceUpdate } from './service.ts';
import {
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeUpdate,
} from './storage.ts';
import { checkTypes } from './types-check.ts';

/** One kind's strategy rules, as `validateKind` runs them. */
export interface KindValidation {
  namespaced: boolean;
  create: (obj: unknown, opts: ResolvedOptions) => FieldError[];
  update: (obj: unknown, old: unknown, opts: ResolvedOptions) => FieldError[];
  /** Strategy/conversion steps upstream applies before validating (pure). */
  prepare?: (obj: unknown, old: unknown) => unknown;
}

const KINDS: Record<string, KindValidation> = {
  Pod: { namespaced: true, create: validatePodCreate, update: validatePodUpdate },
  Service: {
    namespaced: true,
    create: validateServiceCreate,
    update: validateServiceUpdate,
    prepare: (o, old) => prepareService(o, old),
  },
  Namespace: { namespaced: false, create: validateNamespace, update: validateNamespaceUpdate },
  ConfigMap: { namespaced: true, create: validateConfigMap, update: validateConfigMapUpdate },
  Secret: {
    namespaced: true,
    create: validateSecret,
    update: validateSecretUpdate,
    prepare: (o) => mergeStringData(o),
  },
  Node: { namespaced: false, create: validateNode, update: validateNodeUpdate },
  Endpoints: { namespaced: true, create: validateEndpoints, update: validateEndpointsUpdate },
  PersistentVolume: {
    namespaced: false,
    create: validatePersistentVolume,
    update: validatePersistentVolumeUpdate,
  },
  PersistentVolumeClaim: {
    namespaced: true,
    create: validatePersistentVolumeClaim,
    update: validatePersistentVolumeClaimUpdate,
  },
  ReplicationController: {
    namespaced: true,
    create: validateReplicationController,
    update: validateReplicationControllerUpdate,
  },
  ServiceAccount: { namespaced: true, create: validateServiceAccount, update: validateServiceAccountUpdate },
  Event: { namespaced: true, create: validateEvent, update: (o) => validateEvent(o) },
};

/** The kinds `validate` knows, in registry order. */
export const VALIDATED_KINDS: readonly string[] = Object.keys(KINDS);

/**
 * Validates a core/v1 object for create (`old` undefined) or update, returning upstream's field
 * errors in upstream's order; an empty list means valid. Never throws and never changes its
 * arguments, whatever their shape. Unknown kinds validate clean. Expects defaults applied
 * (see defaults.ts), as upstream validates the defaulted object.
 */
export function validate(
  kind: string,
  object: unknown,
  old?: unknown,
  options?: ValidationOptions,
): FieldError[] {
  const decodeError = KINDS[kind] ? checkTypes(kind, object) : undefined;
  if (decodeError) return [typeInvalid(decodeError.path, decodeError.value, decodeError.message)];
  return validateDecoded(kind, object, old, options);
}

/**
 * `validate` without the decode-level type check, for callers that ran checkTypes already (the
 * apiserver answers a decode error with 400 before validating). Wrongly typed fields read as
 * their zero values; it never throws either.
 */
export function validateDecoded(
  kind: string,
  object: unknown,
  old?: unknown,
  options?: ValidationOptions,
): FieldError[] {
  const entry = KINDS[kind];
  return entry ? validateKind(entry, object, old, options) : [];
}

/**
 * What upstream's generic registry does around one kind's strategy (see the top of this file);
 * the apps/v1 kinds run through it too.
 */
export function validateKind(
  entry: KindValidation,
  object: unknown,
  old: unknown,
  options: ValidationOptions | undefined,
): FieldError[] {
  const opts = resolveOptions(options);
  const meta = { namespaced: entry.namespaced, nameFn: pathSegmentName };
  if (old === undefined) {
    const prepared = entry.prepare ? entry.prepare(object, undefined) : object;
    const errs = entry.create(prepared, opts);
    if (errs.length > 0) return errs;
    return validateObjectMeta(obj(prepared).metadata, meta);
  }
  const carried = prepareObjectMetaForUpdate(object, isObj(old) ? old : {});
  const prepared = entry.prepare ? entry.prepare(carried, old) : carried;
  const metadata = obj(prepared).metadata;
  return [
    ...validateObjectMeta(metadata, meta),
    ...validateObjectMetaUpdate(metadata, obj(old).metadata),
    ...entry.update(prepared, old, opts),
  ];
}
