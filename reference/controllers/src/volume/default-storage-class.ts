// The reference's default StorageClass, `kconform-local`, served by the local provisioner. Upstream
// clusters get their default class from an addon (kube-up's storage-class addon, kind's
// `standard` manifest) that the addon manager creates with mode EnsureExists: made when absent,
// never overwritten. The reference has no addon manager, so the controller that serves the class
// does the same once at start: the class exists exactly where its provisioner runs, and a cluster
// started without this controller never advertises a default class nobody provisions for.
// Claims that ask for no class get the default one from the apiserver's DefaultStorageClass
// admission on create, and from the PersistentVolume controller afterwards (claimAsksForClass).
import type * as k8s from '@kubernetes/client-node';
import type { Logger } from '../../../../common/src/log.ts';
import type { Informer } from '../framework/informers.ts';
import { isConflict } from '../util/api-errors.ts';
import { LOCAL_PROVISIONER } from './local-provisioner.ts';
import { ANN_DEFAULT_CLASS } from './pv-matching.ts';

export const DEFAULT_CLASS_NAME = 'kconform-local';
export const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

export const defaultStorageClassObject = (): k8s.V1StorageClass => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: {
    name: DEFAULT_CLASS_NAME,
    annotations: { [ANN_DEFAULT_CLASS]: 'true' },
    labels: { 'addonmanager.kubernetes.io/mode': 'EnsureExists' },
  },
  provisioner: LOCAL_PROVISIONER,
  reclaimPolicy: 'Delete',
  volumeBindingMode: 'WaitForFirstConsumer',
});

/**
 * upstream's PersistentVolumeClaimHasClass: the claim names a class (even "", which asks for
 * none) or carries the beta storage-class annotation. Only a claim without either is given the
 * default class, by the DefaultStorageClass admission on create or by the PersistentVolume
 * controller later (retroactive assignment, for claims made while no class was default).
 */
export function claimAsksForClass(claim: k8s.V1PersistentVolumeClaim): boolean {
  const name = claim.spec?.storageClassName as string | null | undefined;
  if (name !== undefined && name !== null) return true;
  return claim.metadata?.annotations?.[ANN_BETA_STORAGE_CLASS] !== undefined;
}

/** Creates the class when absent; an existing one (even changed by a user) is left alone. */
export async function ensureDefaultStorageClass(
  storage: k8s.StorageV1Api,
  classes: Informer<k8s.V1StorageClass>,
  log: Logger,
): Promise<void> {
  if (classes.get(DEFAULT_CLASS_NAME)) return;
  try {
    await storage.createStorageClass({ body: defaultStorageClassObject() });
    log.info('default StorageClass created', { name: DEFAULT_CLASS_NAME, provisioner: LOCAL_PROVISIONER });
  } catch (err) {
    if (isConflict(err)) return;
    log.warn('could not create the default StorageClass', { name: DEFAULT_CLASS_NAME, err });
  }
}
