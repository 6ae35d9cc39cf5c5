// core/v1 Node, PersistentVolume, PersistentVolumeClaim and ReplicationController, plus the
// bodies of the scale (autoscaling/v1 Scale) and eviction (policy/v1 Eviction) subresources.
import type { TypeDef } from './schema-model.ts';
import { kindHeader } from './schema-model.ts';

const CORE = 'io.k8s.api.core.v1';
const CONDITION_STATUS = { enum: ['False', 'True', 'Unknown'] };
const MERGE_BY_TYPE = { key: 'type', strategy: 'merge' };
const ACCESS_MODES: [string, string, { listType: string }] = [
  '[]string',
  'Ways the volume can be mounted: ReadWriteOnce, ReadOnlyMany, ReadWriteMany, ReadWriteOncePod.',
  { listType: 'atomic' },
];

export const NODE_STORAGE_SCHEMAS: TypeDef[] = [
  {
    name: `${CORE}.Node`,
    description: 'Node is a worker node; each node has a unique identifier in the cache (etcd).',
    properties: {
      ...kindHeader(),
      spec: ['NodeSpec', 'The behavior of the node.'],
      status: ['NodeStatus', 'Most recently observed status of the node; read-only.'],
    },
  },
  {
    name: `${CORE}.NodeSpec`,
    description: 'The attributes a node is created with.',
    properties: {
      externalID: ['string', 'Deprecated; not all kubelets set it.'],
      podCIDR: ['string', 'Pod IP range assigned to the node.'],
      podCIDRs: [
        '[]string',
        'Pod IP ranges assigned to the node, one per family.',
        { strategy: 'merge', listType: 'set' },
      ],
      providerID: ['string', 'ID of the node assigned by the cloud provider.'],
      taints: ['[]Taint', "The node's taints.", { listType: 'atomic' }],
      unschedulable: ['boolean', 'If true, no new pods are scheduled onto the node.'],
    },
  },
  {
    name: `${CORE}.Taint`,
    description: 'A taint: the node repels pods that do not tolerate it.',
    required: ['key', 'effect'],
    properties: {
      effect: [
        'string',
        'NoSchedule, PreferNoSchedule or NoExecute.',
        { enum: ['NoExecute', 'NoSchedule', 'PreferNoSchedule'] },
      ],
      key: ['string', 'The taint key applied to the node.'],
      timeAdded: ['Time', 'When a NoExecute taint was added.'],
      value: ['string', 'The taint value.'],
    },
  },
  {
    name: `${CORE}.NodeStatus`,
    description: 'The current status of a node.',
    properties: {
      addresses: [
        '[]NodeAddress',
        'Addresses reachable to the node.',
        { ...MERGE_BY_TYPE, listType: 'map', mapKeys: ['type'] },
      ],
      allocatable: ['map[Quantity]', 'Resources available for scheduling; defaults to capacity.'],
      capacity: ['map[Quantity]', 'Total resources of the node.'],
      conditions: [
        '[]NodeCondition',
        'Current observed node conditions.',
        { ...MERGE_BY_TYPE, listType: 'map', mapKeys: ['type'] },
      ],
      daemonEndpoints: ['NodeDaemonEndpoints', 'Endpoints of daemons running on the node.'],
      images: ['[]ContainerImage', 'Container images on the node.', { listType: 'atomic' }],
      nodeInfo: ['NodeSystemInfo', 'IDs and versions reported by the node.'],
      phase: ['string', 'Deprecated: Pending, Running or Terminated.'],
    },
  },
  {
    name: `${CORE}.NodeAddress`,
    description: 'An address of a node.',
    required: ['type', 'address'],
    properties: {
      address: ['string', 'The node address.'],
      type: ['string', 'Hostname, ExternalIP, InternalIP, ExternalDNS or InternalDNS.'],
    },
  },
  {
    name: `${CORE}.NodeCondition`,
    description: 'A condition of a node.',
    required: ['type', 'status'],
    properties: {
      lastHeartbeatTime: ['Time', 'Last time the condition was probed.'],
      lastTransitionTime: ['Time', 'When the condition last changed status.'],
      message: ['string', 'Human-readable details about the last transition.'],
      reason: ['string', 'CamelCase reason for the last transition.'],
      status: ['string', 'True, False or Unknown.', CONDITION_STATUS],
      type: ['string', 'Ready, MemoryPressure, DiskPressure, PIDPressure, NetworkUnavailable.'],
    },
  },
  {
    name: `${CORE}.NodeDaemonEndpoints`,
    description: 'Ports opened by daemons running on the node.',
    properties: { kubeletEndpoint: ['DaemonEndpoint', 'Endpoint on which the kubelet listens.'] },
  },
  {
    name: `${CORE}.DaemonEndpoint`,
    description: 'A port a daemon listens on.',
    required: ['Port'],
    properties: { Port: ['int32', 'Port number of the endpoint.'] },
  },
  {
    name: `${CORE}.ContainerImage`,
    description: 'A container image on a node.',
    properties: {
      names: ['[]string', 'Names by which the image is known.', { listType: 'atomic' }],
      sizeBytes: ['int64', 'Size of the image in bytes.'],
    },
  },
  {
    name: `${CORE}.NodeSystemInfo`,
    description: 'IDs and versions that identify a node.',
    required: [
      'machineID',
      'systemUUID',
      'bootID',
      'kernelVersion',
      'osImage',
      'containerRuntimeVersion',
      'kubeletVersion',
      'kubeProxyVersion',
      'operatingSystem',
      'architecture',
    ],
    properties: {
      architecture: ['string', 'Architecture reported by the node.'],
      bootID: ['string', 'Boot ID reported by the node.'],
      containerRuntimeVersion: ['string', 'Container runtime version, as <type>://<version>.'],
      kernelVersion: ['string', 'Kernel version (uname -r).'],
      kubeProxyVersion: ['string', 'Deprecated: KubeProxy version.'],
      kubeletVersion: ['string', 'Kubelet version.'],
      machineID: ['string', 'Machine ID reported by the node.'],
      operatingSystem: ['string', 'Operating system reported by the node.'],
      osImage: ['string', 'OS image reported by the node (/etc/os-release).'],
      systemUUID: ['string', 'System UUID reported by the node.'],
    },
  },
  {
    name: `${CORE}.PersistentVolume`,
    description: 'A storage resource provisioned by an administrator.',
    properties: {
      ...kindHeader(),
      spec: ['PersistentVolumeSpec', 'The persistent volume as the administrator defined it.'],
      status: ['PersistentVolumeStatus', 'Current status of the persistent volume; read-only.'],
    },
  },
  {
    name: `${CORE}.PersistentVolumeSpec`,
    description: 'The specification of a persistent volume.',
    properties: {
      accessModes: ACCESS_MODES,
      capacity: ['map[Quantity]', "The volume's resources and capacity."],
      claimRef: ['ObjectReference', 'The claim bound to this volume.'],
      hostPath: ['HostPathVolumeSource', 'A directory on the host; single-node testing only.'],
      local: ['LocalVolumeSource', 'A directly-attached storage with node affinity.'],
      mountOptions: ['[]string', 'Mount options, not validated.', { listType: 'atomic' }],
      nfs: ['NFSVolumeSource', 'An NFS mount on the host.'],
      nodeAffinity: ['VolumeNodeAffinity', 'Nodes this volume can be accessed from.'],
      persistentVolumeReclaimPolicy: [
        'string',
        'What happens to the volume when released: Retain, Delete or Recycle.',
        { enum: ['Delete', 'Recycle', 'Retain'] },
      ],
      storageClassName: ['string', 'Name of the StorageClass the volume belongs to.'],
      volumeAttributesClassName: ['string', 'Name of the VolumeAttributesClass of the volume.'],
      volumeMode: ['string', 'Filesystem or Block; default Filesystem.', { enum: ['Block', 'Filesystem'] }],
    },
  },
  {
    name: `${CORE}.LocalVolumeSource`,
    description: 'Directly-attached storage with node affinity.',
    required: ['path'],
    properties: {
      fsType: ['string', 'Filesystem type to mount, for block devices.'],
      path: ['string', 'Full path to the volume on the node.'],
    },
  },
  {
    name: `${CORE}.NFSVolumeSource`,
    description: 'An NFS mount that lasts the lifetime of a pod.',
    required: ['server', 'path'],
    properties: {
      path: ['string', 'Path exported by the NFS server.'],
      readOnly: ['boolean', 'Mount the export read-only.'],
      server: ['string', 'Hostname or IP address of the NFS server.'],
    },
  },
  {
    name: `${CORE}.VolumeNodeAffinity`,
    description: 'Constraints limiting the nodes a volume can be accessed from.',
    properties: { required: ['NodeSelector', 'Hard node constraints that must be met.'] },
  },
  {
    name: `${CORE}.PersistentVolumeStatus`,
    description: 'The current status of a persistent volume.',
    properties: {
      lastPhaseTransitionTime: ['Time', 'When the volume last changed phase.'],
      message: ['string', 'Human-readable message about why the volume is in this state.'],
      phase: [
        'string',
        'Pending, Available, Bound, Released or Failed.',
        { enum: ['Available', 'Bound', 'Failed', 'Pending', 'Released'] },
      ],
      reason: ['string', 'CamelCase reason for a failure.'],
    },
  },
  {
    name: `${CORE}.PersistentVolumeClaim`,
    description: "A user's request for and claim to a persistent volume.",
    properties: {
      ...kindHeader(),
      spec: ['PersistentVolumeClaimSpec', 'The desired characteristics of a volume.'],
      status: ['PersistentVolumeClaimStatus', 'Current status of the claim; read-only.'],
    },
  },
  {
    name: `${CORE}.PersistentVolumeClaimSpec`,
    description: 'The common attributes of storage devices, and source attributes from providers.',
    properties: {
      accessModes: ACCESS_MODES,
      dataSource: ['TypedLocalObjectReference', 'An existing object to populate the volume from.'],
      resources: ['VolumeResourceRequirements', 'Minimum resources the volume should have.'],
      selector: ['LabelSelector', 'A label query over volumes to consider for binding.'],
      storageClassName: ['string', 'Name of the StorageClass required by the claim.'],
      volumeAttributesClassName: ['string', 'Name of the VolumeAttributesClass required by the claim.'],
      volumeMode: ['string', 'Filesystem or Block; default Filesystem.', { enum: ['Block', 'Filesystem'] }],
      volumeName: ['string', 'Binding reference to the persistent volume backing the claim.'],
    },
  },
  {
    name: `${CORE}.VolumeResourceRequirements`,
    description: 'Storage resource requirements.',
    properties: {
      limits: ['map[Quantity]', 'Maximum amount of resources allowed.'],
      requests: ['map[Quantity]', 'Minimum amount of resources required.'],
    },
  },
  {
    name: `${CORE}.TypedLocalObjectReference`,
    description: 'A reference to a typed object in the same namespace.',
    required: ['kind', 'name'],
    extensions: { 'x-kubernetes-map-type': 'atomic' },
    properties: {
      apiGroup: ['string', 'Group of the referent; empty for the core group.'],
      kind: ['string', 'Kind of the referent.'],
      name: ['string', 'Name of the referent.'],
    },
  },
  {
    name: `${CORE}.PersistentVolumeClaimStatus`,
    description: 'The current status of a persistent volume claim.',
    properties: {
      accessModes: ACCESS_MODES,
      capacity: ['map[Quantity]', 'Actual resources of the underlying volume.'],
      conditions: [
        '[]PersistentVolumeClaimCondition',
        'Current conditions of the claim.',
        { ...MERGE_BY_TYPE, listType: 'map', mapKeys: ['type'] },
      ],
      phase: ['string', 'Pending, Bound or Lost.', { enum: ['Bound', 'Lost', 'Pending'] }],
    },
  },
  {
    name: `${CORE}.PersistentVolumeClaimCondition`,
    description: 'Details about the state of a claim.',
    required: ['type', 'status'],
    properties: {
      lastProbeTime: ['Time', 'When the condition was last probed.'],
      lastTransitionTime: ['Time', 'When the condition last changed status.'],
      message: ['string', 'Human-readable details.'],
      reason: ['string', 'CamelCase reason.'],
      status: ['string', 'True, False or Unknown.', CONDITION_STATUS],
      type: ['string', 'Type of the condition, e.g. Resizing.'],
    },
  },
  {
    name: `${CORE}.ReplicationController`,
    description: 'ReplicationController keeps a number of copies of a pod running.',
    properties: {
      ...kindHeader(),
      spec: ['ReplicationControllerSpec', 'The desired behavior of the controller.'],
      status: ['ReplicationControllerStatus', 'Most recently observed status; read-only.'],
    },
  },
  {
    name: `${CORE}.ReplicationControllerSpec`,
    description: 'The specification of a replication controller.',
    properties: {
      minReadySeconds: ['int32', 'Seconds a new pod must be ready to count as available.'],
      replicas: ['int32', 'Number of desired replicas; default 1.'],
      selector: ['map[string]', 'Label query over the pods that count as replicas.', { mapType: 'atomic' }],
      template: ['PodTemplateSpec', 'The pod created when too few replicas are detected.'],
    },
  },
  {
    name: `${CORE}.ReplicationControllerStatus`,
    description: 'The current status of a replication controller.',
    required: ['replicas'],
    properties: {
      availableReplicas: ['int32', 'Number of available replicas.'],
      conditions: [
        '[]ReplicationControllerCondition',
        'Latest available observations of the controller.',
        { ...MERGE_BY_TYPE, listType: 'map', mapKeys: ['type'] },
      ],
      fullyLabeledReplicas: ['int32', 'Number of pods whose labels match the template.'],
      observedGeneration: ['int64', 'Generation of the most recently observed controller.'],
      readyReplicas: ['int32', 'Number of ready replicas.'],
      replicas: ['int32', 'Most recently observed number of replicas.'],
    },
  },
  {
    name: `${CORE}.ReplicationControllerCondition`,
    description: 'The state of a replication controller at a point in time.',
    required: ['type', 'status'],
    properties: {
      lastTransitionTime: ['Time', 'When the condition last changed status.'],
      message: ['string', 'Human-readable details.'],
      reason: ['string', 'CamelCase reason.'],
      status: ['string', 'True, False or Unknown.', CONDITION_STATUS],
      type: ['string', 'Type of the condition, e.g. ReplicaFailure.'],
    },
  },
  {
    name: 'io.k8s.api.autoscaling.v1.Scale',
    description: 'Scale represents a scaling request for a resource.',
    gvk: [{ group: 'autoscaling', version: 'v1', kind: 'Scale' }],
    properties: {
      ...kindHeader(),
      spec: ['ScaleSpec', 'The desired state of the scale.'],
      status: ['ScaleStatus', 'The current status of the scale; read-only.'],
    },
  },
  {
    name: 'io.k8s.api.autoscaling.v1.ScaleSpec',
    description: 'Attributes of a scale subresource.',
    properties: { replicas: ['int32', 'Desired number of instances of the scaled object.'] },
  },
  {
    name: 'io.k8s.api.autoscaling.v1.ScaleStatus',
    description: 'The current status of a scale subresource.',
    required: ['replicas'],
    properties: {
      replicas: ['int32', 'Actual number of observed instances of the scaled object.'],
      selector: ['string', 'Label query over the pods counted as replicas, in string form.'],
    },
  },
  {
    name: 'io.k8s.api.policy.v1.Eviction',
    description: 'Eviction evicts a pod from its node, subject to disruption budgets.',
    gvk: [{ group: 'policy', version: 'v1', kind: 'Eviction' }],
    properties: {
      ...kindHeader(),
      deleteOptions: ['DeleteOptions', 'DeleteOptions may be provided.'],
    },
  },
];
