// Kinds of the named groups: discovery.k8s.io EndpointSlice, coordination.k8s.io Lease,
// storage.k8s.io StorageClass and events.k8s.io Event.
import type { TypeDef } from './schema-model.ts';
import { kindHeader } from './schema-model.ts';

const DISCOVERY = 'io.k8s.api.discovery.v1';
const EVENTS = 'io.k8s.api.events.v1';
const ATOMIC = { listType: 'atomic' };

export const GROUP_SCHEMAS: TypeDef[] = [
  {
    name: `${DISCOVERY}.EndpointSlice`,
    description: 'EndpointSlice represents a subset of the endpoints that implement a service.',
    required: ['addressType', 'endpoints'],
    properties: {
      addressType: [
        'string',
        'Type of the addresses: IPv4, IPv6 or FQDN.',
        { enum: ['FQDN', 'IPv4', 'IPv6'] },
      ],
      ...kindHeader(),
      endpoints: [`[]${DISCOVERY}.Endpoint`, 'Unique endpoints in the slice; at most 1000.', ATOMIC],
      ports: [`[]${DISCOVERY}.EndpointPort`, 'Network ports exposed by each endpoint.', ATOMIC],
    },
  },
  {
    name: `${DISCOVERY}.Endpoint`,
    description: 'A single logical backend implementing a service.',
    required: ['addresses'],
    properties: {
      addresses: ['[]string', 'Addresses of the endpoint, interpreted per addressType.', { listType: 'set' }],
      conditions: ['EndpointConditions', 'Current state of the endpoint.'],
      deprecatedTopology: ['map[string]', 'Deprecated topology information.'],
      hints: ['EndpointHints', 'How the endpoint should be consumed.'],
      hostname: ['string', 'Hostname of the endpoint.'],
      nodeName: ['string', 'Node hosting the endpoint.'],
      targetRef: ['ObjectReference', 'Reference to the object representing the endpoint.'],
      zone: ['string', 'Zone the endpoint is in.'],
    },
  },
  {
    name: `${DISCOVERY}.EndpointConditions`,
    description: 'The current condition of an endpoint.',
    properties: {
      ready: ['boolean', 'The endpoint is ready to receive traffic.'],
      serving: ['boolean', 'Like ready, also set while terminating.'],
      terminating: ['boolean', 'The endpoint is terminating.'],
    },
  },
  {
    name: `${DISCOVERY}.EndpointHints`,
    description: 'Hints on how an endpoint should be consumed.',
    properties: { forZones: ['[]ForZone', 'Zones that should consume the endpoint.', ATOMIC] },
  },
  {
    name: `${DISCOVERY}.ForZone`,
    description: 'A zone that should consume an endpoint.',
    required: ['name'],
    properties: { name: ['string', 'Name of the zone.'] },
  },
  {
    name: `${DISCOVERY}.EndpointPort`,
    description: 'A port used by an endpoint.',
    extensions: { 'x-kubernetes-map-type': 'atomic' },
    properties: {
      appProtocol: ['string', 'Application protocol of the port.'],
      name: ['string', 'Name of the port; must match the service port name.'],
      port: ['int32', 'Port number; unset means all ports.'],
      protocol: ['string', 'TCP, UDP or SCTP; default TCP.', { enum: ['SCTP', 'TCP', 'UDP'] }],
    },
  },
  {
    name: 'io.k8s.api.coordination.v1.Lease',
    description: 'Lease defines a lease concept, e.g. for leader election or node heartbeats.',
    properties: {
      ...kindHeader(),
      spec: ['LeaseSpec', 'Specification of the lease.'],
    },
  },
  {
    name: 'io.k8s.api.coordination.v1.LeaseSpec',
    description: 'The specification of a lease.',
    properties: {
      acquireTime: ['MicroTime', 'When the current lease was acquired.'],
      holderIdentity: ['string', 'Identity of the current holder of the lease.'],
      leaseDurationSeconds: ['int32', 'Seconds candidates wait before forcefully acquiring the lease.'],
      leaseTransitions: ['int32', 'Number of transitions of the lease between holders.'],
      preferredHolder: ['string', 'Signals to the holder that it should give up the lease.'],
      renewTime: ['MicroTime', 'When the current holder last updated the lease.'],
      strategy: ['string', 'Strategy for picking the leader in coordinated leader election.'],
    },
  },
  {
    name: 'io.k8s.api.storage.v1.StorageClass',
    description: 'StorageClass describes the parameters of a class of dynamically provisioned storage.',
    required: ['provisioner'],
    properties: {
      ...kindHeader(),
      allowVolumeExpansion: ['boolean', 'Whether the class allows volume expansion.'],
      allowedTopologies: ['[]TopologySelectorTerm', 'Topologies where volumes may be provisioned.', ATOMIC],
      mountOptions: ['[]string', 'Mount options of provisioned volumes, not validated.', ATOMIC],
      parameters: ['map[string]', 'Parameters for the provisioner.'],
      provisioner: ['string', 'Type of the provisioner.'],
      reclaimPolicy: [
        'string',
        'Delete or Retain; default Delete.',
        { enum: ['Delete', 'Recycle', 'Retain'] },
      ],
      volumeBindingMode: [
        'string',
        'Immediate or WaitForFirstConsumer.',
        { enum: ['Immediate', 'WaitForFirstConsumer'] },
      ],
    },
  },
  {
    name: 'io.k8s.api.core.v1.TopologySelectorTerm',
    description: 'A topology selector term; requirements are ANDed.',
    extensions: { 'x-kubernetes-map-type': 'atomic' },
    properties: {
      matchLabelExpressions: [
        '[]TopologySelectorLabelRequirement',
        'Selector requirements by labels.',
        ATOMIC,
      ],
    },
  },
  {
    name: 'io.k8s.api.core.v1.TopologySelectorLabelRequirement',
    description: 'A topology selector requirement: a label key and values it may take.',
    required: ['key', 'values'],
    properties: {
      key: ['string', 'The label key the selector applies to.'],
      values: ['[]string', 'Values the label may take, ORed.', ATOMIC],
    },
  },
  {
    name: `${EVENTS}.Event`,
    description: 'Event is a report of an event somewhere in the cluster (events.k8s.io form).',
    required: ['eventTime'],
    properties: {
      action: ['string', 'What action was taken or failed regarding the regarding object.'],
      apiVersion: kindHeader().apiVersion!,
      deprecatedCount: ['int32', 'Deprecated: count of the core/v1 event.'],
      deprecatedFirstTimestamp: ['Time', 'Deprecated: firstTimestamp of the core/v1 event.'],
      deprecatedLastTimestamp: ['Time', 'Deprecated: lastTimestamp of the core/v1 event.'],
      deprecatedSource: ['EventSource', 'Deprecated: source of the core/v1 event.'],
      eventTime: ['MicroTime', 'When the event was first observed; required.'],
      kind: kindHeader().kind!,
      metadata: kindHeader().metadata!,
      note: ['string', 'Human-readable description of the status of this operation.'],
      reason: ['string', 'Why the action was taken.'],
      regarding: ['ObjectReference', 'The object this event is about.'],
      related: ['ObjectReference', 'Optional secondary object for more complex actions.'],
      reportingController: ['string', 'Name of the controller that emitted the event.'],
      reportingInstance: ['string', 'ID of the controller instance.'],
      series: [`${EVENTS}.EventSeries`, 'Data about the event series this event represents.'],
      type: ['string', 'Normal or Warning.'],
    },
  },
  {
    name: `${EVENTS}.EventSeries`,
    description: 'A series of events; updated periodically while it lasts.',
    required: ['count', 'lastObservedTime'],
    properties: {
      count: ['int32', 'Number of occurrences in this series up to the last heartbeat.'],
      lastObservedTime: ['MicroTime', 'Time of the last occurrence observed.'],
    },
  },
];
