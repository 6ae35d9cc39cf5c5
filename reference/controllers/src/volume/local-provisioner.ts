// The reference's dynamic provisioner, `kconform.io/local-path`: one directory per volume under
// the controller-manager's --volume-root, exposed as a hostPath PersistentVolume pre-bound to the
// claim (as rancher's local-path-provisioner does, minus its helper pod). Every node of a reference
// cluster runs on this one host, so a hostPath volume is reachable from every node and the PV
// carries no node affinity. Deleting removes the directory, never anything outside the root.
import { mkdir, rm, statfs } from 'node:fs/promises';
import { join, relative, resolve, isAbsolute } from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { ANN_BOUND_BY_CONTROLLER, ANN_PROVISIONED_BY, claimRequest } from './pv-matching.ts';
import { formatBytes, quantityBytes } from './quantity.ts';

export const LOCAL_PROVISIONER = 'kconform.io/local-path';

/** upstream's provisioned volume name: `pvc-<claim uid>`. */
export const volumeNameFor = (claim: k8s.V1PersistentVolumeClaim): string => `pvc-${claim.metadata!.uid}`;

export class ProvisioningError extends Error {
  override name = 'ProvisioningError';
}

/** Where the volume for `claim` lives: `<root>/pvc-<uid>_<namespace>_<name>` (local-path-provisioner's layout). */
export function directoryFor(root: string, claim: k8s.V1PersistentVolumeClaim): string {
  const m = claim.metadata!;
  return join(resolve(root), `pvc-${m.uid}_${m.namespace}_${m.name}`);
}

/** The PersistentVolume our provisioner makes for `claim` in `sc` (pure: no disk touched). */
export function provisionedVolume(
  claim: k8s.V1PersistentVolumeClaim,
  sc: k8s.V1StorageClass,
  root: string,
): k8s.V1PersistentVolume {
  const m = claim.metadata!;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name: volumeNameFor(claim),
      annotations: { [ANN_PROVISIONED_BY]: LOCAL_PROVISIONER, [ANN_BOUND_BY_CONTROLLER]: 'yes' },
    },
    spec: {
      capacity: { storage: claimRequest(claim) ?? '0' },
      accessModes: claim.spec?.accessModes ?? ['ReadWriteOnce'],
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: sc.metadata!.name!,
      volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
      ...(sc.mountOptions?.length ? { mountOptions: sc.mountOptions } : {}),
      claimRef: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        namespace: m.namespace!,
        name: m.name!,
        uid: m.uid!,
        ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
      },
      hostPath: { path: directoryFor(root, claim), type: 'DirectoryOrCreate' },
    },
  };
}

/** Refuses what this provisioner cannot honour, with the reason the claim's event will carry. */
export async function checkProvisionable(claim: k8s.V1PersistentVolumeClaim, root: string): Promise<void> {
  if (claim.spec?.selector) {
    throw new ProvisioningError('claim.Spec.Selector is not supported for dynamic provisioning');
  }
  if ((claim.spec?.volumeMode ?? 'Filesystem') !== 'Filesystem') {
    throw new ProvisioningError(`volumeMode ${claim.spec?.volumeMode} is not supported: only Filesystem`);
  }
  const requested = quantityBytes(claimRequest(claim));
  await mkdir(root, { recursive: true, mode: 0o755 });
  const fs = await statfs(root);
  const free = BigInt(fs.bavail) * BigInt(fs.bsize);
  if (requested > free) {
    throw new ProvisioningError(
      `insufficient capacity under ${root}: requested ${formatBytes(requested)}, ${formatBytes(free)} free`,
    );
  }
}

/** Makes the volume's directory, writable by any container user (as local-path-provisioner does). */
export async function makeVolumeDirectory(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o777 });
}

/** Removes a provisioned volume's directory; refuses any path outside `root`. */
export async function removeVolumeDirectory(path: string, root: string): Promise<void> {
  const inside = relative(resolve(root), resolve(path));
  if (!inside || inside.startsWith('..') || isAbsolute(inside)) {
    throw new ProvisioningError(`refusing to delete ${path}: it is not under the volume root ${root}`);
  }
  await rm(path, { recursive: true, force: true });
}

/** upstream's hostPath deleter only removes paths under /tmp. */
const HOST_PATH_DELETABLE = /^\/tmp\/.+/;

/** upstream's host_path deleter for hostPath volumes nobody provisioned: /tmp/... only. */
export async function deleteHostPathVolume(pv: k8s.V1PersistentVolume): Promise<void> {
  const path = pv.spec?.hostPath?.path ?? '';
  if (!HOST_PATH_DELETABLE.test(path)) {
    throw new ProvisioningError(`host_path deleter only supports /tmp/.+ but received provided ${path}`);
  }
  await rm(path, { recursive: true, force: true });
}
