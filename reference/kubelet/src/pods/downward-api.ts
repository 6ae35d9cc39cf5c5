// The downward API: a pod's own fields and its containers' resources as strings, the way
// upstream's kubelet renders them for env (podFieldSelectorRuntimeValue) and for downwardAPI
// volume files (fieldpath.ExtractFieldPathAsString, FormatMap; resource.ExtractResourceValue...).
// Pure.
import type {
  V1Container,
  V1ObjectFieldSelector,
  V1Pod,
  V1ResourceFieldSelector,
} from '@kubernetes/client-node';
import { parseQuantity } from './quantity.ts';

/** What the kubelet knows beyond the pod object: its addresses and the node's allocatable. */
export interface DownwardContext {
  podIps: string[];
  hostIps: string[];
  /** The node's allocatable, the value of an unset limit (upstream's defaultPodLimitsForDownwardAPI). */
  allocatable: { cpu: string; memory: string; 'ephemeral-storage'?: string };
}

/** Go's %q for the strings labels and annotations hold (ASCII escapes; other text kept). */
export function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** upstream's FormatMap: `key="value"` lines in key order, no trailing newline. */
export function formatMap(map: Record<string, string> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((key) => `${key}=${goQuote(map![key]!)}`)
    .join('\n');
}

/** Fields both env and volumes offer (ExtractFieldPathAsString). Throws for an unsupported path. */
export function metadataField(pod: V1Pod, path: string): string {
  const meta = pod.metadata ?? {};
  const subscript = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (subscript) {
    const map = subscript[1] === 'labels' ? meta.labels : meta.annotations;
    return map?.[subscript[2]!] ?? '';
  }
  switch (path) {
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    default:
      throw new Error(`unsupported fieldPath: ${path}`);
  }
}

/** A fieldRef's value for an environment variable. */
export function envFieldValue(selector: V1ObjectFieldSelector, pod: V1Pod, ctx: DownwardContext): string {
  switch (selector.fieldPath) {
    case 'spec.nodeName':
      return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName':
      return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP':
      return ctx.hostIps[0] ?? '';
    case 'status.hostIPs':
      return ctx.hostIps.join(',');
    case 'status.podIP':
      return ctx.podIps[0] ?? '';
    case 'status.podIPs':
      return ctx.podIps.join(',');
    default:
      return metadataField(pod, selector.fieldPath);
  }
}

/**
 * A resourceFieldRef's value: the container's limit or request divided by the divisor, rounded
 * up; an unset limit is the node's allocatable. `container` is the one the selector names, or the
 * one it is evaluated for when it names none.
 */
export function resourceFieldValue(
  selector: V1ResourceFieldSelector,
  pod: V1Pod,
  container: V1Container | undefined,
  ctx: DownwardContext,
): string {
  const target = selector.containerName
    ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find(
        (c) => c.name === selector.containerName,
      )
    : container;
  if (!target) throw new Error(`container ${selector.containerName ?? ''} not found`);
  const [kind, resource] = selector.resource.split(/\.(.*)/s) as [string, string];
  if ((kind !== 'limits' && kind !== 'requests') || !resource) {
    throw new Error(`unsupported container resource : ${selector.resource}`);
  }
  const set = kind === 'limits' ? target.resources?.limits : target.resources?.requests;
  let value = set?.[resource];
  if (value === undefined && kind === 'limits') {
    value = ctx.allocatable[resource as keyof DownwardContext['allocatable']];
  }
  // An absent or zero divisor is 1 (upstream's defaulting).
  const divisor = (): number => parseQuantity(String(selector.divisor ?? '') || '1') || 1;
  if (resource === 'cpu') {
    const milli = Math.ceil(parseQuantity(value ?? '0') * 1000 - 1e-9);
    return String(Math.ceil(milli / Math.round(divisor() * 1000) - 1e-9));
  }
  if (resource === 'memory' || resource === 'ephemeral-storage' || resource.startsWith('hugepages-')) {
    return String(Math.ceil(parseQuantity(value ?? '0') / divisor() - 1e-9));
  }
  throw new Error(`unsupported container resource : ${selector.resource}`);
}
