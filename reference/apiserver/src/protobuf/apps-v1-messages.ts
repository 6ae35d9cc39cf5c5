// Field tables for the apps/v1 objects kubectl's typed commands send (`kubectl create deployment`):
// Deployment and ReplicaSet with their specs and statuses (k8s.io/api apps/v1/generated.proto),
// and core/v1 PodTemplateSpec, which only they carry here. Row grammar: field-table.ts.

export const APPS_V1_MESSAGES = {
  PodTemplateSpec: ['1 metadata ObjectMeta', '2 spec PodSpec'],

  Deployment: ['1 metadata ObjectMeta', '2 spec DeploymentSpec', '3 status DeploymentStatus'],
  DeploymentSpec: [
    '1 replicas *int32',
    '2 selector *LabelSelector',
    '3 template PodTemplateSpec always',
    '4 strategy DeploymentStrategy',
    '5 minReadySeconds int32',
    '6 revisionHistoryLimit *int32',
    '7 paused bool',
    '9 progressDeadlineSeconds *int32',
  ],
  DeploymentStrategy: ['1 type string', '2 rollingUpdate *RollingUpdateDeployment'],
  RollingUpdateDeployment: ['1 maxUnavailable *IntOrString', '2 maxSurge *IntOrString'],
  DeploymentStatus: [
    '1 observedGeneration int64',
    '2 replicas int32',
    '3 updatedReplicas int32',
    '7 readyReplicas int32',
    '4 availableReplicas int32',
    '5 unavailableReplicas int32',
    '9 terminatingReplicas *int32',
    '6 conditions []DeploymentCondition',
    '8 collisionCount *int32',
  ],
  DeploymentCondition: [
    '1 type string always',
    '2 status string always',
    '6 lastUpdateTime Time',
    '7 lastTransitionTime Time',
    '4 reason string',
    '5 message string',
  ],

  ReplicaSet: ['1 metadata ObjectMeta', '2 spec ReplicaSetSpec', '3 status ReplicaSetStatus'],
  ReplicaSetSpec: [
    '1 replicas *int32',
    '4 minReadySeconds int32',
    '2 selector *LabelSelector',
    '3 template PodTemplateSpec',
  ],
  ReplicaSetStatus: [
    '1 replicas int32 always',
    '2 fullyLabeledReplicas int32',
    '4 readyReplicas int32',
    '5 availableReplicas int32',
    '7 terminatingReplicas *int32',
    '3 observedGeneration int64',
    '6 conditions []ReplicaSetCondition',
  ],
  ReplicaSetCondition: [
    '1 type string always',
    '2 status string always',
    '3 lastTransitionTime Time',
    '4 reason string',
    '5 message string',
  ],
};
