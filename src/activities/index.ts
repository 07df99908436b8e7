import type { Config } from '../config';
import type { Logger } from '../logger';

/** What activities may use; tests pass fakes of the same shape. */
export interface ActivityDeps {
  config: Config;
  logger: Logger;
}

/** Every side effect a workflow can ask for; the worker registers what this returns. */
export function createActivities(_deps: ActivityDeps) {
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
