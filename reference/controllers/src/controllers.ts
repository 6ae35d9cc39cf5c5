// Every controller the controller-manager can run, by upstream's name for it.
import type { ControllerFactory } from './framework/controller.ts';

export const CONTROLLERS: Record<string, ControllerFactory> = {};
