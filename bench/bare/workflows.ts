/** Bare Temporal baselines: what the plain SDK costs with no portflow code in the way. */
import {
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { PortRequest } from '../../src/domain';
import { assignsNumbers } from '../../src/domain/port-status';
import type { BareActivities } from './activities';

const { noop, checkPortability, submitPort, getPort, activate } = proxyActivities<BareActivities>({
  startToCloseTimeout: '30 seconds',
});

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

/** The carrier moves these no more. */
const CARRIER_FINAL = ['COMPLETED', 'CANCELLED', 'REJECTED'];

export interface BarePortInput {
  partitionId: string;
  request: PortRequest;
  pollIntervalMs: number;
}

/**
 * The upstream calls of a port as plain activities, none of portflow's own work around them:
 * check each number, submit, read the port until the carrier is done, assign each number.
 */
export async function barePort({ partitionId, request, pollIntervalMs }: BarePortInput) {
  const { telephoneNumbers, allowPartial: _allowPartial, activation, ...rest } = request;
  for (const telephoneNumber of telephoneNumbers)
    await checkPortability(partitionId, telephoneNumber);
  const submitted = await submitPort(
    partitionId,
    { telephoneNumbers, ...rest },
    workflowInfo().workflowId,
  );
  // Read at once, as a port does: an immediate carrier has finished by the first read.
  let port = await getPort(partitionId, request.accountId, submitted.portRequestId);
  while (!CARRIER_FINAL.includes(port.status)) {
    await sleep(pollIntervalMs);
    port = await getPort(partitionId, request.accountId, submitted.portRequestId);
  }
  if (port.status === 'COMPLETED' && assignsNumbers(activation)) {
    for (const telephoneNumber of telephoneNumbers)
      await activate(partitionId, request.accountId, telephoneNumber, activation);
  }
  return port.status;
}
