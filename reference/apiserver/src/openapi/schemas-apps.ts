// apps/v1 Deployment and ReplicaSet (k8s.io/api/apps/v1 types.go), with their specs, statuses,
// strategies and conditions. The pod template, label selector and Scale are shared definitions.
import type { TypeDef } from './schema-model.ts';
import { kindHeader } from './schema-model.ts';

const APPS = 'io.k8s.api.apps.v1';
const CONDITION_STATUS = { enum: ['False', 'True', 'Unknown'] };
const CONDITIONS = { key: 'type', strategy: 'merge', listType: 'map', mapKeys: ['type'] };

const condition = (kind: string, example: string): TypeDef => ({
  name: `${APPS}.${kind}Condition`,
  description: `The state of a ${kind === 'Deployment' ? 'deployment' : 'replica set'} at a point in time.`,
  required: ['type', 'status'],
  properties: {
    lastTransitionTime: ['Time', 'When the condition last changed status.'],
    ...(kind === 'Deployment'
      ? { lastUpdateTime: ['Time', 'The last time this condition was updated.'] }
      : {}),
    message: ['string', 'Human-readable details.'],
    reason: ['string', 'CamelCase reason for the last transition.'],
    status: ['string', 'True, False or Unknown.', CONDITION_STATUS],
    type: ['string', `Type of the condition, e.g. ${example}.`],
  },
});

export const APPS_SCHEMAS: TypeDef[] = [
  {
    name: `${APPS}.Deployment`,
    description: 'Deployment enables declarative updates for Pods and ReplicaSets.',
    properties: {
      ...kindHeader(),
      spec: [`${APPS}.DeploymentSpec`, 'Specification of the desired behavior of the Deployment.'],
      status: [`${APPS}.DeploymentStatus`, 'Most recently observed status of the Deployment; read-only.'],
    },
  },
  {
    name: `${APPS}.DeploymentSpec`,
    description: 'The specification of the desired behavior of the Deployment.',
    required: ['selector', 'template'],
    properties: {
      minReadySeconds: ['int32', 'Seconds a new pod must be ready, without crashing, to count as available.'],
      paused: ['boolean', 'Indicates that the deployment is paused.'],
      progressDeadlineSeconds: [
        'int32',
        'Seconds for the deployment to make progress before it is considered failed; default 600.',
      ],
      replicas: ['int32', 'Number of desired pods; default 1.'],
      revisionHistoryLimit: ['int32', 'Number of old ReplicaSets kept to allow rollback; default 10.'],
      selector: ['LabelSelector', "Label selector for pods; must match the pod template's labels."],
      strategy: [
        `${APPS}.DeploymentStrategy`,
        'The deployment strategy used to replace existing pods with new ones.',
        { strategy: 'retainKeys' },
      ],
      template: ['PodTemplateSpec', 'Template describes the pods that will be created.'],
    },
  },
  {
    name: `${APPS}.DeploymentStrategy`,
    description: 'How to replace existing pods with new ones.',
    properties: {
      rollingUpdate: [
        `${APPS}.RollingUpdateDeployment`,
        'Rolling update config params; present only if type is RollingUpdate.',
      ],
      type: [
        'string',
        'Type of deployment: Recreate or RollingUpdate; default RollingUpdate.',
        { enum: ['Recreate', 'RollingUpdate'] },
      ],
    },
  },
  {
    name: `${APPS}.RollingUpdateDeployment`,
    description: 'Spec to control the desired behavior of rolling update.',
    properties: {
      maxSurge: ['IntOrString', 'Maximum pods that can be scheduled above the desired number; default 25%.'],
      maxUnavailable: ['IntOrString', 'Maximum pods that can be unavailable during the update; default 25%.'],
    },
  },
  {
    name: `${APPS}.DeploymentStatus`,
    description: 'The most recently observed status of the Deployment.',
    properties: {
      availableReplicas: ['int32', 'Available pods (ready for at least minReadySeconds).'],
      collisionCount: ['int32', 'Count of hash collisions, used to name the newest ReplicaSet.'],
      conditions: [
        `[]${APPS}.DeploymentCondition`,
        "Latest available observations of the deployment's current state.",
        CONDITIONS,
      ],
      observedGeneration: ['int64', 'The generation observed by the deployment controller.'],
      readyReplicas: ['int32', 'Number of pods with a Ready condition.'],
      replicas: ['int32', 'Total number of non-terminating pods targeted by this deployment.'],
      terminatingReplicas: ['int32', 'Number of terminating pods targeted by this deployment.'],
      unavailableReplicas: ['int32', 'Total number of unavailable pods targeted by this deployment.'],
      updatedReplicas: ['int32', 'Non-terminating pods that have the desired template spec.'],
    },
  },
  condition('Deployment', 'Available'),
  {
    name: `${APPS}.ReplicaSet`,
    description: 'ReplicaSet ensures that a specified number of pod replicas are running at any given time.',
    properties: {
      ...kindHeader(),
      spec: [`${APPS}.ReplicaSetSpec`, 'Spec defines the desired behavior of the ReplicaSet.'],
      status: [`${APPS}.ReplicaSetStatus`, 'The most recently observed status of the ReplicaSet; read-only.'],
    },
  },
  {
    name: `${APPS}.ReplicaSetSpec`,
    description: 'The specification of a ReplicaSet.',
    required: ['selector'],
    properties: {
      minReadySeconds: ['int32', 'Seconds a new pod must be ready, without crashing, to count as available.'],
      replicas: ['int32', 'Number of desired pods; default 1.'],
      selector: ['LabelSelector', 'Label query over pods that should match the replica count.'],
      template: ['PodTemplateSpec', 'The pod created when too few replicas are detected.'],
    },
  },
  {
    name: `${APPS}.ReplicaSetStatus`,
    description: 'The most recently observed status of a ReplicaSet.',
    required: ['replicas'],
    properties: {
      availableReplicas: ['int32', 'Number of available pods (ready for at least minReadySeconds).'],
      conditions: [
        `[]${APPS}.ReplicaSetCondition`,
        "Latest available observations of a replica set's current state.",
        CONDITIONS,
      ],
      fullyLabeledReplicas: ['int32', 'Number of pods whose labels match the template.'],
      observedGeneration: ['int64', 'Most recent generation observed by the controller.'],
      readyReplicas: ['int32', 'Number of pods with a Ready condition.'],
      replicas: ['int32', 'Most recently observed number of non-terminating pods.'],
      terminatingReplicas: ['int32', 'Number of terminating pods of this replica set.'],
    },
  },
  condition('ReplicaSet', 'ReplicaFailure'),
];
