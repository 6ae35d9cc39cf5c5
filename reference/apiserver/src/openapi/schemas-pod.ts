// core/v1 Pod: the spec, scheduling constraints (tolerations, affinity, spread) and the status.
import type { TypeDef } from './schema-model.ts';
import { kindHeader } from './schema-model.ts';

const CORE = 'io.k8s.api.core.v1';
const MERGE_BY_NAME = { key: 'name', strategy: 'merge' };
const CONDITION_STATUS = { enum: ['False', 'True', 'Unknown'] };

export const POD_SCHEMAS: TypeDef[] = [
  {
    name: `${CORE}.Pod`,
    description: 'Pod is a collection of containers that can run on a host.',
    properties: {
      ...kindHeader(),
      spec: ['PodSpec', 'Specification of the desired behavior of the pod.'],
      status: ['PodStatus', 'Most recently observed status of the pod; read-only.'],
    },
  },
  {
    name: `${CORE}.PodSpec`,
    description: 'PodSpec is a description of a pod.',
    required: ['containers'],
    properties: {
      activeDeadlineSeconds: ['int64', 'Seconds the pod may be active before the system fails it.'],
      affinity: ['Affinity', "The pod's scheduling constraints."],
      automountServiceAccountToken: ['boolean', 'Whether a service account token is mounted automatically.'],
      containers: ['[]Container', 'Containers belonging to the pod; at least one.', MERGE_BY_NAME],
      dnsConfig: ['PodDNSConfig', 'DNS parameters of the pod, merged into those generated from dnsPolicy.'],
      dnsPolicy: [
        'string',
        'DNS policy: ClusterFirstWithHostNet, ClusterFirst, Default or None.',
        { enum: ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'] },
      ],
      enableServiceLinks: [
        'boolean',
        "Whether services' information is injected into environment variables.",
      ],
      hostAliases: [
        '[]HostAlias',
        "Entries added to the pod's /etc/hosts file.",
        { key: 'ip', strategy: 'merge', listType: 'map', mapKeys: ['ip'] },
      ],
      hostIPC: ['boolean', "Use the host's ipc namespace."],
      hostNetwork: ['boolean', "Use the host's network namespace."],
      hostPID: ['boolean', "Use the host's pid namespace."],
      hostUsers: ['boolean', "Use the host's user namespace."],
      hostname: ['string', "The pod's hostname; defaults to a system-defined value."],
      imagePullSecrets: ['[]LocalObjectReference', 'Secrets used to pull the images.', MERGE_BY_NAME],
      initContainers: [
        '[]Container',
        'Containers run to completion, in order, before the app containers.',
        MERGE_BY_NAME,
      ],
      nodeName: ['string', 'The node the pod is bound to; set by the scheduler.'],
      nodeSelector: [
        'map[string]',
        'Labels a node must have for the pod to fit on it.',
        { mapType: 'atomic' },
      ],
      os: ['PodOS', 'The OS of the containers in the pod.'],
      overhead: ['map[Quantity]', 'Resource overhead of running the pod on its runtime class.'],
      preemptionPolicy: [
        'string',
        'Never or PreemptLowerPriority.',
        { enum: ['Never', 'PreemptLowerPriority'] },
      ],
      priority: ['int32', 'Priority value, resolved from priorityClassName.'],
      priorityClassName: ['string', 'Name of the pod priority class.'],
      readinessGates: [
        '[]PodReadinessGate',
        'Extra conditions evaluated for pod readiness.',
        { listType: 'atomic' },
      ],
      restartPolicy: [
        'string',
        'Restart policy of all containers: Always, OnFailure or Never; default Always.',
        { enum: ['Always', 'Never', 'OnFailure'] },
      ],
      runtimeClassName: ['string', 'RuntimeClass used to run the pod.'],
      schedulerName: ['string', 'Scheduler that dispatches the pod; default-scheduler if empty.'],
      securityContext: ['PodSecurityContext', 'Pod-level security attributes and common container settings.'],
      serviceAccount: ['string', 'Deprecated alias of serviceAccountName.'],
      serviceAccountName: ['string', 'Name of the ServiceAccount used to run the pod.'],
      setHostnameAsFQDN: ['boolean', "Set the pod's hostname to its fully qualified name."],
      shareProcessNamespace: ['boolean', 'Share a single process namespace between all containers.'],
      subdomain: ['string', 'Subdomain of the fully qualified hostname <hostname>.<subdomain>.<ns>.svc.'],
      terminationGracePeriodSeconds: ['int64', 'Seconds the pod has to terminate gracefully; default 30.'],
      tolerations: ['[]Toleration', "The pod's tolerations.", { listType: 'atomic' }],
      topologySpreadConstraints: [
        '[]TopologySpreadConstraint',
        'How the pods ought to spread across topology domains.',
        {
          key: 'topologyKey',
          strategy: 'merge',
          listType: 'map',
          mapKeys: ['topologyKey', 'whenUnsatisfiable'],
        },
      ],
      volumes: [
        '[]Volume',
        'Volumes that containers of the pod can mount.',
        { key: 'name', strategy: 'merge,retainKeys' },
      ],
    },
  },
  {
    name: `${CORE}.LocalObjectReference`,
    description: 'A reference to an object in the same namespace.',
    extensions: { 'x-kubernetes-map-type': 'atomic' },
    properties: { name: ['string', 'Name of the referent.'] },
  },
  {
    name: `${CORE}.HostAlias`,
    description: "An entry of the pod's /etc/hosts file.",
    required: ['ip'],
    properties: {
      hostnames: ['[]string', 'Hostnames for the IP address.', { listType: 'atomic' }],
      ip: ['string', 'IP address of the host file entry.'],
    },
  },
  {
    name: `${CORE}.PodDNSConfig`,
    description: 'DNS parameters of a pod in addition to those generated from DNSPolicy.',
    properties: {
      nameservers: ['[]string', 'DNS name server IP addresses.', { listType: 'atomic' }],
      options: ['[]PodDNSConfigOption', 'DNS resolver options.', { listType: 'atomic' }],
      searches: ['[]string', 'DNS search domains for host-name lookup.', { listType: 'atomic' }],
    },
  },
  {
    name: `${CORE}.PodDNSConfigOption`,
    description: 'A DNS resolver option of a pod.',
    properties: { name: ['string', 'Name of the option.'], value: ['string', 'Value of the option.'] },
  },
  {
    name: `${CORE}.PodOS`,
    description: 'The OS parameters of a pod.',
    required: ['name'],
    properties: { name: ['string', 'Name of the operating system: linux or windows.'] },
  },
  {
    name: `${CORE}.PodReadinessGate`,
    description: 'A pod condition that must hold for the pod to be ready.',
    required: ['conditionType'],
    properties: { conditionType: ['string', "A condition type in the pod's condition list."] },
  },
  {
    name: `${CORE}.PodSecurityContext`,
    description: 'Pod-level security attributes and common container settings.',
    properties: {
      fsGroup: ['int64', 'A supplemental group applied to all containers, owning volumes.'],
      fsGroupChangePolicy: ['string', 'OnRootMismatch or Always.'],
      runAsGroup: ['int64', 'GID to run the entrypoint of the container process.'],
      runAsNonRoot: ['boolean', 'The containers must run as a non-root user.'],
      runAsUser: ['int64', 'UID to run the entrypoint of the container process.'],
      seccompProfile: ['SeccompProfile', 'Seccomp options for the containers.'],
      supplementalGroups: [
        '[]int64',
        'Groups added to the first process in each container.',
        { listType: 'atomic' },
      ],
      sysctls: ['[]Sysctl', 'Namespaced sysctls used for the pod.', { listType: 'atomic' }],
    },
  },
  {
    name: `${CORE}.Sysctl`,
    description: 'A kernel parameter to be set.',
    required: ['name', 'value'],
    properties: {
      name: ['string', 'Name of a property to set.'],
      value: ['string', 'Value of the property.'],
    },
  },
  {
    name: `${CORE}.Toleration`,
    description: 'Lets the pod tolerate any taint matching the triple <key,value,effect> using the operator.',
    properties: {
      effect: [
        'string',
        'Taint effect to match; empty matches all.',
        { enum: ['NoExecute', 'NoSchedule', 'PreferNoSchedule'] },
      ],
      key: ['string', 'Taint key; empty with operator Exists matches all keys.'],
      operator: ['string', 'Exists or Equal; defaults to Equal.', { enum: ['Equal', 'Exists'] }],
      tolerationSeconds: ['int64', 'How long a NoExecute taint is tolerated before eviction.'],
      value: ['string', 'Taint value the toleration matches.'],
    },
  },
  {
    name: `${CORE}.TopologySpreadConstraint`,
    description: 'How to spread matching pods among the given topology.',
    required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'],
    properties: {
      labelSelector: ['LabelSelector', 'Finds matching pods, counted per topology domain.'],
      matchLabelKeys: ['[]string', 'Pod label keys to select the pods with.', { listType: 'atomic' }],
      maxSkew: ['int32', 'Degree to which pods may be unevenly distributed.'],
      minDomains: ['int32', 'Minimum number of eligible domains.'],
      nodeAffinityPolicy: ['string', 'Honor or Ignore the pod nodeAffinity/nodeSelector.'],
      nodeTaintsPolicy: ['string', 'Honor or Ignore node taints.'],
      topologyKey: ['string', 'Key of node labels; nodes with the same value are one domain.'],
      whenUnsatisfiable: [
        'string',
        'DoNotSchedule or ScheduleAnyway.',
        { enum: ['DoNotSchedule', 'ScheduleAnyway'] },
      ],
    },
  },
  {
    name: `${CORE}.Affinity`,
    description: 'A group of affinity scheduling rules.',
    properties: {
      nodeAffinity: ['NodeAffinity', 'Node affinity scheduling rules for the pod.'],
      podAffinity: ['PodAffinity', 'Co-locate the pod with other pods (same node, zone, ...).'],
      podAntiAffinity: ['PodAntiAffinity', 'Keep the pod away from other pods.'],
    },
  },
  {
    name: `${CORE}.NodeAffinity`,
    description: 'Node affinity scheduling rules.',
    properties: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        '[]PreferredSchedulingTerm',
        'Nodes matching these terms are preferred, by sum of weights.',
        { listType: 'atomic' },
      ],
      requiredDuringSchedulingIgnoredDuringExecution: [
        'NodeSelector',
        'The pod is not scheduled unless these hold.',
      ],
    },
  },
  {
    name: `${CORE}.NodeSelector`,
    description: 'A union of node selector terms.',
    required: ['nodeSelectorTerms'],
    extensions: { 'x-kubernetes-map-type': 'atomic' },
    properties: {
      nodeSelectorTerms: ['[]NodeSelectorTerm', 'Required; the terms are ORed.', { listType: 'atomic' }],
    },
  },
  {
    name: `${CORE}.NodeSelectorTerm`,
    description: 'Requirements on node labels and fields, ANDed.',
    extensions: { 'x-kubernetes-map-type': 'atomic' },
    properties: {
      matchExpressions: [
        '[]NodeSelectorRequirement',
        "Requirements on the node's labels.",
        { listType: 'atomic' },
      ],
      matchFields: [
        '[]NodeSelectorRequirement',
        "Requirements on the node's fields.",
        { listType: 'atomic' },
      ],
    },
  },
  {
    name: `${CORE}.NodeSelectorRequirement`,
    description: 'A selector on a key with an operator and values.',
    required: ['key', 'operator'],
    properties: {
      key: ['string', 'The label key the selector applies to.'],
      operator: [
        'string',
        'In, NotIn, Exists, DoesNotExist, Gt or Lt.',
        { enum: ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'] },
      ],
      values: ['[]string', 'Values; a single integer for Gt and Lt.', { listType: 'atomic' }],
    },
  },
  {
    name: `${CORE}.PreferredSchedulingTerm`,
    description: 'A weighted node selector term.',
    required: ['weight', 'preference'],
    properties: {
      preference: ['NodeSelectorTerm', 'A node selector term, with the weight.'],
      weight: ['int32', 'Weight in the range 1-100.'],
    },
  },
  {
    name: `${CORE}.PodAffinity`,
    description: 'Inter-pod affinity scheduling rules.',
    properties: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        '[]WeightedPodAffinityTerm',
        'Nodes satisfying these terms are preferred.',
        { listType: 'atomic' },
      ],
      requiredDuringSchedulingIgnoredDuringExecution: [
        '[]PodAffinityTerm',
        'The pod is not scheduled unless all these terms hold.',
        { listType: 'atomic' },
      ],
    },
  },
  {
    name: `${CORE}.PodAntiAffinity`,
    description: 'Inter-pod anti-affinity scheduling rules.',
    properties: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        '[]WeightedPodAffinityTerm',
        'Nodes violating these terms less are preferred.',
        { listType: 'atomic' },
      ],
      requiredDuringSchedulingIgnoredDuringExecution: [
        '[]PodAffinityTerm',
        'The pod is not scheduled on a node where any term is violated.',
        { listType: 'atomic' },
      ],
    },
  },
  {
    name: `${CORE}.PodAffinityTerm`,
    description: 'A set of pods the pod should be (anti-)co-located with within a topology domain.',
    required: ['topologyKey'],
    properties: {
      labelSelector: ['LabelSelector', 'A label query over a set of resources, here pods.'],
      matchLabelKeys: ['[]string', 'Pod label keys merged into labelSelector.', { listType: 'atomic' }],
      mismatchLabelKeys: [
        '[]string',
        'Pod label keys merged into labelSelector as NotIn.',
        { listType: 'atomic' },
      ],
      namespaceSelector: ['LabelSelector', 'Namespaces the term applies to, by label.'],
      namespaces: [
        '[]string',
        "Namespaces the term applies to; empty means the pod's own.",
        { listType: 'atomic' },
      ],
      topologyKey: ['string', 'Node label key defining the co-location domain.'],
    },
  },
  {
    name: `${CORE}.WeightedPodAffinityTerm`,
    description: 'A pod affinity term with a weight.',
    required: ['weight', 'podAffinityTerm'],
    properties: {
      podAffinityTerm: ['PodAffinityTerm', 'A pod affinity term, with the weight.'],
      weight: ['int32', 'Weight in the range 1-100.'],
    },
  },
  {
    name: `${CORE}.PodTemplateSpec`,
    description: 'The pod template a controller creates pods from.',
    properties: {
      metadata: ['ObjectMeta', "Standard object's metadata."],
      spec: ['PodSpec', 'Specification of the desired behavior of the pod.'],
    },
  },
  {
    name: `${CORE}.PodStatus`,
    description: 'Information about the status of a pod; may trail the actual state.',
    properties: {
      conditions: [
        '[]PodCondition',
        'Current service state of the pod.',
        { key: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] },
      ],
      containerStatuses: [
        '[]ContainerStatus',
        'Status of each container in the manifest.',
        { listType: 'atomic' },
      ],
      hostIP: ['string', 'IP address of the host the pod is assigned to.'],
      hostIPs: ['[]HostIP', 'IP addresses of the host.', { listType: 'atomic' }],
      initContainerStatuses: ['[]ContainerStatus', 'Status of each init container.', { listType: 'atomic' }],
      message: ['string', 'Human-readable message about why the pod is in this condition.'],
      nominatedNodeName: ['string', 'Node the pod may run on after preemption.'],
      phase: [
        'string',
        'Pending, Running, Succeeded, Failed or Unknown.',
        { enum: ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'] },
      ],
      podIP: ['string', 'IP address allocated to the pod.'],
      podIPs: [
        '[]PodIP',
        'IP addresses allocated to the pod.',
        { key: 'ip', strategy: 'merge', listType: 'map', mapKeys: ['ip'] },
      ],
      qosClass: [
        'string',
        'Guaranteed, Burstable or BestEffort.',
        { enum: ['BestEffort', 'Burstable', 'Guaranteed'] },
      ],
      reason: ['string', 'CamelCase reason why the pod is in this state, e.g. Evicted.'],
      startTime: ['Time', 'When the kubelet acknowledged the pod.'],
    },
  },
  {
    name: `${CORE}.PodCondition`,
    description: 'Details of one aspect of the current state of the pod.',
    required: ['type', 'status'],
    properties: {
      lastProbeTime: ['Time', 'When the condition was last probed.'],
      lastTransitionTime: ['Time', 'When the condition last changed status.'],
      message: ['string', 'Human-readable details about the last transition.'],
      reason: ['string', 'CamelCase reason for the last transition.'],
      status: ['string', 'True, False or Unknown.', CONDITION_STATUS],
      type: ['string', 'PodScheduled, Initialized, ContainersReady, Ready, ...'],
    },
  },
  {
    name: `${CORE}.PodIP`,
    description: 'An IP address allocated to the pod.',
    required: ['ip'],
    properties: { ip: ['string', 'IP address.'] },
  },
  {
    name: `${CORE}.HostIP`,
    description: 'An IP address of the host.',
    required: ['ip'],
    properties: { ip: ['string', 'IP address.'] },
  },
  {
    name: `${CORE}.ContainerStatus`,
    description: 'Details of the current state of one container.',
    required: ['name', 'ready', 'restartCount', 'image', 'imageID'],
    properties: {
      allocatedResources: ['map[Quantity]', 'Resources the node allocated to the container.'],
      containerID: ['string', 'Container ID, as <type>://<id>.'],
      image: ['string', 'The image the container is running.'],
      imageID: ['string', "The image's ID."],
      lastState: ['ContainerState', "The container's last termination condition."],
      name: ['string', 'The container name, from the pod spec.'],
      ready: ['boolean', 'Whether the container passes its readiness probe.'],
      resources: ['ResourceRequirements', 'Resources actually configured for the container.'],
      restartCount: ['int32', 'Number of times the container restarted.'],
      started: ['boolean', 'Whether the container passed its startup probe.'],
      state: ['ContainerState', "The container's current condition."],
    },
  },
  {
    name: `${CORE}.ContainerState`,
    description: 'A container state; only one member is set.',
    properties: {
      running: ['ContainerStateRunning', 'Details about a running container.'],
      terminated: ['ContainerStateTerminated', 'Details about a terminated container.'],
      waiting: ['ContainerStateWaiting', 'Details about a waiting container.'],
    },
  },
  {
    name: `${CORE}.ContainerStateRunning`,
    description: 'A running container.',
    properties: { startedAt: ['Time', 'When the container was last (re)started.'] },
  },
  {
    name: `${CORE}.ContainerStateTerminated`,
    description: 'A terminated container.',
    required: ['exitCode'],
    properties: {
      containerID: ['string', 'Container ID, as <type>://<id>.'],
      exitCode: ['int32', 'Exit status from the last termination.'],
      finishedAt: ['Time', 'When the container last terminated.'],
      message: ['string', 'Message about the last termination.'],
      reason: ['string', 'Brief reason for the last termination.'],
      signal: ['int32', 'Signal from the last termination.'],
      startedAt: ['Time', 'When the previous execution started.'],
    },
  },
  {
    name: `${CORE}.ContainerStateWaiting`,
    description: 'A waiting container.',
    properties: {
      message: ['string', 'Why the container is not yet running.'],
      reason: ['string', 'Brief reason, e.g. ContainerCreating or ImagePullBackOff.'],
    },
  },
];
