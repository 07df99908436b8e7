import { Worker, type NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { Config } from '../config';
import type { Logger } from '../logger';

export interface WorkerDeps {
  connection: NativeConnection;
  config: Config;
  logger: Logger;
}

/** The portflow worker: every workflow in src/workflows and the activities they call. */
export function createWorker({ connection, config, logger }: WorkerDeps): Promise<Worker> {
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    // Resolves to workflows/index.ts under test and to dist/workflows/index.js when built.
    workflowsPath: require.resolve('../workflows'),
    activities: createActivities({ config, logger }),
  });
}
