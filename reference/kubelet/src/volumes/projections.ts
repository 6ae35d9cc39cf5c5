// Payloads of the volumes whose files come from API objects, as upstream's plugins make them
// (configmap.MakePayload, secret.MakePayload, downwardapi.CollectData, projected.collectData).
// Pure: the objects are handed in.
import type {
  V1ConfigMap,
  V1DownwardAPIVolumeFile,
  V1KeyToPath,
  V1Pod,
  V1Secret,
} from '@kubernetes/client-node';
import { metadataField, resourceFieldValue, type DownwardContext } from '../pods/downward-api.ts';
import type { Payload } from './atomic-writer.ts';
import { VolumeSetUpError } from './types.ts';

/** upstream's default file mode for API data volumes (0644). */
export const DEFAULT_MODE = 0o644;

/** A configMap's files: every key, or the listed items; a missing key fails unless optional. */
export function configMapPayload(
  configMap: V1ConfigMap,
  items: V1KeyToPath[] | undefined,
  defaultMode: number,
  optional: boolean,
): Payload {
  const payload: Payload = new Map();
  const data = configMap.data ?? {};
  const binary = configMap.binaryData ?? {};
  if (!items || items.length === 0) {
    for (const [key, value] of Object.entries(data))
      payload.set(key, { data: Buffer.from(value), mode: defaultMode });
    for (const [key, value] of Object.entries(binary)) {
      payload.set(key, { data: Buffer.from(value, 'base64'), mode: defaultMode });
    }
    return payload;
  }
  for (const item of items) {
    let content: Buffer;
    if (data[item.key] !== undefined) content = Buffer.from(data[item.key]!);
    else if (binary[item.key] !== undefined) content = Buffer.from(binary[item.key]!, 'base64');
    else if (optional) continue;
    else throw new VolumeSetUpError(`configmap references non-existent config key: ${item.key}`);
    payload.set(item.path, { data: content, mode: item.mode ?? defaultMode });
  }
  return payload;
}

/** A secret's files (values base64-decoded): every key, or the listed items. */
export function secretPayload(
  secret: V1Secret,
  items: V1KeyToPath[] | undefined,
  defaultMode: number,
  optional: boolean,
): Payload {
  const payload: Payload = new Map();
  const data = secret.data ?? {};
  if (!items || items.length === 0) {
    for (const [key, value] of Object.entries(data)) {
      payload.set(key, { data: Buffer.from(value, 'base64'), mode: defaultMode });
    }
    return payload;
  }
  for (const item of items) {
    const value = data[item.key];
    if (value === undefined) {
      if (optional) continue;
      throw new VolumeSetUpError(`references non-existent secret key: ${item.key}`);
    }
    payload.set(item.path, { data: Buffer.from(value, 'base64'), mode: item.mode ?? defaultMode });
  }
  return payload;
}

/** downwardAPI files: pod metadata by fieldRef, container resources by resourceFieldRef. */
export function downwardApiPayload(
  pod: V1Pod,
  items: V1DownwardAPIVolumeFile[] | undefined,
  defaultMode: number,
  ctx: DownwardContext,
): Payload {
  const payload: Payload = new Map();
  for (const item of items ?? []) {
    let value: string;
    try {
      if (item.fieldRef) value = metadataField(pod, item.fieldRef.fieldPath);
      else if (item.resourceFieldRef) value = resourceFieldValue(item.resourceFieldRef, pod, undefined, ctx);
      else continue;
    } catch (err) {
      throw new VolumeSetUpError(`error collecting data for ${item.path}: ${(err as Error).message}`);
    }
    payload.set(item.path, { data: Buffer.from(value), mode: item.mode ?? defaultMode });
  }
  return payload;
}
