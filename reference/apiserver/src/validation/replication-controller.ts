// ReplicationController validation (Kubernetes v1.32).
// Source: pkg/apis/core/validation/validation.go (ValidateReplicationController[Update],
// ValidateReplicationControllerSpec, ValidatePodTemplateSpecForRC, ValidatePodTemplateSpec).

import { int, isSet, list, obj, strMap, str } from './access.ts';
import { FieldPath, forbidden, invalid, notSupported, required, type FieldError } from './field-error.ts';
import { goStringMap } from './go-format.ts';
import { nameIsDNSSubdomain } from './names.ts';
import {
  IS_NEGATIVE,
  validateAnnotations,
  validateCoreObjectMetaUpdate,
  validateLabels,
  validateObjectMeta,
} from './object-meta.ts';
import type { ResolvedOptions } from './options.ts';
import { validatePodSpec } from './pod-spec.ts';

const SPEC = FieldPath.of('spec');

/** labels.Set(selector).AsSelector().Matches(labels): every selector pair present in labels. */
const matches = (selector: Record<string, string>, labels: Record<string, string>): boolean =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

function validateTemplate(
  raw: unknown,
  selector: Record<string, string>,
  opts: ResolvedOptions,
): FieldError[] {
  const path = SPEC.child('template');
  if (!isSet(raw)) return [required(path)];
  const template = obj(raw);
  const meta = obj(template.metadata);
  const errs: FieldError[] = [];
  const labels = strMap(meta.labels);
  if (Object.keys(selector).length > 0 && !matches(selector, labels)) {
    const shown = isSet(meta.labels) ? goStringMap(labels) : goStringMap(null);
    errs.push(
      invalid(path.child('metadata', 'labels'), shown, '`selector` does not match template `labels`'),
    );
  }
  return [...errs, ...validateControllerPodTemplate(template, path, 'ReplicationController', opts)];
}

/**
 * ValidatePodTemplateSpec plus what a replicating controller (`owner`: ReplicationController,
 * ReplicaSet) requires of its template: restartPolicy Always, no activeDeadlineSeconds. The
 * selector check comes before, as each kind matches its own selector type.
 */
export function validateControllerPodTemplate(
  template: Record<string, unknown>,
  path: FieldPath,
  owner: string,
  opts: ResolvedOptions,
): FieldError[] {
  const meta = obj(template.metadata);
  const spec = obj(template.spec);
  const errs: FieldError[] = [];
  errs.push(...validateLabels(meta.labels, path.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, path.child('annotations')));
  errs.push(...validatePodSpec(spec, path.child('spec'), opts));
  if (list(spec.ephemeralContainers).length > 0) {
    errs.push(
      forbidden(
        path.child('spec', 'ephemeralContainers'),
        'ephemeral containers not allowed in pod template',
      ),
    );
  }
  if (str(spec.restartPolicy) !== 'Always') {
    errs.push(notSupported(path.child('spec', 'restartPolicy'), str(spec.restartPolicy), ['Always']));
  }
  if (isSet(spec.activeDeadlineSeconds)) {
    errs.push(
      forbidden(
        path.child('spec', 'activeDeadlineSeconds'),
        `activeDeadlineSeconds in ${owner} is not Supported`,
      ),
    );
  }
  return errs;
}

function validateSpec(raw: unknown, opts: ResolvedOptions): FieldError[] {
  const spec = obj(raw);
  const errs: FieldError[] = [];
  const minReadySeconds = int(spec.minReadySeconds);
  if (minReadySeconds < 0) errs.push(invalid(SPEC.child('minReadySeconds'), minReadySeconds, IS_NEGATIVE));
  const selector = strMap(spec.selector);
  if (Object.keys(selector).length === 0) errs.push(required(SPEC.child('selector')));
  const replicas = int(spec.replicas);
  if (replicas < 0) errs.push(invalid(SPEC.child('replicas'), replicas, IS_NEGATIVE));
  errs.push(...validateTemplate(spec.template, selector, opts));
  return errs;
}

export function validateReplicationController(raw: unknown, opts: ResolvedOptions): FieldError[] {
  const rc = obj(raw);
  return [
    ...validateObjectMeta(rc.metadata, {
      namespaced: true,
      nameFn: nameIsDNSSubdomain,
      coreFinalizers: true,
    }),
    ...validateSpec(rc.spec, opts),
  ];
}

export function validateReplicationControllerUpdate(
  raw: unknown,
  oldRaw: unknown,
  opts: ResolvedOptions,
): FieldError[] {
  const rc = obj(raw);
  return [...validateCoreObjectMetaUpdate(rc.metadata, obj(oldRaw).metadata), ...validateSpec(rc.spec, opts)];
}
