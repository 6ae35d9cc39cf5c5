// core/v1 Volume and the volume sources this kit serves: emptyDir, hostPath,
// persistentVolumeClaim, configMap, secret, downwardAPI (plus projected, which combines them).
import type { TypeDef } from './schema-model.ts';

const CORE = 'io.k8s.api.core.v1';
const ATOMIC = { listType: 'atomic' };

export const VOLUME_SCHEMAS: TypeDef[] = [
  {
    name: `${CORE}.Volume`,
    description: 'A named volume in a pod that any container in the pod may access.',
    required: ['name'],
    properties: {
      configMap: ['ConfigMapVolumeSource', 'A ConfigMap that populates the volume.'],
      downwardAPI: [
        'DownwardAPIVolumeSource',
        'Downward API information about the pod that populates the volume.',
      ],
      emptyDir: ['EmptyDirVolumeSource', "A temporary directory that shares the pod's lifetime."],
      hostPath: ['HostPathVolumeSource', 'A pre-existing file or directory on the host machine.'],
      name: ['string', 'Name of the volume, a DNS label unique within the pod.'],
      persistentVolumeClaim: [
        'PersistentVolumeClaimVolumeSource',
        'A PersistentVolumeClaim in the same namespace.',
      ],
      projected: [
        'ProjectedVolumeSource',
        'Items for all-in-one resources: secrets, configmaps and downward API.',
      ],
      secret: ['SecretVolumeSource', 'A Secret that populates the volume.'],
    },
  },
  {
    name: `${CORE}.EmptyDirVolumeSource`,
    description: 'An empty directory for a pod.',
    properties: {
      medium: ['string', 'Storage medium backing the directory: "" (node default) or Memory.'],
      sizeLimit: ['Quantity', 'Total amount of local storage the directory may use.'],
    },
  },
  {
    name: `${CORE}.HostPathVolumeSource`,
    description: 'A host path mapped into a pod.',
    required: ['path'],
    properties: {
      path: ['string', 'Path of the directory on the host; a symlink is followed.'],
      type: [
        'string',
        'Type of the host path; "" means no check.',
        {
          enum: [
            '',
            'BlockDevice',
            'CharDevice',
            'Directory',
            'DirectoryOrCreate',
            'File',
            'FileOrCreate',
            'Socket',
          ],
        },
      ],
    },
  },
  {
    name: `${CORE}.PersistentVolumeClaimVolumeSource`,
    description: "A reference to the user's PVC in the same namespace.",
    required: ['claimName'],
    properties: {
      claimName: ['string', 'Name of a PersistentVolumeClaim in the same namespace as the pod.'],
      readOnly: ['boolean', 'Force the ReadOnly setting in VolumeMounts.'],
    },
  },
  {
    name: `${CORE}.ConfigMapVolumeSource`,
    description: "A ConfigMap's keys projected into a volume as files.",
    properties: {
      defaultMode: ['int32', 'Mode bits for created files, 0000 to 0777; default 0644.'],
      items: ['[]KeyToPath', 'Keys to project; all keys when unset.', ATOMIC],
      name: ['string', 'Name of the referent.'],
      optional: ['boolean', 'Whether the ConfigMap or its keys must be defined.'],
    },
  },
  {
    name: `${CORE}.SecretVolumeSource`,
    description: "A Secret's keys projected into a volume as files.",
    properties: {
      defaultMode: ['int32', 'Mode bits for created files, 0000 to 0777; default 0644.'],
      items: ['[]KeyToPath', 'Keys to project; all keys when unset.', ATOMIC],
      optional: ['boolean', 'Whether the Secret or its keys must be defined.'],
      secretName: ['string', "Name of the secret in the pod's namespace."],
    },
  },
  {
    name: `${CORE}.KeyToPath`,
    description: 'Maps a string key to a path within a volume.',
    required: ['key', 'path'],
    properties: {
      key: ['string', 'The key to project.'],
      mode: ['int32', 'Mode bits for this file, 0000 to 0777.'],
      path: ['string', 'Relative path of the file to map the key to; may not contain "..".'],
    },
  },
  {
    name: `${CORE}.DownwardAPIVolumeSource`,
    description: 'Downward API information about the pod, as files.',
    properties: {
      defaultMode: ['int32', 'Mode bits for created files, 0000 to 0777; default 0644.'],
      items: ['[]DownwardAPIVolumeFile', 'Files of the volume.', ATOMIC],
    },
  },
  {
    name: `${CORE}.DownwardAPIVolumeFile`,
    description: 'A file containing pod field information.',
    required: ['path'],
    properties: {
      fieldRef: [
        'ObjectFieldSelector',
        'A field of the pod: only annotations, labels, name, namespace and uid.',
      ],
      mode: ['int32', 'Mode bits for this file, 0000 to 0777.'],
      path: ['string', 'Relative path name of the file to be created.'],
      resourceFieldRef: ['ResourceFieldSelector', 'A resource of the container: limits or requests.'],
    },
  },
  {
    name: `${CORE}.ProjectedVolumeSource`,
    description: 'A projected volume source.',
    properties: {
      defaultMode: ['int32', 'Mode bits for created files, 0000 to 0777; default 0644.'],
      sources: ['[]VolumeProjection', 'Volume projections.', ATOMIC],
    },
  },
  {
    name: `${CORE}.VolumeProjection`,
    description: 'A projection that may be projected along with other supported volume types.',
    properties: {
      configMap: ['ConfigMapProjection', 'ConfigMap information to project.'],
      downwardAPI: ['DownwardAPIProjection', 'Downward API information to project.'],
      secret: ['SecretProjection', 'Secret information to project.'],
      serviceAccountToken: ['ServiceAccountTokenProjection', 'A service account token to project.'],
    },
  },
  {
    name: `${CORE}.ConfigMapProjection`,
    description: "A ConfigMap's keys projected into a projected volume.",
    properties: {
      items: ['[]KeyToPath', 'Keys to project; all keys when unset.', ATOMIC],
      name: ['string', 'Name of the referent.'],
      optional: ['boolean', 'Whether the ConfigMap or its keys must be defined.'],
    },
  },
  {
    name: `${CORE}.SecretProjection`,
    description: "A Secret's keys projected into a projected volume.",
    properties: {
      items: ['[]KeyToPath', 'Keys to project; all keys when unset.', ATOMIC],
      name: ['string', 'Name of the referent.'],
      optional: ['boolean', 'Whether the Secret or its keys must be defined.'],
    },
  },
  {
    name: `${CORE}.DownwardAPIProjection`,
    description: 'Downward API information projected into a projected volume.',
    properties: { items: ['[]DownwardAPIVolumeFile', 'Files of the projection.', ATOMIC] },
  },
  {
    name: `${CORE}.ServiceAccountTokenProjection`,
    description: 'A projected service account token.',
    required: ['path'],
    properties: {
      audience: ['string', 'Intended audience of the token.'],
      expirationSeconds: ['int64', 'Requested validity of the token; default 1 hour.'],
      path: ['string', 'Path relative to the mount point of the file to write the token to.'],
    },
  },
];
