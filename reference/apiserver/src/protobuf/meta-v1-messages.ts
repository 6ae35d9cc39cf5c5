// Field tables for k8s.io/apimachinery: the runtime.Unknown envelope, meta/v1 object metadata and
// DeleteOptions, and the wire forms of the types that serialise specially in JSON (Time,
// IntOrString, Quantity, FieldsV1). Row grammar: field-table.ts.

/** k8s.io/apimachinery/pkg/runtime/generated.proto */
export const RUNTIME_MESSAGES = {
  Unknown: ['1 typeMeta TypeMeta', '2 raw []byte', '3 contentEncoding string', '4 contentType string'],
  TypeMeta: ['1 apiVersion string', '2 kind string'],
};

/** The wire messages behind SpecialType values (meta/v1 Timestamp, intstr, resource, FieldsV1). */
export const SPECIAL_WIRE_MESSAGES = {
  Timestamp: ['1 seconds int64', '2 nanos int32'],
  IntOrStringWire: ['1 type int64', '2 intVal int32', '3 strVal string'],
  QuantityWire: ['1 string string'],
  FieldsV1Wire: ['1 Raw []byte'],
};

/** k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto */
export const META_V1_MESSAGES = {
  ObjectMeta: [
    '1 name string',
    '2 generateName string',
    '3 namespace string',
    '4 selfLink string',
    '5 uid string',
    '6 resourceVersion string',
    '7 generation int64',
    '8 creationTimestamp Time',
    '9 deletionTimestamp *Time',
    '10 deletionGracePeriodSeconds *int64',
    '11 labels map[string]string',
    '12 annotations map[string]string',
    '13 ownerReferences []OwnerReference',
    '14 finalizers []string',
    '17 managedFields []ManagedFieldsEntry',
  ],
  OwnerReference: [
    '5 apiVersion string always',
    '1 kind string always',
    '3 name string always',
    '4 uid string always',
    '6 controller *bool',
    '7 blockOwnerDeletion *bool',
  ],
  ManagedFieldsEntry: [
    '1 manager string',
    '2 operation string',
    '3 apiVersion string',
    '4 time *Time',
    '6 fieldsType string',
    '7 fieldsV1 *FieldsV1',
    '8 subresource string',
  ],
  DeleteOptions: [
    '1 gracePeriodSeconds *int64',
    '2 preconditions *Preconditions',
    '3 orphanDependents *bool',
    '4 propagationPolicy *string',
    '5 dryRun []string',
    '6 ignoreStoreReadErrorWithClusterBreakingPotential *bool',
  ],
  Preconditions: ['1 uid *string', '2 resourceVersion *string'],
  LabelSelector: ['1 matchLabels map[string]string', '2 matchExpressions []LabelSelectorRequirement'],
  LabelSelectorRequirement: ['1 key string always', '2 operator string always', '3 values []string'],
};
