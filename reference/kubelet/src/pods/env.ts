// A container's environment as upstream's kubelet builds it (makeEnvironmentVariables): envFrom
// sources first (with their prefix), then `env` in order, each value either expanded with
// `$(VAR)` against the variables so far and the service variables, or taken from its source
// (fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef); finally the service variables no
// other variable has claimed. Command and args are then expanded against the result.
import type { V1ConfigMap, V1Container, V1Pod, V1Secret } from '@kubernetes/client-node';
import { envFieldValue, resourceFieldValue, type DownwardContext } from './downward-api.ts';
import { expand, mappingFor } from './expansion.ts';

/** Where the referenced objects come from; `undefined` means the object does not exist. */
export interface EnvSources {
  configMap(namespace: string, name: string): Promise<V1ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<V1Secret | undefined>;
}

/** A container whose config cannot be made: upstream's CreateContainerConfigError. */
export class ContainerConfigError extends Error {
  override name = 'ContainerConfigError';
  readonly reason = 'CreateContainerConfigError';
}

/** Runs `make`, turning its failure into a ContainerConfigError with the same message. */
function configError(make: () => string): string {
  try {
    return make();
  } catch (err) {
    throw new ContainerConfigError((err as Error).message);
  }
}

const decode = (value: string): string => Buffer.from(value, 'base64').toString('utf8');

/**
 * Resolves the environment of `container`, in the order upstream hands it to the runtime. Throws
 * ContainerConfigError with upstream's message for a missing object or key that is not optional.
 */
export async function resolveEnv(
  pod: V1Pod,
  container: V1Container,
  ctx: DownwardContext,
  sources: EnvSources,
  serviceEnv: ReadonlyMap<string, string>,
): Promise<Map<string, string>> {
  const namespace = pod.metadata?.namespace ?? '';
  const configMaps = new Map<string, V1ConfigMap | undefined>();
  const secrets = new Map<string, V1Secret | undefined>();
  const configMap = async (name: string): Promise<V1ConfigMap | undefined> => {
    if (!configMaps.has(name)) configMaps.set(name, await sources.configMap(namespace, name));
    return configMaps.get(name);
  };
  const secret = async (name: string): Promise<V1Secret | undefined> => {
    if (!secrets.has(name)) secrets.set(name, await sources.secret(namespace, name));
    return secrets.get(name);
  };
  const env = new Map<string, string>();

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const found = await configMap(from.configMapRef.name ?? '');
      if (!found) {
        if (from.configMapRef.optional) continue;
        throw new ContainerConfigError(`configmap "${from.configMapRef.name}" not found`);
      }
      for (const [key, value] of Object.entries(found.data ?? {})) env.set(prefix + key, value);
    } else if (from.secretRef) {
      const found = await secret(from.secretRef.name ?? '');
      if (!found) {
        if (from.secretRef.optional) continue;
        throw new ContainerConfigError(`secret "${from.secretRef.name}" not found`);
      }
      for (const [key, value] of Object.entries(found.data ?? {})) env.set(prefix + key, decode(value));
    }
  }

  const mapping = mappingFor(env, serviceEnv);
  for (const item of container.env ?? []) {
    let value = item.value ?? '';
    const from = item.valueFrom;
    if (value !== '') {
      value = expand(value, mapping);
    } else if (from?.fieldRef) {
      const ref = from.fieldRef;
      value = configError(() => envFieldValue(ref, pod, ctx));
    } else if (from?.resourceFieldRef) {
      const ref = from.resourceFieldRef;
      value = configError(() => resourceFieldValue(ref, pod, container, ctx));
    } else if (from?.configMapKeyRef) {
      const ref = from.configMapKeyRef;
      const found = await configMap(ref.name ?? '');
      if (!found) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`configmap "${ref.name}" not found`);
      }
      const data = found.data?.[ref.key];
      if (data === undefined) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`couldn't find key ${ref.key} in ConfigMap ${namespace}/${ref.name}`);
      }
      value = data;
    } else if (from?.secretKeyRef) {
      const ref = from.secretKeyRef;
      const found = await secret(ref.name ?? '');
      if (!found) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`secret "${ref.name}" not found`);
      }
      const data = found.data?.[ref.key];
      if (data === undefined) {
        if (ref.optional) continue;
        throw new ContainerConfigError(`couldn't find key ${ref.key} in Secret ${namespace}/${ref.name}`);
      }
      value = decode(data);
    }
    env.set(item.name, value);
  }

  for (const [key, value] of serviceEnv) if (!env.has(key)) env.set(key, value);
  return env;
}

/** Upstream's ExpandContainerCommandAndArgs: `$(VAR)` in command and args from the final env. */
export function expandCommand(
  container: V1Container,
  env: ReadonlyMap<string, string>,
): { command?: string[]; args?: string[] } {
  const mapping = mappingFor(env);
  return {
    ...(container.command ? { command: container.command.map((c) => expand(c, mapping)) } : {}),
    ...(container.args ? { args: container.args.map((a) => expand(a, mapping)) } : {}),
  };
}
