// ObjectMeta validation on create and update, labels, annotations, finalizers and owner
// references, with upstream's paths and messages (Kubernetes v1.32).
// Sources: k8s.io/apimachinery/pkg/api/validation/objectmeta.go,
// k8s.io/apimachinery/pkg/apis/meta/v1/validation/validation.go (labels),
// pkg/apis/core/validation/validation.go (ValidateObjectMeta, validateKubeFinalizerName),
// k8s.io/apiserver/pkg/registry/rest/update.go (BeforeUpdate's system-field carry-over).

import { byteLen, clone, int, isObj, isSet, list, obj, type Obj, str, strMap } from './access.ts';
import { FieldPath, forbidden, invalid, required, tooLong, type FieldError } from './field-error.ts';
import { GoRepr, goQuote, goStringSlice } from './go-format.ts';
import { isQualifiedName, isValidLabelValue, nameIsDNSLabel, type NameFn } from './names.ts';

export const FIELD_IMMUTABLE = 'field is immutable';
export const IS_NEGATIVE = 'must be greater than or equal to 0';
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

const META = FieldPath.of('metadata');

/** ValidateLabels: each key a qualified name, each value a label value; errors on the map path. */
export function validateLabels(labels: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(strMap(labels))) {
    errs.push(...validateLabelName(k, path));
    for (const msg of isValidLabelValue(v)) errs.push(invalid(path, v, msg));
  }
  return errs;
}

export function validateLabelName(name: string, path: FieldPath): FieldError[] {
  return isQualifiedName(name).map((msg) => invalid(path, name, msg));
}

/** ValidateAnnotations: keys are qualified names (case-insensitive), total size at most 256 KiB. */
export function validateAnnotations(annotations: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let total = 0;
  for (const [k, v] of Object.entries(strMap(annotations))) {
    for (const msg of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, msg));
    total += byteLen(k) + byteLen(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

const ORPHAN = 'orphan';
const FOREGROUND = 'foregroundDeletion';
const STANDARD_FINALIZERS = new Set(['kubernetes', ORPHAN, FOREGROUND]);

/** apimachinery's ValidateFinalizers: qualified names; `orphan` and `foregroundDeletion` exclusive. */
export function validateFinalizers(finalizers: unknown, path: FieldPath): FieldError[] {
  const names = list(finalizers).map(str);
  const errs: FieldError[] = [];
  for (const f of names) errs.push(...isQualifiedName(f).map((msg) => invalid(path, f, msg)));
  if (names.includes(ORPHAN) && names.includes(FOREGROUND)) {
    errs.push(
      invalid(path, goStringSlice(names), `finalizer ${ORPHAN} and ${FOREGROUND} cannot be both set`),
    );
  }
  return errs;
}

/** validateKubeFinalizerName: a finalizer without a '/' must be one of the standard names. */
export function validateKubeFinalizerName(name: string, path: FieldPath): FieldError[] {
  if (!name.includes('/') && !STANDARD_FINALIZERS.has(name)) {
    return [invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified')];
  }
  return [];
}

function ownerReferenceRepr(ref: Obj): GoRepr {
  const ptr = (v: unknown): string => (typeof v === 'boolean' ? `(*bool)(${v})` : '(*bool)(nil)');
  return new GoRepr(
    `v1.OwnerReference{APIVersion:${goQuote(str(ref.apiVersion))}, Kind:${goQuote(str(ref.kind))}, ` +
      `Name:${goQuote(str(ref.name))}, UID:${goQuote(str(ref.uid))}, Controller:${ptr(ref.controller)}, ` +
      `BlockOwnerDeletion:${ptr(ref.blockOwnerDeletion)}}`,
  );
}

/** ValidateOwnerReferences: every error is reported on the list's path, as upstream does. */
export function validateOwnerReferences(refs: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  const all = list(refs).map(obj);
  for (const ref of all) {
    const apiVersion = str(ref.apiVersion);
    const parts = apiVersion.split('/');
    const version = parts.length === 1 ? apiVersion : parts.length === 2 ? (parts[1] ?? '') : '';
    const group = parts.length === 2 ? (parts[0] ?? '') : '';
    const kind = str(ref.kind);
    if (version.length === 0)
      errs.push(invalid(path.child('apiVersion'), apiVersion, 'version must not be empty'));
    if (kind.length === 0) errs.push(invalid(path.child('kind'), kind, 'must not be empty'));
    if (str(ref.name).length === 0)
      errs.push(invalid(path.child('name'), str(ref.name), 'must not be empty'));
    if (str(ref.uid).length === 0) errs.push(invalid(path.child('uid'), str(ref.uid), 'must not be empty'));
    if (group === '' && version === 'v1' && kind === 'Event') {
      errs.push(invalid(path, ownerReferenceRepr(ref), '/v1, Kind=Event is disallowed from being an owner'));
    }
    if (ref.controller === true) {
      const current = `${kind}/${str(ref.name)}`;
      if (firstController !== '') {
        const repr = new GoRepr(
          `[]v1.OwnerReference{${all.map((r) => ownerReferenceRepr(r).repr).join(', ')}}`,
        );
        errs.push(
          invalid(
            path,
            repr,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${current}`,
          ),
        );
      } else {
        firstController = current;
      }
    }
  }
  return errs;
}

export interface ObjectMetaOptions {
  /** Whether the resource lives in a namespace (then metadata.namespace is required). */
  namespaced: boolean;
  /** The resource's name rule (subdomain for most, DNS label for namespaces...). */
  nameFn: NameFn;
  /** Also apply core's standard-finalizer check (pkg/apis/core's ValidateObjectMeta). */
  coreFinalizers?: boolean;
}

/**
 * ValidateObjectMetaAccessor on create: generateName and name against `nameFn`, namespace
 * required or forbidden by scope, generation, labels, annotations, owner references,
 * finalizers. Expects name generation to have happened (see names.generateName).
 */
export function validateObjectMeta(
  meta: unknown,
  opts: ObjectMetaOptions,
  path: FieldPath = META,
): FieldError[] {
  const m = obj(meta);
  const errs: FieldError[] = [];
  const generateName = str(m.generateName);
  const name = str(m.name);
  if (generateName.length > 0) {
    for (const msg of opts.nameFn(generateName, true))
      errs.push(invalid(path.child('generateName'), generateName, msg));
  }
  if (name.length === 0) errs.push(required(path.child('name'), 'name or generateName is required'));
  else for (const msg of opts.nameFn(name, false)) errs.push(invalid(path.child('name'), name, msg));
  errs.push(...validateCommonMeta(m, opts.namespaced, path));
  if (opts.coreFinalizers) {
    list(m.finalizers).forEach((f, i) =>
      errs.push(...validateKubeFinalizerName(str(f), path.child('finalizers').index(i))),
    );
  }
  return errs;
}

function validateCommonMeta(m: Obj, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = str(m.namespace);
  if (namespaced) {
    if (namespace.length === 0) errs.push(required(path.child('namespace')));
    else
      for (const msg of nameIsDNSLabel(namespace, false))
        errs.push(invalid(path.child('namespace'), namespace, msg));
  } else if (namespace.length !== 0) {
    errs.push(forbidden(path.child('namespace'), 'not allowed on this type'));
  }
  const generation = int(m.generation);
  if (generation < 0) errs.push(invalid(path.child('generation'), generation, IS_NEGATIVE));
  errs.push(...validateLabels(m.labels, path.child('labels')));
  errs.push(...validateAnnotations(m.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, path.child('finalizers')));
  return errs;
}

/**
 * metav1.Time's String(): `2024-01-02 03:04:05 +0000 UTC` for an RFC 3339 UTC timestamp. An
 * unset `metav1.Time` prints Go's zero time; an unset `*metav1.Time` prints as nil (`"null"`).
 */
function timeRepr(v: unknown, pointer: boolean): unknown {
  if (!isSet(v)) return pointer ? null : new GoRepr('0001-01-01 00:00:00 +0000 UTC');
  const t = str(v);
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})Z$/.exec(t);
  return m ? new GoRepr(`${m[1]} ${m[2]} +0000 UTC`) : t;
}

function immutable(newVal: unknown, oldVal: unknown, shown: unknown, path: FieldPath): FieldError[] {
  const same = (isSet(newVal) ? newVal : '') === (isSet(oldVal) ? oldVal : '');
  return same ? [] : [invalid(path, shown, FIELD_IMMUTABLE)];
}

/**
 * ValidateObjectMetaAccessorUpdate: no new finalizers while deleting, resourceVersion present,
 * generation not decremented, name/namespace/uid/creationTimestamp/deletionTimestamp/
 * deletionGracePeriodSeconds immutable, then labels, annotations, owner references.
 */
export function validateObjectMetaUpdate(
  newMeta: unknown,
  oldMeta: unknown,
  path: FieldPath = META,
): FieldError[] {
  const n = obj(newMeta);
  const o = obj(oldMeta);
  const errs: FieldError[] = [];
  if (isSet(o.deletionTimestamp)) {
    const old = new Set(list(o.finalizers).map(str));
    const extra = [...new Set(list(n.finalizers).map(str))].filter((f) => !old.has(f)).sort();
    if (extra.length > 0) {
      errs.push(
        forbidden(
          path.child('finalizers'),
          `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra).repr}`,
        ),
      );
    }
  }
  const resourceVersion = str(n.resourceVersion);
  if (resourceVersion.length === 0) {
    errs.push(invalid(path.child('resourceVersion'), resourceVersion, 'must be specified for an update'));
  }
  if (int(n.generation) < int(o.generation)) {
    errs.push(invalid(path.child('generation'), int(n.generation), 'must not be decremented'));
  }
  errs.push(...immutable(n.name, o.name, str(n.name), path.child('name')));
  errs.push(...immutable(n.namespace, o.namespace, str(n.namespace), path.child('namespace')));
  errs.push(...immutable(n.uid, o.uid, str(n.uid), path.child('uid')));
  errs.push(
    ...immutable(
      n.creationTimestamp,
      o.creationTimestamp,
      timeRepr(n.creationTimestamp, false),
      path.child('creationTimestamp'),
    ),
  );
  errs.push(
    ...immutable(
      n.deletionTimestamp,
      o.deletionTimestamp,
      timeRepr(n.deletionTimestamp, true),
      path.child('deletionTimestamp'),
    ),
  );
  errs.push(
    ...immutable(
      n.deletionGracePeriodSeconds,
      o.deletionGracePeriodSeconds,
      isSet(n.deletionGracePeriodSeconds) ? int(n.deletionGracePeriodSeconds) : null,
      path.child('deletionGracePeriodSeconds'),
    ),
  );
  errs.push(...validateLabels(n.labels, path.child('labels')));
  errs.push(...validateAnnotations(n.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, path.child('ownerReferences')));
  return errs;
}

/** Core's ValidateObjectMetaUpdate: the generic rules plus the standard-finalizer check. */
export function validateCoreObjectMetaUpdate(
  newMeta: unknown,
  oldMeta: unknown,
  path: FieldPath = META,
): FieldError[] {
  const errs = validateObjectMetaUpdate(newMeta, oldMeta, path);
  list(obj(newMeta).finalizers).forEach((f, i) =>
    errs.push(...validateKubeFinalizerName(str(f), path.child('finalizers').index(i))),
  );
  return errs;
}

/**
 * What rest.BeforeUpdate does to metadata before validating an update: generation, an empty
 * uid, creationTimestamp, deletionTimestamp and deletionGracePeriodSeconds come from the stored
 * object, so clients cannot change them by accident. Pure: returns a new object.
 */
export function prepareObjectMetaForUpdate(newObj: unknown, oldObj: unknown): unknown {
  if (!isObj(newObj)) return newObj;
  const out = clone(newObj);
  const o = obj(obj(oldObj).metadata);
  const n = isObj(out.metadata) ? out.metadata : (out.metadata = {});
  if (isSet(o.generation)) n.generation = o.generation;
  else delete n.generation;
  if (!isSet(n.deletionGracePeriodSeconds) && isSet(o.deletionGracePeriodSeconds)) {
    n.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  }
  if (str(n.uid).length === 0 && isSet(o.uid)) n.uid = o.uid;
  if (isSet(o.creationTimestamp)) n.creationTimestamp = o.creationTimestamp;
  if (isSet(o.deletionTimestamp)) n.deletionTimestamp = o.deletionTimestamp;
  return out;
}
