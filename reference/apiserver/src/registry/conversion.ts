// Conversion between a resource's served form and its stored form, for resources upstream keeps
// with another's objects (ResourceInfo.storedAs). Upstream stores events.k8s.io/v1 Events as core
// Events and converts in both directions (pkg/apis/events/v1/conversion.go and its generated
// zz_generated.conversion.go), so an event written through either API is read, listed and
// watched through both. Each direction keeps only the fields the target type has, as a Go
// conversion into the target struct does.
import type { ResourceInfo } from '../resources.ts';
import type { ApiObject } from './objects.ts';

/**
 * events.k8s.io/v1 field ↔ core/v1 field, in the order events.k8s.io/v1 declares them. The
 * core JSON name of the internal ReportingController is `reportingComponent`.
 */
const EVENT_FIELDS: ReadonlyArray<readonly [events: string, core: string]> = [
  ['metadata', 'metadata'],
  ['eventTime', 'eventTime'],
  ['series', 'series'],
  ['reportingController', 'reportingComponent'],
  ['reportingInstance', 'reportingInstance'],
  ['action', 'action'],
  ['reason', 'reason'],
  ['regarding', 'involvedObject'],
  ['related', 'related'],
  ['note', 'message'],
  ['type', 'type'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];

/** Copies the fields `from` names into the fields `to` names; absent fields stay absent. */
function mapFields(obj: ApiObject, from: 0 | 1, apiVersion: string): ApiObject {
  const out: Record<string, unknown> = { kind: 'Event', apiVersion };
  for (const pair of EVENT_FIELDS) {
    const value = obj[pair[from]];
    if (value !== undefined) out[pair[1 - from]!] = value;
  }
  return out as ApiObject;
}

/** An events.k8s.io/v1 Event in its core/v1 form (Convert_v1_Event_To_core_Event). Pure. */
export function eventToCore(event: ApiObject): ApiObject {
  return mapFields(event, 0, 'v1');
}

/** A core/v1 Event in its events.k8s.io/v1 form (Convert_core_Event_To_v1_Event). Pure. */
export function eventFromCore(event: ApiObject): ApiObject {
  return mapFields(event, 1, 'events.k8s.io/v1');
}

interface Conversion {
  toStorage(obj: ApiObject): ApiObject;
  fromStorage(obj: ApiObject): ApiObject;
}

/** By served group/version/resource; written out here, as every conversion the server knows. */
const CONVERSIONS: Record<string, Conversion> = {
  'events.k8s.io/v1/events': { toStorage: eventToCore, fromStorage: eventFromCore },
};

function conversionOf(info: ResourceInfo): Conversion | undefined {
  if (!info.storedAs) return undefined;
  const conversion = CONVERSIONS[`${info.group}/${info.version}/${info.resource}`];
  if (!conversion)
    throw new Error(`${info.group}/${info.resource} is stored as another resource but has no conversion`);
  return conversion;
}

/** The object as it is stored: unchanged unless the resource is stored as another. Pure. */
export function toStorage(info: ResourceInfo, obj: ApiObject): ApiObject {
  return conversionOf(info)?.toStorage(obj) ?? obj;
}

/** The stored object in the form `info` serves: unchanged unless stored as another. Pure. */
export function fromStorage(info: ResourceInfo, obj: ApiObject): ApiObject {
  return conversionOf(info)?.fromStorage(obj) ?? obj;
}
