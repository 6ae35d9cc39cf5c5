// A small schema of the served core/v1 types: enough of k8s.io/api/core/v1 (Go type names and
// JSON field names) for types-check.ts to name wrong types as Go's decoder does. Fields not
// listed decode without checks; status blocks are mostly `any`.

export type SchemaNode =
  | { k: 'string'; go?: string }
  | { k: 'int'; go: 'int32' | 'int64' }
  | { k: 'bool' }
  | { k: 'quantity' }
  | { k: 'intOrString' }
  | { k: 'time' }
  | { k: 'bytes' }
  | { k: 'any' }
  | StructNode
  | { k: 'slice'; of: SchemaNode }
  | { k: 'map'; of: SchemaNode; go?: string };

export interface StructNode {
  k: 'struct';
  /** Go type name without package (`PodSpec`); printed as `v1.PodSpec`. */
  name: string;
  /** Lazy, so types can refer to each other. */
  fields: () => Record<string, SchemaNode>;
}

const S: SchemaNode = { k: 'string' };
const named = (go: string): SchemaNode => ({ k: 'string', go });
const I32: SchemaNode = { k: 'int', go: 'int32' };
const I64: SchemaNode = { k: 'int', go: 'int64' };
const B: SchemaNode = { k: 'bool' };
const Q: SchemaNode = { k: 'quantity' };
const IOS: SchemaNode = { k: 'intOrString' };
const T: SchemaNode = { k: 'time' };
const ANY: SchemaNode = { k: 'any' };
const slice = (of: SchemaNode): SchemaNode => ({ k: 'slice', of });
const map = (of: SchemaNode, go?: string): SchemaNode => (go ? { k: 'map', of, go } : { k: 'map', of });
const struct = (name: string, fields: () => Record<string, SchemaNode>): StructNode => ({
  k: 'struct',
  name,
  fields,
});

const STRINGS = slice(S);
const STRING_MAP = map(S);
const RESOURCE_LIST = map(Q, 'v1.ResourceList');
const uid = named('types.UID');

const OwnerReference = struct('OwnerReference', () => ({
  apiVersion: S,
  kind: S,
  name: S,
  uid,
  controller: B,
  blockOwnerDeletion: B,
}));

const ObjectMeta = struct('ObjectMeta', () => ({
  name: S,
  generateName: S,
  namespace: S,
  uid,
  resourceVersion: S,
  generation: I64,
  creationTimestamp: T,
  deletionTimestamp: T,
  deletionGracePeriodSeconds: I64,
  labels: STRING_MAP,
  annotations: STRING_MAP,
  ownerReferences: slice(OwnerReference),
  finalizers: STRINGS,
  managedFields: ANY,
}));

const LocalObjectReference = struct('LocalObjectReference', () => ({ name: S }));
const KeyToPath = struct('KeyToPath', () => ({ key: S, path: S, mode: I32 }));
const ObjectFieldSelector = struct('ObjectFieldSelector', () => ({ apiVersion: S, fieldPath: S }));
const KeySelector = (name: string): StructNode => struct(name, () => ({ name: S, key: S, optional: B }));
const EnvVarSource = struct('EnvVarSource', () => ({
  fieldRef: ObjectFieldSelector,
  resourceFieldRef: struct('ResourceFieldSelector', () => ({ containerName: S, resource: S, divisor: Q })),
  configMapKeyRef: KeySelector('ConfigMapKeySelector'),
  secretKeyRef: KeySelector('SecretKeySelector'),
}));
const EnvVar = struct('EnvVar', () => ({ name: S, value: S, valueFrom: EnvVarSource }));
const EnvFromSource = struct('EnvFromSource', () => ({
  prefix: S,
  configMapRef: struct('ConfigMapEnvSource', () => ({ name: S, optional: B })),
  secretRef: struct('SecretEnvSource', () => ({ name: S, optional: B })),
}));
const ContainerPort = struct('ContainerPort', () => ({
  name: S,
  hostPort: I32,
  containerPort: I32,
  protocol: named('v1.Protocol'),
  hostIP: S,
}));
const VolumeMount = struct('VolumeMount', () => ({
  name: S,
  readOnly: B,
  recursiveReadOnly: named('v1.RecursiveReadOnlyMode'),
  mountPath: S,
  subPath: S,
  mountPropagation: named('v1.MountPropagationMode'),
  subPathExpr: S,
}));
const HTTPGetAction = struct('HTTPGetAction', () => ({
  path: S,
  port: IOS,
  host: S,
  scheme: named('v1.URIScheme'),
  httpHeaders: slice(struct('HTTPHeader', () => ({ name: S, value: S }))),
}));
const handlerFields = (): Record<string, SchemaNode> => ({
  exec: struct('ExecAction', () => ({ command: STRINGS })),
  httpGet: HTTPGetAction,
  tcpSocket: struct('TCPSocketAction', () => ({ port: IOS, host: S })),
});
const Probe = struct('Probe', () => ({
  ...handlerFields(),
  grpc: struct('GRPCAction', () => ({ port: I32, service: S })),
  initialDelaySeconds: I32,
  timeoutSeconds: I32,
  periodSeconds: I32,
  successThreshold: I32,
  failureThreshold: I32,
  terminationGracePeriodSeconds: I64,
}));
const LifecycleHandler = struct('LifecycleHandler', () => ({
  ...handlerFields(),
  sleep: struct('SleepAction', () => ({ seconds: I64 })),
}));
const Container = struct('Container', () => ({
  name: S,
  image: S,
  command: STRINGS,
  args: STRINGS,
  workingDir: S,
  ports: slice(ContainerPort),
  envFrom: slice(EnvFromSource),
  env: slice(EnvVar),
  resources: struct('ResourceRequirements', () => ({
    limits: RESOURCE_LIST,
    requests: RESOURCE_LIST,
    claims: ANY,
  })),
  restartPolicy: named('v1.ContainerRestartPolicy'),
  volumeMounts: slice(VolumeMount),
  livenessProbe: Probe,
  readinessProbe: Probe,
  startupProbe: Probe,
  lifecycle: struct('Lifecycle', () => ({ postStart: LifecycleHandler, preStop: LifecycleHandler })),
  terminationMessagePath: S,
  terminationMessagePolicy: named('v1.TerminationMessagePolicy'),
  imagePullPolicy: named('v1.PullPolicy'),
  securityContext: ANY,
  stdin: B,
  stdinOnce: B,
  tty: B,
}));
const HostPath = struct('HostPathVolumeSource', () => ({ path: S, type: named('v1.HostPathType') }));
const Volume = struct('Volume', () => ({
  name: S,
  hostPath: HostPath,
  emptyDir: struct('EmptyDirVolumeSource', () => ({ medium: named('v1.StorageMedium'), sizeLimit: Q })),
  secret: struct('SecretVolumeSource', () => ({
    secretName: S,
    items: slice(KeyToPath),
    defaultMode: I32,
    optional: B,
  })),
  configMap: struct('ConfigMapVolumeSource', () => ({
    name: S,
    items: slice(KeyToPath),
    defaultMode: I32,
    optional: B,
  })),
  persistentVolumeClaim: struct('PersistentVolumeClaimVolumeSource', () => ({ claimName: S, readOnly: B })),
  nfs: struct('NFSVolumeSource', () => ({ server: S, path: S, readOnly: B })),
}));
const Toleration = struct('Toleration', () => ({
  key: S,
  operator: named('v1.TolerationOperator'),
  value: S,
  effect: named('v1.TaintEffect'),
  tolerationSeconds: I64,
}));
const PodSpec = struct('PodSpec', () => ({
  volumes: slice(Volume),
  initContainers: slice(Container),
  containers: slice(Container),
  ephemeralContainers: ANY,
  restartPolicy: named('v1.RestartPolicy'),
  terminationGracePeriodSeconds: I64,
  activeDeadlineSeconds: I64,
  dnsPolicy: named('v1.DNSPolicy'),
  nodeSelector: STRING_MAP,
  serviceAccountName: S,
  serviceAccount: S,
  automountServiceAccountToken: B,
  nodeName: S,
  hostNetwork: B,
  hostPID: B,
  hostIPC: B,
  shareProcessNamespace: B,
  securityContext: ANY,
  imagePullSecrets: slice(LocalObjectReference),
  hostname: S,
  subdomain: S,
  affinity: ANY,
  schedulerName: S,
  tolerations: slice(Toleration),
  hostAliases: slice(struct('HostAlias', () => ({ ip: S, hostnames: STRINGS }))),
  priorityClassName: S,
  priority: I32,
  dnsConfig: ANY,
  readinessGates: slice(struct('PodReadinessGate', () => ({ conditionType: named('v1.PodConditionType') }))),
  runtimeClassName: S,
  enableServiceLinks: B,
  preemptionPolicy: named('v1.PreemptionPolicy'),
  overhead: RESOURCE_LIST,
  topologySpreadConstraints: ANY,
  os: ANY,
  schedulingGates: slice(struct('PodSchedulingGate', () => ({ name: S }))),
}));
const typeMeta = { apiVersion: S, kind: S };
const PodTemplateSpec = struct('PodTemplateSpec', () => ({ metadata: ObjectMeta, spec: PodSpec }));

const ServicePort = struct('ServicePort', () => ({
  name: S,
  protocol: named('v1.Protocol'),
  appProtocol: S,
  port: I32,
  targetPort: IOS,
  nodePort: I32,
}));
const ServiceSpec = struct('ServiceSpec', () => ({
  ports: slice(ServicePort),
  selector: STRING_MAP,
  clusterIP: S,
  clusterIPs: STRINGS,
  type: named('v1.ServiceType'),
  externalIPs: STRINGS,
  sessionAffinity: named('v1.ServiceAffinity'),
  loadBalancerIP: S,
  loadBalancerSourceRanges: STRINGS,
  externalName: S,
  externalTrafficPolicy: named('v1.ServiceExternalTrafficPolicy'),
  healthCheckNodePort: I32,
  publishNotReadyAddresses: B,
  sessionAffinityConfig: ANY,
  ipFamilies: slice(named('v1.IPFamily')),
  ipFamilyPolicy: named('v1.IPFamilyPolicy'),
  allocateLoadBalancerNodePorts: B,
  loadBalancerClass: S,
  internalTrafficPolicy: named('v1.ServiceInternalTrafficPolicy'),
  trafficDistribution: S,
}));
const accessModes = slice(named('v1.PersistentVolumeAccessMode'));
const volumeMode = named('v1.PersistentVolumeMode');
const EndpointAddress = struct('EndpointAddress', () => ({
  ip: S,
  hostname: S,
  nodeName: S,
  targetRef: ANY,
}));

// apps/v1 (its Go package is also named v1, so types print as v1.ReplicaSetSpec).
const LabelSelector = struct('LabelSelector', () => ({
  matchLabels: STRING_MAP,
  matchExpressions: slice(
    struct('LabelSelectorRequirement', () => ({
      key: S,
      operator: named('v1.LabelSelectorOperator'),
      values: STRINGS,
    })),
  ),
}));

export const SCHEMAS: Record<string, StructNode> = {
  Pod: struct('Pod', () => ({ ...typeMeta, metadata: ObjectMeta, spec: PodSpec, status: ANY })),
  Service: struct('Service', () => ({ ...typeMeta, metadata: ObjectMeta, spec: ServiceSpec, status: ANY })),
  Namespace: struct('Namespace', () => ({
    ...typeMeta,
    metadata: ObjectMeta,
    spec: struct('NamespaceSpec', () => ({ finalizers: slice(named('v1.FinalizerName')) })),
    status: struct('NamespaceStatus', () => ({ phase: named('v1.NamespacePhase'), conditions: ANY })),
  })),
  ConfigMap: struct('ConfigMap', () => ({
    ...typeMeta,
    metadata: ObjectMeta,
    immutable: B,
    data: STRING_MAP,
    binaryData: map({ k: 'bytes' }),
  })),
  Secret: struct('Secret', () => ({
    ...typeMeta,
    metadata: ObjectMeta,
    immutable: B,
    data: map({ k: 'bytes' }),
    stringData: STRING_MAP,
    type: named('v1.SecretType'),
  })),
  Node: struct('Node', () => ({
    ...typeMeta,
    metadata: ObjectMeta,
    spec: struct('NodeSpec', () => ({
      podCIDR: S,
      podCIDRs: STRINGS,
      providerID: S,
      unschedulable: B,
      taints: slice(
        struct('Taint', () => ({ key: S, value: S, effect: named('v1.TaintEffect'), timeAdded: T })),
      ),
      externalID: S,
    })),
    status: struct('NodeStatus', () => ({ capacity: RESOURCE_LIST, allocatable: RESOURCE_LIST })),
  })),
  Endpoints: struct('Endpoints', () => ({
    ...typeMeta,
    metadata: ObjectMeta,
    subsets: slice(
      struct('EndpointSubset', () => ({
        addresses: slice(EndpointAddress),
        notReadyAddresses: slice(EndpointAddress),
        ports: slice(
          struct('EndpointPort', () => ({
            name: S,
            port: I32,
            protocol: named('v1.Protocol'),
            appProtocol: S,
          })),
        ),
      })),
    ),
  })),
  PersistentVolume: struct('PersistentVolume', () => ({
    ...typeMeta,
    metadata: ObjectMeta,
    spec: struct('PersistentVolumeSpec', () => ({
      capacity: RESOURCE_LIST,
      hostPath: HostPath,
      local: struct('LocalVolumeSource', () => ({ path: S, fsType: S })),
      accessModes,
      claimRef: ANY,
      persistentVolumeReclaimPolicy: named('v1.PersistentVolumeReclaimPolicy'),
      storageClassName: S,
      mountOptions: STRINGS,
      volumeMode,
      nodeAffinity: ANY,
    })),
    status: ANY,
  })),
  PersistentVolumeClaim: struct('PersistentVolumeClaim', () => ({
    ...typeMeta,
    metadata: ObjectMeta,
    spec: struct('PersistentVolumeClaimSpec', () => ({
      accessModes,
      selector: ANY,
      resources: struct('VolumeResourceRequirements', () => ({
        limits: RESOURCE_LIST,
        requests: RESOURCE_LIST,
      })),
      volumeName: S,
      storageClassName: S,
      volumeMode,
    })),
    status: struct('PersistentVolumeClaimStatus', () => ({
      phase: named('v1.PersistentVolumeClaimPhase'),
      capacity: RESOURCE_LIST,
    })),
  })),
  ReplicationController: struct('ReplicationController', () => ({
    ...typeMeta,
    metadata: ObjectMeta,
    spec: struct('ReplicationControllerSpec', () => ({
      replicas: I32,
      minReadySeconds: I32,
      selector: STRING_MAP,
      template: PodTemplateSpec,
    })),
    status: ANY,
  })),
  ReplicaSet: struct('ReplicaSet', () => ({
    ...typeMeta,
    metadata: ObjectMeta,
    spec: struct('ReplicaSetSpec', () => ({
      replicas: I32,
      minReadySeconds: I32,
      selector: LabelSelector,
      template: PodTemplateSpec,
    })),
    status: ANY,
  })),
  Deployment: struct('Deployment', () => ({
    ...typeMeta,
    metadata: ObjectMeta,
    spec: struct('DeploymentSpec', () => ({
      replicas: I32,
      selector: LabelSelector,
      template: PodTemplateSpec,
      strategy: struct('DeploymentStrategy', () => ({
        type: named('v1.DeploymentStrategyType'),
        rollingUpdate: struct('RollingUpdateDeployment', () => ({ maxUnavailable: IOS, maxSurge: IOS })),
      })),
      minReadySeconds: I32,
      revisionHistoryLimit: I32,
      paused: B,
      progressDeadlineSeconds: I32,
    })),
    status: ANY,
  })),
  ServiceAccount: struct('ServiceAccount', () => ({
    ...typeMeta,
    metadata: ObjectMeta,
    secrets: ANY,
    imagePullSecrets: slice(LocalObjectReference),
    automountServiceAccountToken: B,
  })),
  Event: struct('Event', () => ({
    ...typeMeta,
    metadata: ObjectMeta,
    involvedObject: struct('ObjectReference', () => ({
      kind: S,
      namespace: S,
      name: S,
      uid,
      apiVersion: S,
      resourceVersion: S,
      fieldPath: S,
    })),
    reason: S,
    message: S,
    source: struct('EventSource', () => ({ component: S, host: S })),
    firstTimestamp: T,
    lastTimestamp: T,
    count: I32,
    type: S,
    eventTime: ANY,
    series: ANY,
    action: S,
    related: ANY,
    reportingComponent: S,
    reportingInstance: S,
  })),
};
