// apimachinery's shared types: object and list metadata, selectors, conditions, the scalar
// wrappers (Quantity, IntOrString, Time) and the request/response types every path uses.
import type { TypeDef } from './schema-model.ts';
import { API_VERSION_DOC, KIND_DOC } from './schema-model.ts';

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

export const META_SCHEMAS: TypeDef[] = [
  {
    name: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
    description:
      'Quantity is a fixed-point representation of a number, written as an integer or decimal with an optional SI or binary suffix: 128974848, 129e6, 129M, 123Mi, 500m.',
    primitive: { type: 'string', v3OneOf: ['string', 'number'] },
  },
  {
    name: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    description: 'IntOrString holds either an int32 or a string, e.g. a port number or a port name.',
    primitive: { type: 'string', format: 'int-or-string', v3OneOf: ['integer', 'string'] },
  },
  {
    name: `${META}.Time`,
    description: 'Time is a timestamp in RFC 3339 form with a precision of seconds.',
    primitive: { type: 'string', format: 'date-time' },
  },
  {
    name: `${META}.MicroTime`,
    description: 'MicroTime is a timestamp in RFC 3339 form with a precision of microseconds.',
    primitive: { type: 'string', format: 'date-time' },
  },
  {
    name: `${META}.FieldsV1`,
    description: 'FieldsV1 stores a set of fields in a trie-like JSON structure.',
    primitive: { type: 'object' },
  },
  {
    name: `${META}.Patch`,
    description: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
    primitive: { type: 'object' },
  },
  {
    name: `${META}.ObjectMeta`,
    description: 'ObjectMeta is metadata that all persisted resources must have.',
    properties: {
      annotations: ['map[string]', 'Unstructured key/value data stored with the object, not queryable.'],
      creationTimestamp: ['Time', 'When the object was created; set by the server, read-only.'],
      deletionGracePeriodSeconds: ['int64', 'Seconds allowed for graceful termination; read-only.'],
      deletionTimestamp: ['Time', 'When the object will be deleted; set by the server, read-only.'],
      finalizers: [
        '[]string',
        'Must be empty before the object is deleted from the registry.',
        { strategy: 'merge', listType: 'set' },
      ],
      generateName: ['string', 'Prefix the server uses to generate a unique name when name is empty.'],
      generation: ['int64', 'Sequence number of a specific generation of the desired state; read-only.'],
      labels: ['map[string]', 'Key/value pairs used to organize and select objects.'],
      managedFields: ['[]ManagedFieldsEntry', 'Which field manager manages which fields; internal.'],
      name: ['string', 'Name unique within a namespace; required when creating most resources.'],
      namespace: ['string', 'The namespace the object belongs to; empty means "default" or none.'],
      ownerReferences: [
        '[]OwnerReference',
        'Objects this object depends on; it is garbage collected when they are all gone.',
        { key: 'uid', strategy: 'merge', listType: 'map', mapKeys: ['uid'] },
      ],
      resourceVersion: ['string', 'Opaque version of the object, used for concurrency control.'],
      selfLink: ['string', 'Deprecated; not set by the server.'],
      uid: ['string', 'Unique identifier over time and space; set by the server, read-only.'],
    },
  },
  {
    name: `${META}.ListMeta`,
    description: 'ListMeta describes metadata that synthetic resources must have, including lists.',
    properties: {
      continue: ['string', 'Token for retrieving the next page of a limited list.'],
      remainingItemCount: ['int64', 'Number of items after this page; an estimate.'],
      resourceVersion: ['string', 'Resource version of the list, for watching from it.'],
      selfLink: ['string', 'Deprecated; not set by the server.'],
    },
  },
  {
    name: `${META}.OwnerReference`,
    description: 'OwnerReference identifies an owning object in the same namespace.',
    required: ['apiVersion', 'kind', 'name', 'uid'],
    extensions: { 'x-kubernetes-map-type': 'atomic' },
    properties: {
      apiVersion: ['string', 'API version of the referent.'],
      blockOwnerDeletion: ['boolean', 'If true, the owner cannot be deleted before this object is.'],
      controller: ['boolean', 'If true, this reference points to the managing controller.'],
      kind: ['string', 'Kind of the referent.'],
      name: ['string', 'Name of the referent.'],
      uid: ['string', 'UID of the referent.'],
    },
  },
  {
    name: `${META}.ManagedFieldsEntry`,
    description: 'ManagedFieldsEntry records the fields a workflow (field manager) owns.',
    properties: {
      apiVersion: ['string', 'Version of the resource the field set applies to.'],
      fieldsType: ['string', 'Format of fieldsV1; only "FieldsV1".'],
      fieldsV1: ['FieldsV1', 'The set of fields.'],
      manager: ['string', 'Name of the workflow managing these fields.'],
      operation: ['string', 'Apply or Update.'],
      subresource: ['string', 'Subresource the object was updated through, if any.'],
      time: ['Time', 'When the fields were last changed.'],
    },
  },
  {
    name: `${META}.LabelSelector`,
    description: 'A label selector: matchLabels and matchExpressions, ANDed. Empty selects everything.',
    extensions: { 'x-kubernetes-map-type': 'atomic' },
    properties: {
      matchExpressions: [
        '[]LabelSelectorRequirement',
        'Label selector requirements, ANDed.',
        { listType: 'atomic' },
      ],
      matchLabels: ['map[string]', 'Map of {key,value} pairs, each an "In" requirement.'],
    },
  },
  {
    name: `${META}.LabelSelectorRequirement`,
    description: 'A selector requirement: a key, an operator and values.',
    required: ['key', 'operator'],
    properties: {
      key: ['string', 'The label key the selector applies to.', { key: 'key', strategy: 'merge' }],
      operator: ['string', 'In, NotIn, Exists or DoesNotExist.'],
      values: [
        '[]string',
        'Values for In/NotIn; must be empty for Exists/DoesNotExist.',
        { listType: 'atomic' },
      ],
    },
  },
  {
    name: `${META}.Condition`,
    description: 'Condition contains details for one aspect of the current state of an API resource.',
    required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'],
    properties: {
      lastTransitionTime: ['Time', 'When the condition last changed status.'],
      message: ['string', 'Human-readable details about the transition.'],
      observedGeneration: ['int64', 'The .metadata.generation the condition was set from.'],
      reason: ['string', 'CamelCase reason for the last transition.'],
      status: ['string', 'True, False or Unknown.', { enum: ['False', 'True', 'Unknown'] }],
      type: ['string', 'Type of condition in CamelCase.'],
    },
  },
  {
    name: `${META}.Status`,
    description: 'Status is a return value for calls that do not return other objects.',
    gvk: [{ group: '', version: 'v1', kind: 'Status' }],
    properties: {
      apiVersion: ['string', API_VERSION_DOC],
      code: ['int32', 'Suggested HTTP return code, 0 if not set.'],
      details: ['StatusDetails', 'Extended data associated with the reason.'],
      kind: ['string', KIND_DOC],
      message: ['string', 'Human-readable description of the status.'],
      metadata: ['ListMeta', 'Standard list metadata.'],
      reason: ['string', 'Machine-readable reason the operation is in the Failure status.'],
      status: ['string', 'Success or Failure.'],
    },
  },
  {
    name: `${META}.StatusDetails`,
    description: 'Extended data a server may return with a Status.',
    properties: {
      causes: [
        '[]StatusCause',
        'Extended cause information, e.g. the invalid fields.',
        { listType: 'atomic' },
      ],
      group: ['string', 'Group of the resource the status is about.'],
      kind: ['string', 'Kind of the resource the status is about.'],
      name: ['string', 'Name of the resource the status is about.'],
      retryAfterSeconds: ['int32', 'Seconds to wait before retrying, if the operation may be retried.'],
      uid: ['string', 'UID of the resource the status is about.'],
    },
  },
  {
    name: `${META}.StatusCause`,
    description: 'More information about a failure, e.g. one invalid field.',
    properties: {
      field: ['string', 'The field that caused the error, as a JSON path.'],
      message: ['string', 'Human-readable description of the cause.'],
      reason: ['string', 'Machine-readable description of the cause.'],
    },
  },
  {
    name: `${META}.DeleteOptions`,
    description: 'DeleteOptions may be provided when deleting an API object.',
    properties: {
      apiVersion: ['string', API_VERSION_DOC],
      dryRun: ['[]string', 'When present, modifications are not persisted ("All").', { listType: 'atomic' }],
      gracePeriodSeconds: ['int64', 'Seconds before the object should be deleted.'],
      kind: ['string', KIND_DOC],
      orphanDependents: ['boolean', 'Deprecated: use propagationPolicy.'],
      preconditions: ['Preconditions', 'Must be fulfilled before the deletion is carried out.'],
      propagationPolicy: ['string', 'Orphan, Background or Foreground.'],
    },
  },
  {
    name: `${META}.Preconditions`,
    description: 'Preconditions that must be fulfilled before an operation is carried out.',
    properties: {
      resourceVersion: ['string', 'The target resource version.'],
      uid: ['string', 'The target UID.'],
    },
  },
  {
    name: `${META}.WatchEvent`,
    description: 'Event represents a single event to a watched resource.',
    required: ['type', 'object'],
    properties: {
      object: [
        'object',
        'The object: the new state for ADDED/MODIFIED, the last state for DELETED, a Status for ERROR.',
      ],
      type: ['string', 'ADDED, MODIFIED, DELETED, BOOKMARK or ERROR.'],
    },
  },
];
