// core/v1 Container and what hangs off it: ports, env, resources, probes, lifecycle hooks,
// volume mounts and security context.
import type { TypeDef } from './schema-model.ts';

const CORE = 'io.k8s.api.core.v1';
const PULL_POLICY = ['Always', 'IfNotPresent', 'Never'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

export const CONTAINER_SCHEMAS: TypeDef[] = [
  {
    name: `${CORE}.Container`,
    description: 'A single application container that you want to run within a pod.',
    required: ['name'],
    properties: {
      args: [
        '[]string',
        'Arguments to the entrypoint; the image CMD is used if not given.',
        { listType: 'atomic' },
      ],
      command: [
        '[]string',
        'Entrypoint array, not run in a shell; the image ENTRYPOINT if not given.',
        { listType: 'atomic' },
      ],
      env: ['[]EnvVar', 'Environment variables to set in the container.', { key: 'name', strategy: 'merge' }],
      envFrom: ['[]EnvFromSource', 'Sources to populate environment variables from.', { listType: 'atomic' }],
      image: ['string', 'Container image name.'],
      imagePullPolicy: ['string', 'Always, Never or IfNotPresent.', { enum: PULL_POLICY }],
      lifecycle: ['Lifecycle', 'Actions the system takes in response to container lifecycle events.'],
      livenessProbe: ['Probe', 'Periodic probe of container liveness; the container restarts if it fails.'],
      name: ['string', 'Name of the container, a DNS label unique within the pod.'],
      ports: [
        '[]ContainerPort',
        'Ports to expose from the container; informational.',
        { key: 'containerPort', strategy: 'merge', listType: 'map', mapKeys: ['containerPort', 'protocol'] },
      ],
      readinessProbe: ['Probe', 'Periodic probe of container service readiness.'],
      resizePolicy: [
        '[]ContainerResizePolicy',
        'Resource resize policy for the container.',
        { listType: 'atomic' },
      ],
      resources: ['ResourceRequirements', 'Compute resources required by this container.'],
      restartPolicy: ['string', 'Restart behaviour of an init container; only "Always" (a sidecar).'],
      securityContext: ['SecurityContext', 'Security options the container runs with.'],
      startupProbe: ['Probe', 'Probe that must succeed before the other probes start.'],
      stdin: ['boolean', 'Whether a buffer for stdin is allocated in the container runtime.'],
      stdinOnce: ['boolean', 'Whether stdin is closed after the first attach session.'],
      terminationMessagePath: ['string', 'File the termination message is read from.'],
      terminationMessagePolicy: [
        'string',
        'File or FallbackToLogsOnError.',
        { enum: ['FallbackToLogsOnError', 'File'] },
      ],
      tty: ['boolean', 'Whether the container allocates a TTY for itself.'],
      volumeDevices: [
        '[]VolumeDevice',
        'Block devices to be used by the container.',
        { key: 'devicePath', strategy: 'merge' },
      ],
      volumeMounts: [
        '[]VolumeMount',
        "Pod volumes to mount into the container's filesystem.",
        { key: 'mountPath', strategy: 'merge' },
      ],
      workingDir: ['string', "Container's working directory."],
    },
  },
  {
    name: `${CORE}.ContainerPort`,
    description: 'A network port in a single container.',
    required: ['containerPort'],
    properties: {
      containerPort: ['int32', "Port number on the pod's IP address, 0 < x < 65536."],
      hostIP: ['string', 'Host IP to bind the external port to.'],
      hostPort: ['int32', 'Port number to expose on the host.'],
      name: ['string', 'IANA_SVC_NAME, unique within the pod; services refer to the port by it.'],
      protocol: ['string', 'UDP, TCP or SCTP; defaults to TCP.', { enum: PROTOCOLS }],
    },
  },
  {
    name: `${CORE}.EnvVar`,
    description: 'An environment variable present in a container.',
    required: ['name'],
    properties: {
      name: ['string', 'Name of the environment variable.'],
      value: ['string', 'Value, with $(VAR_NAME) references expanded.'],
      valueFrom: ['EnvVarSource', 'Source for the value; cannot be used if value is not empty.'],
    },
  },
  {
    name: `${CORE}.EnvVarSource`,
    description: 'A source for the value of an EnvVar.',
    properties: {
      configMapKeyRef: ['ConfigMapKeySelector', 'Selects a key of a ConfigMap.'],
      fieldRef: ['ObjectFieldSelector', 'Selects a field of the pod (metadata.name, status.podIP, ...).'],
      resourceFieldRef: ['ResourceFieldSelector', 'Selects a resource of the container (limits.cpu, ...).'],
      secretKeyRef: ['SecretKeySelector', "Selects a key of a secret in the pod's namespace."],
    },
  },
  {
    name: `${CORE}.EnvFromSource`,
    description: 'A source of a set of ConfigMaps or Secrets.',
    properties: {
      configMapRef: ['ConfigMapEnvSource', 'The ConfigMap to select from.'],
      prefix: ['string', 'Identifier to prepend to each key.'],
      secretRef: ['SecretEnvSource', 'The Secret to select from.'],
    },
  },
  {
    name: `${CORE}.ConfigMapEnvSource`,
    description: 'Selects a ConfigMap to populate the environment with.',
    properties: {
      name: ['string', 'Name of the referent.'],
      optional: ['boolean', 'Whether the ConfigMap must be defined.'],
    },
  },
  {
    name: `${CORE}.SecretEnvSource`,
    description: 'Selects a Secret to populate the environment with.',
    properties: {
      name: ['string', 'Name of the referent.'],
      optional: ['boolean', 'Whether the Secret must be defined.'],
    },
  },
  {
    name: `${CORE}.ConfigMapKeySelector`,
    description: 'Selects a key from a ConfigMap.',
    required: ['key'],
    extensions: { 'x-kubernetes-map-type': 'atomic' },
    properties: {
      key: ['string', 'The key to select.'],
      name: ['string', 'Name of the referent.'],
      optional: ['boolean', 'Whether the ConfigMap or its key must be defined.'],
    },
  },
  {
    name: `${CORE}.SecretKeySelector`,
    description: 'Selects a key of a Secret.',
    required: ['key'],
    extensions: { 'x-kubernetes-map-type': 'atomic' },
    properties: {
      key: ['string', 'The key of the secret to select from.'],
      name: ['string', 'Name of the referent.'],
      optional: ['boolean', 'Whether the Secret or its key must be defined.'],
    },
  },
  {
    name: `${CORE}.ObjectFieldSelector`,
    description: 'Selects an APIVersioned field of an object.',
    required: ['fieldPath'],
    extensions: { 'x-kubernetes-map-type': 'atomic' },
    properties: {
      apiVersion: ['string', 'Version of the schema the FieldPath is written in; defaults to "v1".'],
      fieldPath: ['string', 'Path of the field to select.'],
    },
  },
  {
    name: `${CORE}.ResourceFieldSelector`,
    description: 'Selects a container resource (cpu, memory) and its output format.',
    required: ['resource'],
    extensions: { 'x-kubernetes-map-type': 'atomic' },
    properties: {
      containerName: ['string', 'Container name; required for volumes, optional for env vars.'],
      divisor: ['Quantity', 'Output format of the exposed resources; defaults to "1".'],
      resource: ['string', 'Required: resource to select.'],
    },
  },
  {
    name: `${CORE}.ResourceRequirements`,
    description: 'Compute resource requirements.',
    properties: {
      claims: [
        '[]ResourceClaim',
        'Names of resources, defined in spec.resourceClaims, that this container uses.',
        { listType: 'map', mapKeys: ['name'] },
      ],
      limits: ['map[Quantity]', 'Maximum amount of compute resources allowed.'],
      requests: ['map[Quantity]', 'Minimum amount of compute resources required; defaults to limits.'],
    },
  },
  {
    name: `${CORE}.ResourceClaim`,
    description: 'A reference to one entry in PodSpec.resourceClaims.',
    required: ['name'],
    properties: {
      name: ['string', 'Name of the entry in pod.spec.resourceClaims.'],
      request: ['string', 'Name of a request in the referenced claim.'],
    },
  },
  {
    name: `${CORE}.ContainerResizePolicy`,
    description: 'Resize policy for a container resource.',
    required: ['resourceName', 'restartPolicy'],
    properties: {
      resourceName: ['string', 'Name of the resource: cpu or memory.'],
      restartPolicy: ['string', 'NotRequired or RestartContainer.'],
    },
  },
  {
    name: `${CORE}.VolumeMount`,
    description: 'A mounting of a Volume within a container.',
    required: ['name', 'mountPath'],
    properties: {
      mountPath: [
        'string',
        "Path within the container at which the volume is mounted; must not contain ':'.",
      ],
      mountPropagation: ['string', 'How mounts are propagated: None, HostToContainer or Bidirectional.'],
      name: ['string', 'Must match the name of a volume.'],
      readOnly: ['boolean', 'Mounted read-only if true; defaults to false.'],
      recursiveReadOnly: ['string', 'Whether read-only mounts are handled recursively.'],
      subPath: ['string', "Path within the volume to mount from; defaults to the volume's root."],
      subPathExpr: ['string', 'Like subPath, with $(VAR_NAME) references expanded.'],
    },
  },
  {
    name: `${CORE}.VolumeDevice`,
    description: 'A mapping of a raw block device within a container.',
    required: ['name', 'devicePath'],
    properties: {
      devicePath: ['string', 'Path inside the container the device is mapped to.'],
      name: ['string', 'Must match the name of a persistentVolumeClaim in the pod.'],
    },
  },
  {
    name: `${CORE}.Probe`,
    description: 'A health check performed against a container to decide whether it is alive or ready.',
    properties: {
      exec: ['ExecAction', 'Exec specifies a command to execute in the container.'],
      failureThreshold: ['int32', 'Consecutive failures for the probe to be considered failed; default 3.'],
      grpc: ['GRPCAction', 'GRPC specifies a GRPC HealthCheckRequest.'],
      httpGet: ['HTTPGetAction', 'HTTPGet specifies an HTTP GET request to perform.'],
      initialDelaySeconds: ['int32', 'Seconds after the container starts before probes begin.'],
      periodSeconds: ['int32', 'How often (in seconds) to probe; default 10.'],
      successThreshold: [
        'int32',
        'Consecutive successes for the probe to be considered successful; default 1.',
      ],
      tcpSocket: ['TCPSocketAction', 'TCPSocket specifies a connection to a TCP port.'],
      terminationGracePeriodSeconds: ['int64', 'Grace period for the pod after a probe failure.'],
      timeoutSeconds: ['int32', 'Seconds after which the probe times out; default 1.'],
    },
  },
  {
    name: `${CORE}.ExecAction`,
    description: 'A command executed in the container.',
    properties: {
      command: [
        '[]string',
        'Command line to execute inside the container; not run in a shell.',
        { listType: 'atomic' },
      ],
    },
  },
  {
    name: `${CORE}.HTTPGetAction`,
    description: 'An action based on HTTP GET requests.',
    required: ['port'],
    properties: {
      host: ['string', 'Host name to connect to; defaults to the pod IP.'],
      httpHeaders: ['[]HTTPHeader', 'Custom headers to set in the request.', { listType: 'atomic' }],
      path: ['string', 'Path to access on the HTTP server.'],
      port: ['IntOrString', 'Number or name of the port to access on the container.'],
      scheme: ['string', 'HTTP or HTTPS; defaults to HTTP.', { enum: ['HTTP', 'HTTPS'] }],
    },
  },
  {
    name: `${CORE}.HTTPHeader`,
    description: 'A custom header to be used in HTTP probes.',
    required: ['name', 'value'],
    properties: {
      name: ['string', 'The header field name.'],
      value: ['string', 'The header field value.'],
    },
  },
  {
    name: `${CORE}.TCPSocketAction`,
    description: 'An action based on opening a socket.',
    required: ['port'],
    properties: {
      host: ['string', 'Host name to connect to; defaults to the pod IP.'],
      port: ['IntOrString', 'Number or name of the port to access on the container.'],
    },
  },
  {
    name: `${CORE}.GRPCAction`,
    description: 'A gRPC health check.',
    required: ['port'],
    properties: {
      port: ['int32', 'Port number of the gRPC service.'],
      service: ['string', 'Name of the service to place in the gRPC HealthCheckRequest.'],
    },
  },
  {
    name: `${CORE}.Lifecycle`,
    description: 'Actions the management system takes in response to container lifecycle events.',
    properties: {
      postStart: ['LifecycleHandler', 'Called immediately after the container is created.'],
      preStop: ['LifecycleHandler', 'Called immediately before the container is terminated.'],
      stopSignal: ['string', 'Signal used to stop the container.'],
    },
  },
  {
    name: `${CORE}.LifecycleHandler`,
    description: 'A specific action to take in a lifecycle hook; exactly one field is set.',
    properties: {
      exec: ['ExecAction', 'Exec specifies a command to execute in the container.'],
      httpGet: ['HTTPGetAction', 'HTTPGet specifies an HTTP GET request to perform.'],
      sleep: ['SleepAction', 'Sleep represents a duration the container sleeps.'],
      tcpSocket: ['TCPSocketAction', 'Deprecated; kept for backward compatibility.'],
    },
  },
  {
    name: `${CORE}.SleepAction`,
    description: 'A sleep action.',
    required: ['seconds'],
    properties: { seconds: ['int64', 'Seconds to sleep.'] },
  },
  {
    name: `${CORE}.SecurityContext`,
    description: 'Security configuration applied to a container.',
    properties: {
      allowPrivilegeEscalation: ['boolean', 'Whether a process can gain more privileges than its parent.'],
      capabilities: ['Capabilities', 'Capabilities to add/drop when running containers.'],
      privileged: ['boolean', 'Run the container in privileged mode.'],
      procMount: ['string', 'Type of proc mount to use: Default or Unmasked.'],
      readOnlyRootFilesystem: ['boolean', 'Whether the container has a read-only root filesystem.'],
      runAsGroup: ['int64', 'GID to run the entrypoint of the container process.'],
      runAsNonRoot: ['boolean', 'The container must run as a non-root user.'],
      runAsUser: ['int64', 'UID to run the entrypoint of the container process.'],
      seccompProfile: ['SeccompProfile', 'Seccomp options for the container.'],
    },
  },
  {
    name: `${CORE}.Capabilities`,
    description: 'POSIX capabilities to add or remove from running containers.',
    properties: {
      add: ['[]string', 'Added capabilities.', { listType: 'atomic' }],
      drop: ['[]string', 'Removed capabilities.', { listType: 'atomic' }],
    },
  },
  {
    name: `${CORE}.SeccompProfile`,
    description: "A pod's or container's seccomp profile; only one source may be set.",
    required: ['type'],
    properties: {
      localhostProfile: ['string', 'A profile defined in a file on the node; only for type Localhost.'],
      type: [
        'string',
        'Localhost, RuntimeDefault or Unconfined.',
        { enum: ['Localhost', 'RuntimeDefault', 'Unconfined'] },
      ],
    },
  },
];
