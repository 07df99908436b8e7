import { Client } from '@temporalio/client';
import {
  Worker,
  type NativeConnection,
  type WorkerTuner,
  type WorkflowBundle,
} from '@temporalio/worker';
import { createActivities } from '../activities';
import type { ConfigWith } from '../config';
import type { PlatformClient } from '../platform';
import { dataConverterFor } from '../temporal/codec';
import { yieldingSlots, type Admissions } from './yielding-slots';

export interface WorkerDeps {
  connection: NativeConnection;
  /** Without codec keys no worker runs: every payload it writes is encrypted. */
  config: ConfigWith<'CODEC_KEYS'>;
  platform: PlatformClient;
  /** src/workflows bundled beforehand (tests bundle once per file); by default the worker bundles them. */
  workflowBundle?: WorkflowBundle;
  /** The API's admissions in the same process (embedded mode): the worker lets them go first. */
  yieldTo?: Admissions;
}

/** Workflow interceptors the worker bundles with the workflows: the end of every workflow is counted. */
export const workflowInterceptorModules = [require.resolve('../workflows/interceptors')];

/** The portflow worker: every workflow in src/workflows and the activities they call. */
export function createWorker({
  connection,
  config,
  platform,
  workflowBundle,
  yieldTo,
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
    ...(yieldTo && { tuner: yieldingTuner(yieldTo) }),
    activities: createActivities({
      config,
      platform,
      temporal,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
    }),
  });
}

/**
 * The SDK's default slot counts (40 workflow tasks, 100 activities, 100 local activities). While
 * admissions flow, and for half a second after the last, one workflow task and one activity go
 * on at a time, at most ten of each a second: measured at 50 ports a second in embedded mode
 * (BENCHMARKS.md), the admissions then answer within 3 × a bare start while every port goes on.
 */
function yieldingTuner(admissions: Admissions): WorkerTuner {
  const whileAdmitting = { whileBusy: 1, quietMs: 500, minGapMs: 100 };
  return {
    workflowTaskSlotSupplier: yieldingSlots(admissions, { maxSlots: 40, ...whileAdmitting }),
    activityTaskSlotSupplier: yieldingSlots(admissions, { maxSlots: 100, ...whileAdmitting }),
    localActivityTaskSlotSupplier: { type: 'fixed-size', numSlots: 100 },
    nexusTaskSlotSupplier: { type: 'fixed-size', numSlots: 1 },
  };
}
