import { proxyLocalActivities, sleep } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { LOCAL_RETRIES, type NumberHoldInput } from './definitions';

const { isWorkflowOpen } = proxyLocalActivities<Activities>({
  ...LOCAL_RETRIES,
  startToCloseTimeout: '30 seconds',
});

/**
 * The hold of one number (see src/temporal/number-holds.ts): its ID is the lock and its holder
 * terminates it. It runs only if its start delay of years ran out while held: then it holds on
 * while its holder runs, and ends (freeing the number) once it does not.
 */
export async function numberHold(hold: NumberHoldInput): Promise<void> {
  while (await isWorkflowOpen({ workflowId: hold.holder })) await sleep('30 days');
}
