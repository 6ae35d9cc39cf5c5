// The API objects pods refer to, read from the apiserver: configMaps, secrets, claims and volumes
// by GET when a pod needs them (upstream's "Get" change-detection strategy), and every Service
// through a list-watch informer, as upstream's service lister, for the service variables.
import * as k8s from '@kubernetes/client-node';
import type { Logger } from '../../../../common/src/log.ts';
import type { VolumeObjects } from '../volumes/types.ts';
import type { EnvSources } from './env.ts';

const notFound = (err: unknown): boolean => (err as { code?: number }).code === 404;

async function orUndefined<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (err) {
    if (notFound(err)) return undefined;
    throw err;
  }
}

export class ApiObjects implements VolumeObjects, EnvSources {
  private services: k8s.ListWatch<k8s.V1Service> | undefined;
  private stopped = false;

  constructor(
    private readonly kubeconfig: k8s.KubeConfig,
    private readonly core: k8s.CoreV1Api,
    private readonly log: Logger,
  ) {}

  /** Starts the services informer; resolves once its first list is in. */
  async start(): Promise<void> {
    this.services = new k8s.ListWatch<k8s.V1Service>(
      '/api/v1/services',
      new k8s.Watch(this.kubeconfig),
      () => this.core.listServiceForAllNamespaces(),
      false,
    );
    this.services.on('error', (err: unknown) => {
      if (this.stopped) return;
      this.log.warn('service watch failed; restarting it', { err });
      setTimeout(() => void this.services?.start(), 1000).unref();
    });
    await this.services.start();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.services?.stop();
  }

  /** Every service the informer holds (all namespaces). */
  listServices(): readonly k8s.V1Service[] {
    return this.services?.list() ?? [];
  }

  configMap(namespace: string, name: string): Promise<k8s.V1ConfigMap | undefined> {
    return orUndefined(this.core.readNamespacedConfigMap({ namespace, name }));
  }

  secret(namespace: string, name: string): Promise<k8s.V1Secret | undefined> {
    return orUndefined(this.core.readNamespacedSecret({ namespace, name }));
  }

  persistentVolumeClaim(namespace: string, name: string): Promise<k8s.V1PersistentVolumeClaim | undefined> {
    return orUndefined(this.core.readNamespacedPersistentVolumeClaim({ namespace, name }));
  }

  persistentVolume(name: string): Promise<k8s.V1PersistentVolume | undefined> {
    return orUndefined(this.core.readPersistentVolume({ name }));
  }
}
