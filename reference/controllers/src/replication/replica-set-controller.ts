// The ReplicaSet controller: the replica manager run for apps/v1 ReplicaSets.
import type { Controller, ControllerContext } from '../framework/controller.ts';
import { REPLICA_SET_KIND } from './replica-kinds.ts';
import { ReplicaManager } from './replica-manager.ts';

export const replicaSetController = (ctx: ControllerContext): Controller =>
  new ReplicaManager(ctx, REPLICA_SET_KIND);
