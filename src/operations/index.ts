import type { OperationDeps } from './deps';
import { numbers } from './numbers';
import { orders } from './orders';
import { portOperations } from './ports';
import { releases } from './releases';

/** Every operation the API offers, each owning its part end to end; no Fastify here. */
export function createOperations(deps: OperationDeps) {
  return {
    ports: portOperations(deps),
    orders: orders({ ...deps, onStarted: () => deps.workflowStarted('orderNumbers') }),
    releases: releases({ ...deps, onStarted: () => deps.workflowStarted('releaseNumber') }),
    numbers: numbers(deps),
  };
}

export type Operations = ReturnType<typeof createOperations>;
export type { OperationDeps } from './deps';
