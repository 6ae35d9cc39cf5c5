// What every volume plugin gets and gives. A plugin makes one of a pod's volumes ready on the host
// (idempotently: it runs on every sync) and says which host path containers bind. Plugins are
// listed explicitly in volume-manager.ts.
import type {
  V1ConfigMap,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Pod,
  V1Secret,
  V1Volume,
} from '@kubernetes/client-node';
import type { RunCommand } from '../../../../common/src/exec.ts';
import type { DownwardContext } from '../pods/downward-api.ts';

/** The API objects volumes read; `undefined` means the object does not exist. */
export interface VolumeObjects {
  configMap(namespace: string, name: string): Promise<V1ConfigMap | undefined>;
  secret(namespace: string, name: string): Promise<V1Secret | undefined>;
  persistentVolumeClaim(namespace: string, name: string): Promise<V1PersistentVolumeClaim | undefined>;
  persistentVolume(name: string): Promise<V1PersistentVolume | undefined>;
}

export interface VolumeContext {
  pod: V1Pod;
  volume: V1Volume;
  /** This volume's own directory under the pod's dir (plugins that keep data there use it). */
  dir: string;
  objects: VolumeObjects;
  downward: DownwardContext;
  runCommand: RunCommand;
}

export interface MountedVolume {
  /** The host path containers bind. */
  path: string;
  /** Bound read-only whatever the volumeMount says (API data volumes, readOnly claims). */
  readOnly: boolean;
}

export interface VolumePlugin {
  /** upstream's plugin name with `/` as `~`, the folder under `<pod>/volumes/`. */
  readonly name: string;
  canSupport(volume: V1Volume): boolean;
  /** Makes the volume ready; idempotent. Throws VolumeSetUpError with a message for people. */
  setUp(ctx: VolumeContext): Promise<MountedVolume>;
}

/** A volume that cannot be set up (yet): the message goes into the FailedMount event. */
export class VolumeSetUpError extends Error {
  override name = 'VolumeSetUpError';
  /** Set when the volume's source itself could not be resolved (a PVC lookup). */
  readonly unprocessed: boolean;
  constructor(message: string, options: { unprocessed?: boolean } = {}) {
    super(message);
    this.unprocessed = options.unprocessed ?? false;
  }
}
