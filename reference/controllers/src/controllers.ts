// Every controller the controller-manager can run, by upstream's name for it.
import { endpointsController } from './endpoints/endpoints-controller.ts';
import { endpointSliceController } from './endpoints/endpointslice-controller.ts';
import type { ControllerFactory } from './framework/controller.ts';
import { garbageCollector } from './garbage-collector/garbage-collector.ts';
import { namespaceController } from './namespace/namespace-controller.ts';
import { nodeLifecycleController } from './node-lifecycle/node-lifecycle-controller.ts';
import { taintEvictionController } from './node-lifecycle/taint-eviction-controller.ts';
import { podGcController } from './pod-gc/pod-gc-controller.ts';
import { deploymentController } from './deployment/deployment-controller.ts';
import { replicaSetController } from './replication/replica-set-controller.ts';
import { replicationController } from './replication/replication-controller.ts';
import { persistentVolumeBinder } from './volume/pv-controller.ts';
import { pvProtectionController } from './volume/pv-protection-controller.ts';
import { pvcProtectionController } from './volume/pvc-protection-controller.ts';

export const CONTROLLERS: Record<string, ControllerFactory> = {
  replicationcontroller: replicationController,
  replicaset: replicaSetController,
  deployment: deploymentController,
  endpoint: endpointsController,
  endpointslice: endpointSliceController,
  garbagecollector: garbageCollector,
  namespace: namespaceController,
  nodelifecycle: nodeLifecycleController,
  'taint-eviction-controller': taintEvictionController,
  podgc: podGcController,
  'persistentvolume-binder': persistentVolumeBinder,
  'pvc-protection': pvcProtectionController,
  'pv-protection': pvProtectionController,
};
