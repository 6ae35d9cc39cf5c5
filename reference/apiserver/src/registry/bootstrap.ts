// What an apiserver makes sure exists when it starts, as upstream's bootstrap controllers do:
// the system namespaces and the `kubernetes` Service at the first address of the service range.
// Idempotent: several apiservers on one store may all run it.
import { findResource } from '../resources.ts';
import type { ApiObject } from './objects.ts';
import type { Registry } from './registry.ts';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

const NAMESPACES = findResource('', 'v1', 'namespaces')!;
const SERVICES = findResource('', 'v1', 'services')!;

async function createIfMissing(create: () => Promise<unknown>): Promise<void> {
  try {
    await create();
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
  }
}

export async function bootstrap(registry: Registry, apiServiceIp: string): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await createIfMissing(() =>
      registry.create(NAMESPACES, undefined, { metadata: { name } } as ApiObject, { dryRun: false }),
    );
  }
  const kubernetes = {
    metadata: {
      name: 'kubernetes',
      namespace: 'default',
      labels: { component: 'apiserver', provider: 'kubernetes' },
    },
    spec: {
      type: 'ClusterIP',
      clusterIP: apiServiceIp,
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
    },
  } as unknown as ApiObject;
  await createIfMissing(() => registry.create(SERVICES, 'default', kubernetes, { dryRun: false }));
}
