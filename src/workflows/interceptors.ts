import {
  ContinueAsNew,
  TemporalFailure,
  isCancellation,
  metricMeter,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';

/** The counter of workflows that ended, exported by the worker's Prometheus endpoint. */
export const WORKFLOW_ENDED_METRIC = 'portflow_workflow_ended';

/** A bounded status word a workflow's result carries (a port's, an order's, a release's), if any. */
function statusOf(result: unknown): string | undefined {
  const status = (result as { status?: unknown } | null | undefined)?.status;
  return typeof status === 'string' && /^[A-Z_]{1,32}$/.test(status) ? status : undefined;
}

/**
 * Counts each workflow execution's end once, by type (added by the SDK), outcome and the status
 * it ended with. The SDK's workflow meter drops what a replay emits, so a worker that replays a
 * history (after a crash or a cache eviction) never counts an end twice. A throw that is not a
 * Temporal failure fails the workflow task, not the workflow: it is retried, so it is not an end.
 */
export const interceptors: WorkflowInterceptorsFactory = () => ({
  inbound: [
    {
      async execute(input, next) {
        const ended = metricMeter.createCounter(
          WORKFLOW_ENDED_METRIC,
          'workflows',
          'Workflow executions that ended, by outcome and result status',
        );
        try {
          const result = await next(input);
          const status = statusOf(result);
          ended.add(1, { outcome: 'completed', ...(status ? { status } : {}) });
          return result;
        } catch (error) {
          if (error instanceof ContinueAsNew) ended.add(1, { outcome: 'continued_as_new' });
          else if (isCancellation(error)) ended.add(1, { outcome: 'cancelled' });
          else if (error instanceof TemporalFailure) ended.add(1, { outcome: 'failed' });
          throw error;
        }
      },
    },
  ],
});
