// Pod create and update validation (Kubernetes v1.32).
// Source: pkg/apis/core/validation/validation.go (ValidatePodCreate, validatePodMetadataAndSpec,
// ValidatePodUpdate, ValidateContainerUpdates, validateOnlyAddedTolerations).

import { clone, describeDiff, int, isSet, list, obj, type Obj, semanticEqual, str } from './access.ts';
import { validateImagesForPod } from './container.ts';
import { FieldPath, forbidden, invalid, required, type FieldError } from './field-error.ts';
import { inclusiveRangeError, nameIsDNSSubdomain } from './names.ts';
import { validateCoreObjectMetaUpdate, validateObjectMeta } from './object-meta.ts';
import type { ResolvedOptions } from './options.ts';
import { validatePodSpec, validateTolerations } from './pod-spec.ts';
import { canonicalQuantityText } from './quantity.ts';

const SPEC = FieldPath.of('spec');
const MAX_INT32 = 2147483647;

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function validatePodMetadataAndSpec(pod: Obj, opts: ResolvedOptions): FieldError[] {
  const spec = obj(pod.spec);
  return [
    ...validateObjectMeta(pod.metadata, {
      namespaced: true,
      nameFn: nameIsDNSSubdomain,
      coreFinalizers: true,
    }),
    ...validatePodSpec(pod.spec, SPEC, opts),
    ...validateImagesForPod(spec.containers, SPEC.child('containers')),
    ...validateImagesForPod(spec.initContainers, SPEC.child('initContainers')),
  ];
}

/** ValidatePodCreate: metadata, spec, and what only a new pod may not carry. */
export function validatePodCreate(podRaw: unknown, opts: ResolvedOptions): FieldError[] {
  const pod = obj(podRaw);
  const spec = obj(pod.spec);
  const errs = validatePodMetadataAndSpec(pod, opts);
  if (list(spec.ephemeralContainers).length > 0) {
    errs.push(forbidden(SPEC.child('ephemeralContainers'), 'cannot be set on create'));
  }
  if (str(spec.nodeName) !== '' && list(spec.schedulingGates).length !== 0) {
    errs.push(forbidden(SPEC.child('nodeName'), 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

/** ValidateContainerUpdates: same number of containers, every image set and trimmed. */
function validateContainerUpdates(
  newList: unknown,
  oldList: unknown,
  path: FieldPath,
): { errs: FieldError[]; stop: boolean } {
  const fresh = list(newList);
  if (fresh.length !== list(oldList).length) {
    return { errs: [forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  }
  const errs: FieldError[] = [];
  fresh.forEach((c, i) => {
    const image = str(obj(c).image);
    if (image.length === 0) errs.push(required(path.index(i).child('image')));
    if (image.trim().length !== image.length) {
      errs.push(invalid(path.index(i).child('image'), image, 'must not have leading or trailing whitespace'));
    }
  });
  return { errs, stop: false };
}

/** validateOnlyAddedTolerations: existing tolerations stay (tolerationSeconds may change). */
function validateOnlyAddedTolerations(newRaw: unknown, oldRaw: unknown, path: FieldPath): FieldError[] {
  const fresh = list(newRaw).map(obj);
  for (const old of list(oldRaw).map(obj)) {
    const found = fresh.some((t) => semanticEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found)
      return [forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(newRaw, path);
}

/** Resource quantities compared by value, as apiequality.Semantic does ("1" equals "1000m"). */
function canonicalResources(spec: Obj): Obj {
  const out = clone(spec);
  for (const key of ['containers', 'initContainers']) {
    for (const c of list(out[key])) {
      const resources = obj(obj(c).resources);
      for (const kind of ['limits', 'requests']) {
        const rl = obj(resources[kind]);
        for (const name of Object.keys(rl)) rl[name] = canonicalQuantityText(rl[name]);
      }
    }
  }
  return out;
}

/**
 * ValidatePodUpdate: metadata update rules, the new pod's own validity, and a spec that changes
 * only in images, activeDeadlineSeconds (set or lowered), added tolerations and removed
 * scheduling gates. Anything else is the Forbidden "pod updates may not change fields other
 * than ..." error; its trailing diff approximates upstream's go-cmp output (see describeDiff).
 */
export function validatePodUpdate(newRaw: unknown, oldRaw: unknown, opts: ResolvedOptions): FieldError[] {
  const newPod = obj(newRaw);
  const oldPod = obj(oldRaw);
  const newSpec = obj(newPod.spec);
  const oldSpec = obj(oldPod.spec);
  const errs = [
    ...validateCoreObjectMetaUpdate(newPod.metadata, oldPod.metadata),
    ...validatePodMetadataAndSpec(newPod, opts),
  ];

  for (const key of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(newSpec[key], oldSpec[key], SPEC.child(key));
    errs.push(...r.errs);
    if (r.stop) return errs;
  }

  const deadlinePath = SPEC.child('activeDeadlineSeconds');
  if (isSet(newSpec.activeDeadlineSeconds)) {
    const fresh = int(newSpec.activeDeadlineSeconds);
    if (fresh < 0 || fresh > MAX_INT32) {
      errs.push(invalid(deadlinePath, fresh, inclusiveRangeError(0, MAX_INT32)));
      return errs;
    }
    if (isSet(oldSpec.activeDeadlineSeconds) && int(oldSpec.activeDeadlineSeconds) < fresh) {
      errs.push(invalid(deadlinePath, fresh, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (isSet(oldSpec.activeDeadlineSeconds)) {
    errs.push(invalid(deadlinePath, null, 'must not update from a positive integer to nil value'));
  }

  errs.push(
    ...validateOnlyAddedTolerations(newSpec.tolerations, oldSpec.tolerations, SPEC.child('tolerations')),
  );
  const oldGates = new Set(list(oldSpec.schedulingGates).map((g) => str(obj(g).name)));
  list(newSpec.schedulingGates).forEach((g, i) => {
    const name = str(obj(g).name);
    if (!oldGates.has(name)) {
      errs.push(
        forbidden(
          SPEC.child('schedulingGates').index(i).child('name'),
          `only deletion is allowed, but found new scheduling gate '${name}'`,
        ),
      );
    }
  });

  const before = canonicalResources(oldSpec);
  const munged = canonicalResources(newSpec);
  for (const key of ['containers', 'initContainers']) {
    const olds = list(oldSpec[key]);
    list(munged[key]).forEach((c, i) => {
      if (typeof c === 'object' && c !== null) (c as Obj).image = obj(olds[i]).image;
    });
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  if (int(oldSpec.terminationGracePeriodSeconds) < 0 && int(munged.terminationGracePeriodSeconds) === 1) {
    munged.terminationGracePeriodSeconds = oldSpec.terminationGracePeriodSeconds;
  }
  if (!semanticEqual(munged, before)) {
    const diff = describeDiff('core.PodSpec', before, munged);
    errs.push(
      forbidden(
        SPEC,
        `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${diff}`,
      ),
    );
  }
  return errs;
}
