// PersistentVolume and PersistentVolumeClaim validation (Kubernetes v1.32).
// Source: pkg/apis/core/validation/validation.go (ValidatePersistentVolumeSpec,
// ValidatePersistentVolumeUpdate, ValidatePersistentVolumeClaimSpec,
// ValidatePersistentVolumeClaimUpdate).

import { validateNodeSelector } from './node-affinity.ts';
import { clone, describeDiff, isSet, obj, type Obj, semanticEqual, str, strList } from './access.ts';
import { FieldPath, forbidden, invalid, notSupported, required, type FieldError } from './field-error.ts';
import { GoRepr, goQuote } from './go-format.ts';
import { nameIsDNSSubdomain } from './names.ts';
import { FIELD_IMMUTABLE, validateCoreObjectMetaUpdate, validateObjectMeta } from './object-meta.ts';
import type { ResolvedOptions } from './options.ts';
import { validateHostPath } from './pod-spec.ts';
import {
  canonicalQuantity,
  canonicalQuantityText,
  compareQuantities,
  quantityOf,
  quantityValue,
  type Quantity,
} from './quantity.ts';
import { validateResourceQuantityValue } from './resources.ts';

const SPEC = FieldPath.of('spec');
const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const NOT_POSITIVE = 'must be greater than zero';

/** PV sources in upstream's order, with the child name its Forbidden error uses. */
const PV_SOURCES: readonly [string, string][] = [
  ['hostPath', 'hostPath'],
  ['gcePersistentDisk', 'gcePersistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'],
  ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'],
  ['nfs', 'nfs'],
  ['rbd', 'rbd'],
  ['quobyte', 'quobyte'],
  ['cephfs', 'cephFS'],
  ['iscsi', 'iscsi'],
  ['cinder', 'cinder'],
  ['fc', 'fc'],
  ['flexVolume', 'flexVolume'],
  ['azureFile', 'azureFile'],
  ['vsphereVolume', 'vsphereVolume'],
  ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'],
  ['azureDisk', 'azureDisk'],
  ['scaleIO', 'scaleIO'],
  ['local', 'local'],
  ['storageos', 'storageos'],
  ['csi', 'csi'],
];
const PV_SOURCE_KEYS = PV_SOURCES.map(([k]) => k);

function validateAccessModes(modes: string[], path: FieldPath, requiredDetail: string): FieldError[] {
  const errs: FieldError[] = [];
  if (modes.length === 0) errs.push(required(path, requiredDetail));
  let rwop = false;
  let other = false;
  for (const mode of modes) {
    if (!ACCESS_MODES.includes(mode)) errs.push(notSupported(path, mode, ACCESS_MODES));
    if (mode === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(mode)) other = true;
  }
  if (rwop && other) errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

function positive(q: Quantity, path: FieldPath): FieldError[] {
  return q.mantissa <= 0n ? [invalid(path, canonicalQuantity(q), NOT_POSITIVE)] : [];
}

/** `%#v` of a ResourceList, shortened: the quantities print as their canonical strings. */
function resourceListRepr(list: Obj): GoRepr {
  const keys = Object.keys(list).sort();
  if (keys.length === 0) return new GoRepr('core.ResourceList(nil)');
  const body = keys.map((k) => `${goQuote(k)}:${goQuote(String(canonicalQuantityText(list[k])))}`);
  return new GoRepr(`core.ResourceList{${body.join(', ')}}`);
}

function validatePVSpec(specRaw: unknown): FieldError[] {
  const spec = obj(specRaw);
  const errs = validateAccessModes(strList(spec.accessModes), SPEC.child('accessModes'), '');
  const capacity = obj(spec.capacity);
  const capPath = SPEC.child('capacity');
  if (Object.keys(capacity).length === 0) errs.push(required(capPath));
  if (!('storage' in capacity) || Object.keys(capacity).length > 1) {
    errs.push(notSupported(capPath, resourceListRepr(capacity), ['storage']));
  }
  for (const [name, raw] of Object.entries(capacity)) {
    const q = quantityOf(raw);
    if (!q) continue;
    if (quantityValue(q) < 0n)
      errs.push(invalid(capPath.key(name), Number(quantityValue(q)), 'must be a valid resource quantity'));
    errs.push(...positive(q, capPath.key(name)));
  }
  const reclaim = str(spec.persistentVolumeReclaimPolicy);
  if (reclaim.length > 0 && !RECLAIM_POLICIES.includes(reclaim)) {
    errs.push(notSupported(SPEC.child('persistentVolumeReclaimPolicy'), reclaim, RECLAIM_POLICIES));
  }
  let nodeAffinitySpecified = false;
  if (isSet(spec.nodeAffinity)) {
    nodeAffinitySpecified = true;
    const required_ = obj(spec.nodeAffinity).required;
    const p = SPEC.child('nodeAffinity', 'required');
    if (!isSet(required_)) errs.push(required(p, 'must specify required node constraints'));
    else errs.push(...validateNodeSelector(obj(required_), p));
  }
  let count = 0;
  for (const [key, child] of PV_SOURCES) {
    if (!isSet(spec[key])) continue;
    // Upstream counts flexVolume without the "more than 1" check.
    if (count > 0 && key !== 'flexVolume') {
      errs.push(forbidden(SPEC.child(child), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    const src = obj(spec[key]);
    if (key === 'hostPath') errs.push(...validateHostPath(src, SPEC.child('hostPath')));
    if (key === 'local') {
      const p = str(src.path);
      if (p === '') errs.push(required(SPEC.child('local', 'path')));
      else if (p.split('/').includes('..'))
        errs.push(invalid(SPEC.child('local', 'path'), p, "must not contain '..'"));
      if (!nodeAffinitySpecified)
        errs.push(required(SPEC.child('nodeAffinity'), 'Local volume requires node affinity'));
    }
  }
  if (count === 0) errs.push(required(SPEC, 'must specify a volume type'));
  const hostPath = str(obj(spec.hostPath).path);
  if (
    isSet(spec.hostPath) &&
    hostPath.replace(/\/+$/, '') === '' &&
    hostPath.startsWith('/') &&
    reclaim === 'Recycle'
  ) {
    errs.push(
      forbidden(
        SPEC.child('persistentVolumeReclaimPolicy'),
        "may not be 'recycle' for a hostPath mount of '/'",
      ),
    );
  }
  const className = str(spec.storageClassName);
  if (className.length > 0) {
    errs.push(
      ...nameIsDNSSubdomain(className, false).map((m) =>
        invalid(SPEC.child('storageClassName'), className, m),
      ),
    );
  }
  if (isSet(spec.volumeMode) && !VOLUME_MODES.includes(str(spec.volumeMode))) {
    errs.push(notSupported(SPEC.child('volumeMode'), str(spec.volumeMode), VOLUME_MODES));
  }
  return errs;
}

const PV_META = { namespaced: false, nameFn: nameIsDNSSubdomain, coreFinalizers: true };
const PVC_META = { namespaced: true, nameFn: nameIsDNSSubdomain, coreFinalizers: true };

export function validatePersistentVolume(pvRaw: unknown): FieldError[] {
  const pv = obj(pvRaw);
  return [...validateObjectMeta(pv.metadata, PV_META), ...validatePVSpec(pv.spec)];
}

const sourceOf = (spec: Obj): Obj =>
  Object.fromEntries(PV_SOURCE_KEYS.filter((k) => isSet(spec[k])).map((k) => [k, spec[k]]));

/** The PV strategy's ValidateUpdate: the new PV's own validity, then its source and mode immutable. */
export function validatePersistentVolumeUpdate(newRaw: unknown, oldRaw: unknown): FieldError[] {
  const newSpec = obj(obj(newRaw).spec);
  const oldSpec = obj(obj(oldRaw).spec);
  const errs = [...validatePersistentVolume(newRaw), ...validatePersistentVolume(newRaw)];
  const before = sourceOf(oldSpec);
  const after = sourceOf(newSpec);
  if (!semanticEqual(before, after)) {
    const diff = describeDiff('core.PersistentVolumeSource', before, after);
    errs.push(
      forbidden(
        FieldPath.of('spec', 'persistentvolumesource'),
        `spec.persistentvolumesource is immutable after creation\n${diff}`,
      ),
    );
  }
  if (str(newSpec.volumeMode) !== str(oldSpec.volumeMode)) {
    errs.push(
      invalid(
        FieldPath.of('volumeMode'),
        isSet(newSpec.volumeMode) ? str(newSpec.volumeMode) : null,
        FIELD_IMMUTABLE,
      ),
    );
  }
  return errs;
}

function validatePVCSpec(specRaw: unknown, path: FieldPath): FieldError[] {
  const spec = obj(specRaw);
  const errs = validateAccessModes(
    strList(spec.accessModes),
    path.child('accessModes'),
    'at least 1 access mode is required',
  );
  const requests = obj(obj(spec.resources).requests);
  const storagePath = path.child('resources').key('storage');
  const storage = 'storage' in requests ? quantityOf(requests.storage) : undefined;
  if (!('storage' in requests)) errs.push(required(storagePath));
  else if (storage) {
    const bad = positive(storage, storagePath);
    errs.push(...(bad.length > 0 ? bad : validateResourceQuantityValue('storage', storage, storagePath)));
  }
  if (isSet(spec.storageClassName) && str(spec.storageClassName).length > 0) {
    const name = str(spec.storageClassName);
    errs.push(
      ...nameIsDNSSubdomain(name, false).map((m) => invalid(path.child('storageClassName'), name, m)),
    );
  }
  if (isSet(spec.volumeMode) && !VOLUME_MODES.includes(str(spec.volumeMode))) {
    errs.push(notSupported(path.child('volumeMode'), str(spec.volumeMode), VOLUME_MODES));
  }
  return errs;
}

export function validatePersistentVolumeClaim(pvcRaw: unknown): FieldError[] {
  const pvc = obj(pvcRaw);
  return [...validateObjectMeta(pvc.metadata, PVC_META), ...validatePVCSpec(pvc.spec, SPEC)];
}

const storageRequest = (spec: Obj): Quantity | undefined =>
  quantityOf(obj(obj(spec.resources).requests).storage);

/**
 * ValidatePersistentVolumeClaimUpdate: the spec is immutable except volumeName (set once) and,
 * for bound claims, resources.requests.storage, which may grow (and, with
 * RecoverVolumeExpansionFailure, shrink back to above status.capacity).
 */
export function validatePersistentVolumeClaimUpdate(
  newRaw: unknown,
  oldRaw: unknown,
  opts: ResolvedOptions,
): FieldError[] {
  const newPvc = obj(newRaw);
  const oldPvc = obj(oldRaw);
  const newSpec = obj(newPvc.spec);
  const oldSpec = obj(oldPvc.spec);
  const errs = [
    ...validateCoreObjectMetaUpdate(newPvc.metadata, oldPvc.metadata),
    ...validatePersistentVolumeClaim(newRaw),
  ];
  const newClone = clone(newSpec);
  const oldClone = clone(oldSpec);
  if (str(oldSpec.volumeName).length === 0) oldClone.volumeName = newSpec.volumeName;
  // validateStorageClassUpgradeFromNil: a claim without a class may be given one (the
  // PersistentVolume controller's retroactive default StorageClass assignment).
  const betaClass = Object.hasOwn(
    obj(obj(oldPvc.metadata).annotations),
    'volume.beta.kubernetes.io/storage-class',
  );
  if (!betaClass && str(oldSpec.storageClassName) === '' && str(newSpec.storageClassName) !== '') {
    oldClone.storageClassName = newSpec.storageClassName;
  }
  const bound = str(obj(newPvc.status).phase) === 'Bound';
  if (bound && isSet(obj(newClone.resources).requests)) {
    obj(obj(newClone.resources).requests).storage = obj(obj(oldSpec.resources).requests).storage;
  }
  const normalize = (s: Obj): Obj => {
    const out = clone(s);
    const rq = obj(obj(out.resources).requests);
    for (const k of Object.keys(rq)) rq[k] = canonicalQuantityText(rq[k]);
    return out;
  };
  if (!semanticEqual(normalize(newClone), normalize(oldClone))) {
    const diff = describeDiff('core.PersistentVolumeClaimSpec', normalize(oldClone), normalize(newClone));
    errs.push(
      forbidden(
        SPEC,
        `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${diff}`,
      ),
    );
  }
  const oldSize = storageRequest(oldSpec);
  const newSize = storageRequest(newSpec);
  if (oldSize && newSize && compareQuantities(newSize, oldSize) < 0) {
    const p = FieldPath.of('spec', 'resources', 'requests', 'storage');
    if (!opts.recoverVolumeExpansionFailure)
      errs.push(forbidden(p, 'field can not be less than previous value'));
    else {
      const status = quantityOf(obj(obj(oldPvc.status).capacity).storage);
      const statusSize = status ?? { mantissa: 0n, exponent: 0, format: 'DecimalSI' as const };
      if (compareQuantities(newSize, statusSize) <= 0) {
        errs.push(forbidden(p, 'field can not be less than status.capacity'));
      }
    }
  }
  if (str(newSpec.volumeMode) !== str(oldSpec.volumeMode)) {
    errs.push(
      invalid(
        FieldPath.of('volumeMode'),
        isSet(newSpec.volumeMode) ? str(newSpec.volumeMode) : null,
        FIELD_IMMUTABLE,
      ),
    );
  }
  return errs;
}
