import { Client } from '@temporalio/client';
import { Worker, type NativeConnection, type WorkflowBundle } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { ConfigWith } from '../config';
import type { PlatformClient } from '../platform';
import { dataConverterFor } from '../temporal/codec';

export interface WorkerDeps {
  connection: NativeConnection;
  /** Without codec keys no worker runs: every payload it writes is encrypted. */
  config: ConfigWith<'CODEC_KEYS'>;
  platform: PlatformClient;
  /** src/workflows bundled beforehand (tests bundle once per file); by default the worker bundles them. */
  workflowBundle?: WorkflowBundle;
}

/** Workflow interceptors the worker bundles with the workflows: the end of every workflow is counted. */
export const workflowInterceptorModules = [require.resolve('../workflows/interceptors')];

/** The portflow worker: every workflow in src/workflows and the activities they call. */
export function createWorker({
  connection,
  config,
  platform,
  workflowBundle,
}: WorkerDeps): Promise<Worker> {
  // Hold activities talk to Temporal through the worker's own connection.
  const dataConverter = dataConverterFor(config.CODEC_KEYS);
  const temporal = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE, dataConverter });
  return Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    dataConverter,
    ...(workflowBundle
      ? { workflowBundle }
      : {
          // Resolves to workflows/index.ts under test and to dist/workflows/index.js when built.
          workflowsPath: require.resolve('../workflows'),
          interceptors: { workflowModules: workflowInterceptorModules },
        }),
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    activities: createActivities({
      config,
      platform,
      temporal,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
    }),
  });
}
