import type { OperationDeps } from './deps';
import { numbers } from './numbers';
import { orders } from './orders';
import { portOperations } from './ports';
import { releases } from './releases';
import { webhookEvents } from './webhook-events';

/** Every operation the API offers, each owning its part end to end; no Fastify here. */
export function createOperations(deps: OperationDeps) {
  const events = webhookEvents({
    ...deps,
    onStarted: () => deps.workflowStarted('webhookRedelivery'),
  });
  return {
    ports: portOperations({ ...deps, events }),
    orders: orders({ ...deps, events, onStarted: () => deps.workflowStarted('orderNumbers') }),
    releases: releases({ ...deps, events, onStarted: () => deps.workflowStarted('releaseNumber') }),
    numbers: numbers(deps),
    webhookEvents: events,
  };
}

export type Operations = ReturnType<typeof createOperations>;
export type { OperationDeps } from './deps';
