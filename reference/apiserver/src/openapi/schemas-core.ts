// core/v1 kinds besides Pod and the storage/node ones: Service, Endpoints, Namespace, ConfigMap,
// Secret, ServiceAccount, Event, and the Binding subresource body.
import type { TypeDef } from './schema-model.ts';
import { kindHeader } from './schema-model.ts';

const CORE = 'io.k8s.api.core.v1';
const CONDITION_STATUS = { enum: ['False', 'True', 'Unknown'] };
const PROTOCOLS = { enum: ['SCTP', 'TCP', 'UDP'] };

export const CORE_SCHEMAS: TypeDef[] = [
  {
    name: `${CORE}.Service`,
    description:
      'A named abstraction of a software service: a local port the proxy listens on and a selector of pods.',
    properties: {
      ...kindHeader(),
      spec: ['ServiceSpec', 'The behavior of the service.'],
      status: ['ServiceStatus', 'Most recently observed status of the service; read-only.'],
    },
  },
  {
    name: `${CORE}.ServiceSpec`,
    description: 'The attributes a user creates on a service.',
    properties: {
      allocateLoadBalancerNodePorts: [
        'boolean',
        'Whether NodePorts are allocated for a LoadBalancer service.',
      ],
      clusterIP: [
        'string',
        'IP address of the service, usually assigned randomly; "None" makes it headless.',
      ],
      clusterIPs: ['[]string', 'IP addresses of the service, one per family.', { listType: 'atomic' }],
      externalIPs: [
        '[]string',
        'IPs for which nodes also accept traffic for the service.',
        { listType: 'atomic' },
      ],
      externalName: ['string', 'DNS name returned as a CNAME for an ExternalName service.'],
      externalTrafficPolicy: ['string', 'Cluster or Local.', { enum: ['Cluster', 'Local'] }],
      healthCheckNodePort: ['int32', 'Health check node port for Local external traffic policy.'],
      internalTrafficPolicy: ['string', 'Cluster or Local.', { enum: ['Cluster', 'Local'] }],
      ipFamilies: ['[]string', 'IPv4 and/or IPv6, in order.', { listType: 'atomic' }],
      ipFamilyPolicy: [
        'string',
        'SingleStack, PreferDualStack or RequireDualStack.',
        { enum: ['PreferDualStack', 'RequireDualStack', 'SingleStack'] },
      ],
      loadBalancerClass: ['string', 'The class of the load balancer implementation.'],
      loadBalancerIP: ['string', 'Deprecated: requested load balancer IP.'],
      loadBalancerSourceRanges: [
        '[]string',
        'Client IP ranges the load balancer accepts.',
        { listType: 'atomic' },
      ],
      ports: [
        '[]ServicePort',
        'The ports exposed by the service.',
        { key: 'port', strategy: 'merge', listType: 'map', mapKeys: ['port', 'protocol'] },
      ],
      publishNotReadyAddresses: ['boolean', 'Publish addresses of pods that are not ready.'],
      selector: [
        'map[string]',
        'Traffic is routed to pods with labels matching this selector.',
        { mapType: 'atomic' },
      ],
      sessionAffinity: ['string', 'ClientIP or None.', { enum: ['ClientIP', 'None'] }],
      sessionAffinityConfig: ['SessionAffinityConfig', 'Configuration of session affinity.'],
      trafficDistribution: ['string', 'How traffic is distributed to endpoints, e.g. PreferClose.'],
      type: [
        'string',
        'ClusterIP, NodePort, LoadBalancer or ExternalName; default ClusterIP.',
        { enum: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] },
      ],
    },
  },
  {
    name: `${CORE}.ServicePort`,
    description: 'A port of a service.',
    required: ['port'],
    properties: {
      appProtocol: ['string', 'Application protocol of the port.'],
      name: ['string', 'Name of the port; required when there is more than one.'],
      nodePort: ['int32', 'Port on each node for NodePort/LoadBalancer services.'],
      port: ['int32', 'The port exposed by the service.'],
      protocol: ['string', 'TCP, UDP or SCTP; default TCP.', PROTOCOLS],
      targetPort: ['IntOrString', 'Number or name of the port on the pods; defaults to port.'],
    },
  },
  {
    name: `${CORE}.SessionAffinityConfig`,
    description: 'Configuration of session affinity.',
    properties: { clientIP: ['ClientIPConfig', 'Configuration of ClientIP session affinity.'] },
  },
  {
    name: `${CORE}.ClientIPConfig`,
    description: 'Configuration of ClientIP session affinity.',
    properties: { timeoutSeconds: ['int32', 'Seconds of ClientIP stickiness; default 10800.'] },
  },
  {
    name: `${CORE}.ServiceStatus`,
    description: 'The current status of a service.',
    properties: {
      conditions: [
        '[]io.k8s.apimachinery.pkg.apis.meta.v1.Condition',
        'Current state of the service.',
        { key: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] },
      ],
      loadBalancer: ['LoadBalancerStatus', 'Status of the load balancer, if any.'],
    },
  },
  {
    name: `${CORE}.LoadBalancerStatus`,
    description: 'Status of a load balancer.',
    properties: {
      ingress: ['[]LoadBalancerIngress', 'Ingress points of the load balancer.', { listType: 'atomic' }],
    },
  },
  {
    name: `${CORE}.LoadBalancerIngress`,
    description: 'An ingress point of a load balancer.',
    properties: {
      hostname: ['string', 'Hostname of a DNS-based ingress point.'],
      ip: ['string', 'IP of an IP-based ingress point.'],
      ipMode: ['string', 'VIP or Proxy.'],
      ports: ['[]PortStatus', 'Records of service ports.', { listType: 'atomic' }],
    },
  },
  {
    name: `${CORE}.PortStatus`,
    description: 'Status of a service port.',
    required: ['port', 'protocol'],
    properties: {
      error: ['string', 'Problem with the port, in CamelCase.'],
      port: ['int32', 'Port number of the service port.'],
      protocol: ['string', 'TCP, UDP or SCTP.', PROTOCOLS],
    },
  },
  {
    name: `${CORE}.Endpoints`,
    description: 'The set of endpoints that implement a service.',
    properties: {
      ...kindHeader(),
      subsets: ['[]EndpointSubset', 'All the endpoints of the service.', { listType: 'atomic' }],
    },
  },
  {
    name: `${CORE}.EndpointSubset`,
    description: 'A group of addresses with a common set of ports.',
    properties: {
      addresses: ['[]EndpointAddress', 'Ready addresses offering the ports.', { listType: 'atomic' }],
      notReadyAddresses: ['[]EndpointAddress', 'Addresses not ready yet.', { listType: 'atomic' }],
      ports: [
        '[]io.k8s.api.core.v1.EndpointPort',
        'Port numbers available on the addresses.',
        { listType: 'atomic' },
      ],
    },
  },
  {
    name: `${CORE}.EndpointAddress`,
    description: 'A single IP address of an endpoint.',
    required: ['ip'],
    extensions: { 'x-kubernetes-map-type': 'atomic' },
    properties: {
      hostname: ['string', 'Hostname of the endpoint.'],
      ip: ['string', 'IP of the endpoint.'],
      nodeName: ['string', 'Node hosting the endpoint.'],
      targetRef: ['ObjectReference', 'Reference to the object providing the endpoint.'],
    },
  },
  {
    name: `${CORE}.EndpointPort`,
    description: 'A port of an endpoint.',
    required: ['port'],
    extensions: { 'x-kubernetes-map-type': 'atomic' },
    properties: {
      appProtocol: ['string', 'Application protocol of the port.'],
      name: ['string', 'Name of the port; must match the service port name.'],
      port: ['int32', 'Port number.'],
      protocol: ['string', 'TCP, UDP or SCTP; default TCP.', PROTOCOLS],
    },
  },
  {
    name: `${CORE}.ObjectReference`,
    description: 'A reference to an object, with enough information to inspect or modify it.',
    extensions: { 'x-kubernetes-map-type': 'atomic' },
    properties: {
      apiVersion: ['string', 'API version of the referent.'],
      fieldPath: ['string', 'A piece of the object, e.g. spec.containers{name}.'],
      kind: ['string', 'Kind of the referent.'],
      name: ['string', 'Name of the referent.'],
      namespace: ['string', 'Namespace of the referent.'],
      resourceVersion: ['string', 'Specific resourceVersion the reference is made to.'],
      uid: ['string', 'UID of the referent.'],
    },
  },
  {
    name: `${CORE}.Namespace`,
    description: 'Namespace provides a scope for names.',
    properties: {
      ...kindHeader(),
      spec: ['NamespaceSpec', 'The behavior of the namespace.'],
      status: ['NamespaceStatus', 'Most recently observed status of the namespace; read-only.'],
    },
  },
  {
    name: `${CORE}.NamespaceSpec`,
    description: 'The attributes of a namespace.',
    properties: {
      finalizers: [
        '[]string',
        'Must be empty before the namespace is removed from storage.',
        { listType: 'atomic' },
      ],
    },
  },
  {
    name: `${CORE}.NamespaceStatus`,
    description: 'Information about the current status of a namespace.',
    properties: {
      conditions: [
        '[]NamespaceCondition',
        "The namespace's current state.",
        { key: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] },
      ],
      phase: ['string', 'Active or Terminating.', { enum: ['Active', 'Terminating'] }],
    },
  },
  {
    name: `${CORE}.NamespaceCondition`,
    description: 'The state of a namespace at a point in time.',
    required: ['type', 'status'],
    properties: {
      lastTransitionTime: ['Time', 'When the condition last changed status.'],
      message: ['string', 'Human-readable details.'],
      reason: ['string', 'CamelCase reason.'],
      status: ['string', 'True, False or Unknown.', CONDITION_STATUS],
      type: ['string', 'Type of namespace controller condition.'],
    },
  },
  {
    name: `${CORE}.ConfigMap`,
    description: 'ConfigMap holds configuration data for pods to consume.',
    properties: {
      ...kindHeader(),
      binaryData: ['map[byte]', 'Binary data, base64-encoded; keys must not overlap with data.'],
      data: ['map[string]', 'Configuration data as UTF-8 strings.'],
      immutable: ['boolean', 'If true, the data cannot be updated.'],
    },
  },
  {
    name: `${CORE}.Secret`,
    description: 'Secret holds secret data of a certain type; values are base64-encoded.',
    properties: {
      ...kindHeader(),
      data: ['map[byte]', 'Secret data, base64-encoded.'],
      immutable: ['boolean', 'If true, the data cannot be updated.'],
      stringData: ['map[string]', 'Write-only convenience: merged into data, base64-encoded, on write.'],
      type: ['string', 'Used to facilitate programmatic handling of secret data.'],
    },
  },
  {
    name: `${CORE}.ServiceAccount`,
    description: 'ServiceAccount binds together a name, a principal for users and systems, and secrets.',
    properties: {
      ...kindHeader(),
      automountServiceAccountToken: ['boolean', 'Whether pods using this account get a token mounted.'],
      imagePullSecrets: [
        '[]LocalObjectReference',
        'Secrets used to pull images in pods using this account.',
        { listType: 'atomic' },
      ],
      secrets: [
        '[]ObjectReference',
        'Secrets pods using this account may use.',
        { key: 'name', strategy: 'merge', listType: 'map', mapKeys: ['name'] },
      ],
    },
  },
  {
    name: `${CORE}.Event`,
    description: 'Event is a report of an event somewhere in the cluster.',
    required: ['metadata', 'involvedObject'],
    properties: {
      action: ['string', 'What action was taken or failed.'],
      apiVersion: kindHeader().apiVersion!,
      count: ['int32', 'The number of times this event occurred.'],
      eventTime: ['MicroTime', 'When the event was first observed.'],
      firstTimestamp: ['Time', 'When the event was first recorded.'],
      involvedObject: ['ObjectReference', 'The object the event is about.'],
      kind: kindHeader().kind!,
      lastTimestamp: ['Time', 'When the most recent occurrence was recorded.'],
      message: ['string', 'Human-readable description of the status of this operation.'],
      metadata: kindHeader().metadata!,
      reason: ['string', 'Short, machine-understandable reason for the transition.'],
      related: ['ObjectReference', 'Optional secondary object for more complex actions.'],
      reportingComponent: ['string', 'Name of the controller that emitted the event.'],
      reportingInstance: ['string', 'ID of the controller instance.'],
      series: ['io.k8s.api.core.v1.EventSeries', 'Data about the event series this event represents.'],
      source: ['EventSource', 'The component reporting this event.'],
      type: ['string', 'Normal or Warning.'],
    },
  },
  {
    name: `${CORE}.EventSource`,
    description: 'Information about the source of an event.',
    properties: {
      component: ['string', 'Component the event is generated from.'],
      host: ['string', 'Node name the event is generated on.'],
    },
  },
  {
    name: `${CORE}.EventSeries`,
    description: 'A series of events; updated periodically while it lasts.',
    properties: {
      count: ['int32', 'Number of occurrences in this series up to the last heartbeat.'],
      lastObservedTime: ['MicroTime', 'Time of the last occurrence observed.'],
    },
  },
  {
    name: `${CORE}.Binding`,
    description: 'Binding ties one object to another, e.g. a pod to a node by the scheduler.',
    required: ['target'],
    gvk: [{ group: '', version: 'v1', kind: 'Binding' }],
    properties: {
      ...kindHeader(),
      target: ['ObjectReference', 'The target object to bind to.'],
    },
  },
];
