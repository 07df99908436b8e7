import { Client } from '@temporalio/client';
import { Worker, type NativeConnection } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { ConfigWith } from '../config';
import type { PlatformClient } from '../platform';
import { dataConverterFor } from '../temporal/codec';

export interface WorkerDeps {
  connection: NativeConnection;
  /** Without codec keys no worker runs: every payload it writes is encrypted. */
  config: ConfigWith<'CODEC_KEYS'>;
  platform: PlatformClient;
}

/** Workflow interceptors the worker bundles with the workflows: the end of every workflow is counted. */
export const workflowInterceptorModules = [require.resolve('../workflows/interceptors')];

/** The portflow worker: every workflow in src/workflows and the activities they call. */
export function createWorker({ connection, config, platform }: WorkerDeps): Promise<Worker> {
  // Hold activities talk to Temporal through the worker's own connection.
  const dataConverter = dataConverterFor(config.CODEC_KEYS);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    dataConverter,
    // Resolves to workflows/index.ts under test and to dist/workflows/index.js when built.
    workflowsPath: require.resolve('../workflows'),
    interceptors: { workflowModules: workflowInterceptorModules },
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    activities: createActivities({
      config,
      platform,
      temporal,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
    }),
  });
}
