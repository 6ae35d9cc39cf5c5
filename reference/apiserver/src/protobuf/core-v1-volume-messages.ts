// Field tables for core/v1 pod volumes (k8s.io/api core/v1/generated.proto), limited to the
// sources a conformance cluster serves: hostPath, emptyDir, secret, nfs, persistentVolumeClaim,
// downwardAPI, configMap and projected (which is what a service account token mount becomes).
// Cloud and vendor volume sources are not decoded. Row grammar: field-table.ts.

export const CORE_V1_VOLUME_MESSAGES = {
  Volume: ['1 name string always', '2 volumeSource VolumeSource inline'],
  VolumeSource: [
    '1 hostPath *HostPathVolumeSource',
    '2 emptyDir *EmptyDirVolumeSource',
    '6 secret *SecretVolumeSource',
    '7 nfs *NFSVolumeSource',
    '10 persistentVolumeClaim *PersistentVolumeClaimVolumeSource',
    '16 downwardAPI *DownwardAPIVolumeSource',
    '19 configMap *ConfigMapVolumeSource',
    '26 projected *ProjectedVolumeSource',
  ],
  HostPathVolumeSource: ['1 path string always', '2 type *string'],
  EmptyDirVolumeSource: ['1 medium string', '2 sizeLimit *Quantity'],
  SecretVolumeSource: [
    '1 secretName string',
    '2 items []KeyToPath',
    '3 defaultMode *int32',
    '4 optional *bool',
  ],
  NFSVolumeSource: ['1 server string always', '2 path string always', '3 readOnly bool'],
  PersistentVolumeClaimVolumeSource: ['1 claimName string always', '2 readOnly bool'],
  DownwardAPIVolumeSource: ['1 items []DownwardAPIVolumeFile', '2 defaultMode *int32'],
  DownwardAPIVolumeFile: [
    '1 path string always',
    '2 fieldRef *ObjectFieldSelector',
    '3 resourceFieldRef *ResourceFieldSelector',
    '4 mode *int32',
  ],
  ConfigMapVolumeSource: [
    '1 localObjectReference LocalObjectReference inline',
    '2 items []KeyToPath',
    '3 defaultMode *int32',
    '4 optional *bool',
  ],
  KeyToPath: ['1 key string always', '2 path string always', '3 mode *int32'],
  ProjectedVolumeSource: ['1 sources []VolumeProjection always', '2 defaultMode *int32'],
  VolumeProjection: [
    '1 secret *SecretProjection',
    '2 downwardAPI *DownwardAPIProjection',
    '3 configMap *ConfigMapProjection',
    '4 serviceAccountToken *ServiceAccountTokenProjection',
  ],
  SecretProjection: [
    '1 localObjectReference LocalObjectReference inline',
    '2 items []KeyToPath',
    '4 optional *bool',
  ],
  ConfigMapProjection: [
    '1 localObjectReference LocalObjectReference inline',
    '2 items []KeyToPath',
    '4 optional *bool',
  ],
  DownwardAPIProjection: ['1 items []DownwardAPIVolumeFile'],
  ServiceAccountTokenProjection: ['1 audience string', '2 expirationSeconds *int64', '3 path string always'],
};
