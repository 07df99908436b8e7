import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { PlatformClient } from '../platform';
import { createHoldActivities } from './holds';
import { createNumberActivities } from './numbers';
import { createOrderActivities } from './orders';
import { createPortActivities } from './ports';
import { createWebhookActivities } from './webhooks';

/** What activities may use; tests pass fakes of the same shape. */
export interface ActivityDeps {
  config: Config;
  platform: PlatformClient;
  temporal: Client;
  taskQueue: string;
}

/** Every side effect a workflow can ask for; the worker registers what this returns. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createHoldActivities(deps),
    ...createNumberActivities(deps),
    ...createOrderActivities(deps),
    ...createPortActivities(deps),
    ...createWebhookActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
