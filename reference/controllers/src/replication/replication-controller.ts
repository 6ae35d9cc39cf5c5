// The replication controller: the replica manager run for core/v1 ReplicationControllers.
import type { Controller, ControllerContext } from '../framework/controller.ts';
import { REPLICATION_CONTROLLER_KIND } from './replica-kinds.ts';
import { ReplicaManager } from './replica-manager.ts';

export const replicationController = (ctx: ControllerContext): Controller =>
  new ReplicaManager(ctx, REPLICATION_CONTROLLER_KIND);
