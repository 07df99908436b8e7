/** Bare Temporal baselines: what the plain SDK costs with no portflow code in the way. */
import {
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
} from '@temporalio/workflow';
import type * as activities from './activities';

const { noop } = proxyActivities<typeof activities>({ startToCloseTimeout: '30 seconds' });

export const bareStateQuery = defineQuery<{ status: string }>('state');
export const bareDoneSignal = defineSignal('done');
/** Answered in the workflow's first task: the floor of a start that waits for the workflow's word. */
export const bareAdmissionUpdate = defineUpdate<{ status: string }>('admission');

/** One no-op activity: the baseline of a workflow from start to completion. */
export async function bareNoop(): Promise<void> {
  await noop();
}

/** Waits, like an open port, answering a query: the baseline of reading a running workflow. */
export async function bareWait(): Promise<void> {
  let done = false;
  setHandler(bareStateQuery, () => ({ status: 'WAITING' }));
  setHandler(bareAdmissionUpdate, () => ({ status: 'WAITING' }));
  setHandler(bareDoneSignal, () => void (done = true));
  await condition(() => done, '1 day');
}
