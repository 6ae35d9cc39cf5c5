// The scale subresource (autoscaling/v1 Scale) of ReplicationControllers, ReplicaSets and
// Deployments: what `kubectl scale` and autoscalers read and write instead of the whole object.
import type { IncomingMessage } from 'node:http';
import { badRequest, statusError } from '../api-error.ts';
import {
  applyMergePatch,
  decodeJsonPatch,
  applyJsonPatch,
  PatchError,
  type JsonValue,
} from '../patch/index.ts';
import { isObject, type ApiObject } from '../registry/objects.ts';
import type { Registry } from '../registry/registry.ts';
import type { ResourceInfo } from '../resources.ts';
import { labelSelectorFromObject } from '../selectors.ts';
import { decodeObject, mediaType, parseJson, readBody } from './body.ts';

type Reply = (code: number, body: unknown) => void;

/**
 * status.selector of a Scale: the selector in labels.Selector.String() form. A core RC's is a map
 * (labels.SelectorFromSet); an apps/v1 object's is a metav1.LabelSelector.
 */
export function scaleSelector(selector: unknown): string {
  if (!isObject(selector)) return '';
  const labelSelector = 'matchLabels' in selector || 'matchExpressions' in selector;
  return labelSelectorFromObject(
    (labelSelector ? selector : { matchLabels: selector }) as Parameters<typeof labelSelectorFromObject>[0],
  ).toString();
}

export function toScale(rc: ApiObject): Record<string, unknown> {
  const spec = (rc.spec ?? {}) as { replicas?: number; selector?: unknown };
  const status = (rc.status ?? {}) as { replicas?: number };
  const selector = scaleSelector(spec.selector);
  const { name, namespace, uid, resourceVersion, creationTimestamp } = rc.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec.replicas ?? 0 },
    status: { replicas: status.replicas ?? 0, selector },
  };
}

function replicasOf(info: ResourceInfo, name: string, scale: unknown): number {
  const replicas = isObject(scale) && isObject(scale.spec) ? scale.spec.replicas : undefined;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    const shown = replicas === undefined ? 'null' : JSON.stringify(replicas);
    throw statusError(
      422,
      'Invalid',
      `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${shown}: must be greater than or equal to 0`,
      {
        name,
        group: 'autoscaling',
        kind: 'Scale',
        causes: [
          {
            reason: 'FieldValueInvalid',
            message: `Invalid value: ${shown}: must be greater than or equal to 0`,
            field: 'spec.replicas',
          },
        ],
      },
    );
  }
  void info;
  return replicas;
}

export async function handleScale(
  registry: Registry,
  req: IncomingMessage,
  info: ResourceInfo,
  namespace: string | undefined,
  name: string,
  dryRun: boolean,
  reply: Reply,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'GET') return reply(200, toScale(await registry.get(info, namespace, name)));
  if (method !== 'PUT' && method !== 'PATCH') {
    throw statusError(
      405,
      'MethodNotAllowed',
      'the server does not allow this method on the requested resource',
    );
  }
  const raw = await readBody(req);
  const type = mediaType(req);
  const body = method === 'PUT' ? decodeObject(req, raw) : parseJson(raw);
  const updated = await registry.readModifyWrite(
    info,
    namespace,
    name,
    (rc) => {
      let scale: unknown = toScale(rc);
      if (method === 'PUT') {
        const wanted = isObject(body) && isObject(body.metadata) ? body.metadata.resourceVersion : undefined;
        if (typeof wanted === 'string' && wanted !== '') rc.metadata.resourceVersion = wanted;
        scale = body;
      } else {
        try {
          scale =
            type === 'application/json-patch+json'
              ? applyJsonPatch(scale as JsonValue, decodeJsonPatch(body))
              : applyMergePatch(scale as JsonValue, body); // a Scale has no lists: strategic merge is a merge
        } catch (err) {
          if (err instanceof PatchError) throw err.toApiError();
          throw err;
        }
      }
      if (!isObject(scale)) throw badRequest('the body of a Scale update must be an object');
      rc.spec = { ...(isObject(rc.spec) ? rc.spec : {}), replicas: replicasOf(info, name, scale) };
      return rc;
    },
    { dryRun },
  );
  reply(200, toScale(updated));
}
