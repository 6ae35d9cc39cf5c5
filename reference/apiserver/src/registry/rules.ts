// The object rules the registry applies on every write: upstream's v1 defaults (and the one
// conversion to the internal form that changes what is stored), the decode check
// (wrong JSON types are a 400, as upstream's decoder answers), and validation with upstream's
// messages (a 422 Invalid with the field paths). The rules themselves live in ../validation.
import { statusError, type ApiError, type Status } from '../api-error.ts';
import type { ResourceInfo } from '../resources.ts';
import { mergeStringData } from '../validation/config-data.ts';
import { applyAppsDefaults } from '../validation/apps-defaults.ts';
import { validateApps } from '../validation/apps-v1.ts';
import { applyDefaults } from '../validation/defaults.ts';
import { addDefaultTolerations } from '../validation/default-toleration-seconds.ts';
import { validateDecoded, VALIDATED_KINDS } from '../validation/core-v1.ts';
import { invalidStatus, type FieldError } from '../validation/field-error.ts';
import { validateObjectMeta, validateObjectMetaUpdate } from '../validation/object-meta.ts';
import { nameIsDNSSubdomain } from '../validation/names.ts';
import { checkTypes, decodeErrorStatus } from '../validation/types-check.ts';
import { resolveOptions, type ValidationOptions } from '../validation/options.ts';
import { admitOnCreate } from './create-admission.ts';
import type { ApiObject } from './objects.ts';
import type { ObjectRules } from './strategy.ts';

const fromStatus = (status: Status | ReturnType<typeof invalidStatus>): ApiError =>
  statusError(status.code, status.reason, status.message, status.details as Status['details']);

export function upstreamRules(options: ValidationOptions = {}): ObjectRules {
  const resolved = resolveOptions(options);
  const tolerationSeconds = {
    notReady: resolved.defaultNotReadyTolerationSeconds,
    unreachable: resolved.defaultUnreachableTolerationSeconds,
  };
  return {
    applyDefaults(info: ResourceInfo, obj: ApiObject): ApiObject {
      if (info.group === 'apps') return applyAppsDefaults(info.kind, obj) as ApiObject;
      // Only the core and apps groups have upstream defaulters here; others are stored as given.
      if (info.group !== '') return structuredClone(obj);
      let defaulted = applyDefaults(info.kind, obj);
      // The DefaultTolerationSeconds admission runs on pod create and update, after defaulting.
      if (info.kind === 'Pod') defaulted = addDefaultTolerations(defaulted, tolerationSeconds);
      // Upstream defaults the v1 object and then converts it to the internal form, which is what
      // it stores; the one conversion that changes the stored object is Secret's stringData.
      return (info.kind === 'Secret' ? mergeStringData(defaulted) : defaulted) as ApiObject;
    },
    // StorageObjectInUseProtection and DefaultStorageClass run on create only, after defaulting.
    admitCreate: admitOnCreate,
    validate(info: ResourceInfo, obj: ApiObject, old?: ApiObject): ApiError | undefined {
      const kindRules =
        info.group === '' && VALIDATED_KINDS.includes(info.kind)
          ? validateDecoded
          : info.group === 'apps'
            ? validateApps
            : undefined;
      if (kindRules) {
        const decodeError = checkTypes(info.kind, obj);
        if (decodeError) return fromStatus(decodeErrorStatus(info.kind, info.version, decodeError));
        const errors = kindRules(info.kind, obj, old, options);
        return errors.length ? invalid(info, obj, errors) : undefined;
      }
      // Kinds without their own validation still get upstream's object-meta rules.
      const errors = old
        ? validateObjectMetaUpdate(obj.metadata, old.metadata)
        : validateObjectMeta(obj.metadata, { namespaced: info.namespaced, nameFn: nameIsDNSSubdomain });
      return errors.length ? invalid(info, obj, errors) : undefined;
    },
  };
}

function invalid(info: ResourceInfo, obj: ApiObject, errors: FieldError[]): ApiError {
  return fromStatus(invalidStatus(info.kind, info.group, String(obj.metadata?.name ?? ''), errors));
}
