// persistentVolumeClaim: the claim → the PersistentVolume it is bound to → that volume's path on
// the node (`hostPath.path` with its type check, or `local.path`). Like upstream's desired state
// populator, a claim that is missing or not Bound leaves the pod waiting with FailedMount. The
// data belongs to the PersistentVolume: nothing of it is removed with the pod.
import { checkHostPathType } from './host-path.ts';
import { VolumeSetUpError, type MountedVolume, type VolumeContext, type VolumePlugin } from './types.ts';

export const persistentVolumeClaimPlugin: VolumePlugin = {
  name: 'kubernetes.io~persistent-volume-claim',
  canSupport: (volume) => volume.persistentVolumeClaim !== undefined,
  async setUp(ctx: VolumeContext): Promise<MountedVolume> {
    const source = ctx.volume.persistentVolumeClaim!;
    const namespace = ctx.pod.metadata?.namespace ?? '';
    const prefix = `error processing PVC ${namespace}/${source.claimName}`;
    const claim = await ctx.objects.persistentVolumeClaim(namespace, source.claimName);
    if (!claim) {
      throw new VolumeSetUpError(
        `${prefix}: failed to fetch PVC from API server: persistentvolumeclaims "${source.claimName}" not found`,
        { unprocessed: true },
      );
    }
    if (claim.metadata?.deletionTimestamp) {
      throw new VolumeSetUpError(`${prefix}: PVC is being deleted`, { unprocessed: true });
    }
    const volumeName = claim.spec?.volumeName ?? '';
    if (claim.status?.phase !== 'Bound' || volumeName === '') {
      throw new VolumeSetUpError(
        `${prefix}: PVC is not bound (phase "${claim.status?.phase ?? ''}", volumeName "${volumeName}")`,
        { unprocessed: true },
      );
    }
    const pv = await ctx.objects.persistentVolume(volumeName);
    if (!pv) {
      throw new VolumeSetUpError(
        `${prefix}: failed to fetch PV ${volumeName} from API server: persistentvolumes "${volumeName}" not found`,
        { unprocessed: true },
      );
    }
    const readOnly = source.readOnly ?? false;
    if (pv.spec?.hostPath) {
      checkHostPathType(pv.spec.hostPath.path, pv.spec.hostPath.type ?? '');
      return { path: pv.spec.hostPath.path, readOnly };
    }
    if (pv.spec?.local) return { path: pv.spec.local.path, readOnly };
    throw new VolumeSetUpError(
      `${prefix}: PersistentVolume ${volumeName} has a volume source this kubelet cannot mount (only hostPath and local)`,
      { unprocessed: true },
    );
  },
};
