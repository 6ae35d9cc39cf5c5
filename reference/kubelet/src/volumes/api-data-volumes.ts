// The plugins whose files come from API objects: configMap, secret, downwardAPI and projected.
// Each computes its payload on every sync and hands it to the atomic writer, so a changed object
// shows in running containers (a no-op when nothing changed). They bind read-only, as upstream's
// do. A missing object fails the set-up unless the volume is optional (then it is empty).
import type { V1Pod } from '@kubernetes/client-node';
import { writeAtomically, type Payload } from './atomic-writer.ts';
import { configMapPayload, DEFAULT_MODE, downwardApiPayload, secretPayload } from './projections.ts';
import { VolumeSetUpError, type MountedVolume, type VolumeContext, type VolumePlugin } from './types.ts';

const namespaceOf = (pod: V1Pod): string => pod.metadata?.namespace ?? '';

function written(ctx: VolumeContext, payload: Payload): MountedVolume {
  writeAtomically(ctx.dir, payload);
  return { path: ctx.dir, readOnly: true };
}

export const configMapPlugin: VolumePlugin = {
  name: 'kubernetes.io~configmap',
  canSupport: (volume) => volume.configMap !== undefined,
  async setUp(ctx) {
    const source = ctx.volume.configMap!;
    const name = source.name ?? '';
    const found = await ctx.objects.configMap(namespaceOf(ctx.pod), name);
    if (!found) {
      if (source.optional) return written(ctx, new Map());
      throw new VolumeSetUpError(`configmap "${name}" not found`);
    }
    return written(
      ctx,
      configMapPayload(found, source.items, source.defaultMode ?? DEFAULT_MODE, source.optional ?? false),
    );
  },
};

export const secretPlugin: VolumePlugin = {
  name: 'kubernetes.io~secret',
  canSupport: (volume) => volume.secret !== undefined,
  async setUp(ctx) {
    const source = ctx.volume.secret!;
    const name = source.secretName ?? '';
    const found = await ctx.objects.secret(namespaceOf(ctx.pod), name);
    if (!found) {
      if (source.optional) return written(ctx, new Map());
      throw new VolumeSetUpError(`secret "${name}" not found`);
    }
    return written(
      ctx,
      secretPayload(found, source.items, source.defaultMode ?? DEFAULT_MODE, source.optional ?? false),
    );
  },
};

export const downwardApiPlugin: VolumePlugin = {
  name: 'kubernetes.io~downward-api',
  canSupport: (volume) => volume.downwardAPI !== undefined,
  setUp(ctx) {
    const source = ctx.volume.downwardAPI!;
    return Promise.resolve(
      written(
        ctx,
        downwardApiPayload(ctx.pod, source.items, source.defaultMode ?? DEFAULT_MODE, ctx.downward),
      ),
    );
  },
};

export const projectedPlugin: VolumePlugin = {
  name: 'kubernetes.io~projected',
  canSupport: (volume) => volume.projected !== undefined,
  async setUp(ctx) {
    const projected = ctx.volume.projected!;
    const defaultMode = projected.defaultMode ?? DEFAULT_MODE;
    const payload: Payload = new Map();
    const add = (part: Payload): void => {
      for (const [path, file] of part) payload.set(path, file);
    };
    for (const source of projected.sources ?? []) {
      if (source.configMap) {
        const name = source.configMap.name ?? '';
        const found = await ctx.objects.configMap(namespaceOf(ctx.pod), name);
        if (!found) {
          if (source.configMap.optional) continue;
          throw new VolumeSetUpError(`configmap "${name}" not found`);
        }
        add(configMapPayload(found, source.configMap.items, defaultMode, source.configMap.optional ?? false));
      } else if (source.secret) {
        const name = source.secret.name ?? '';
        const found = await ctx.objects.secret(namespaceOf(ctx.pod), name);
        if (!found) {
          if (source.secret.optional) continue;
          throw new VolumeSetUpError(`secret "${name}" not found`);
        }
        add(secretPayload(found, source.secret.items, defaultMode, source.secret.optional ?? false));
      } else if (source.downwardAPI) {
        add(downwardApiPayload(ctx.pod, source.downwardAPI.items, defaultMode, ctx.downward));
      } else {
        const kind = Object.keys(source).find((k) => (source as Record<string, unknown>)[k] !== undefined);
        throw new VolumeSetUpError(
          `projected volume source ${kind ?? '(none)'} is not supported by this kubelet`,
        );
      }
    }
    return written(ctx, payload);
  },
};
