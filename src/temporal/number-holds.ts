import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  type Client,
} from '@temporalio/client';
import { mapConcurrently } from '../domain/concurrency';
import {
  WORKFLOW_HOLD_OPERATIONS,
  numberHoldWorkflowId,
  type BusyNumber,
  type NumberHold,
} from '../domain/hold';
import { PartitionIdKey, TelephoneNumbersKey } from './search-attribute-keys';

/**
 * A number's hold is a `numberHold` workflow whose ID names the number: it is started with
 * conflict policy FAIL, so of concurrent requests the server lets exactly one start it, and
 * with a start delay far beyond any operation, so it never takes a worker task while held.
 * The holder terminates it when done. Taking or giving back a hold costs one call each.
 */
export const HOLD_START_DELAY = '3650 days';

/**
 * A hold whose holder has not started (yet), or an assignment's hold, counts for this long: an
 * API request between its hold and its workflow start takes far less; one that died meanwhile
 * leaves the number busy no longer than this.
 */
export const HOLD_GRACE_MS = 60_000;

export const NUMBER_HOLD_WORKFLOW_TYPE = 'numberHold';

export type HoldResult = { held: true } | { held: false; busy: BusyNumber[] };

export interface HoldOptions {
  /** Keep the numbers taken when others are busy (a port with allowPartial): by default none are kept. */
  partial?: boolean;
}

export interface NumberHolds {
  /** Holds every number for `hold.holder`, or none: when one is busy, the ones taken are let go. */
  holdAll(
    partitionId: string,
    telephoneNumbers: string[],
    hold: NumberHold,
    options?: HoldOptions,
  ): Promise<HoldResult>;
  /** Gives back numbers `holder` holds: only its holder calls it, with numbers it holds. */
  releaseAll(partitionId: string, telephoneNumbers: string[], holder: string): Promise<void>;
  /** The hold of a number that still counts, or undefined when the number is free. */
  holdOf(partitionId: string, telephoneNumber: string): Promise<NumberHold | undefined>;
}

export interface NumberHoldsOptions {
  client: Client;
  taskQueue: string;
  /** How many numbers are held or given back at once. */
  concurrency?: number;
  /** Called as each batch of numbers is done: an activity heartbeats. */
  onProgress?: () => void;
}

export function numberHolds({
  client,
  taskQueue,
  concurrency = 32,
  onProgress,
}: NumberHoldsOptions): NumberHolds {
  const handleOf = (partitionId: string, telephoneNumber: string) =>
    client.workflow.getHandle(numberHoldWorkflowId(partitionId, telephoneNumber));

  /** The running hold of a number and its run, or undefined when none runs. */
  async function currentHold(partitionId: string, telephoneNumber: string) {
    try {
      const description = await handleOf(partitionId, telephoneNumber).describe();
      if (description.status.name !== 'RUNNING') return undefined;
      return { hold: description.memo?.hold as NumberHold, runId: description.runId };
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  /** Whether a hold still counts: its holder runs, or it is too young to tell. */
  async function counts(hold: NumberHold): Promise<boolean> {
    const young = Date.now() - Date.parse(hold.since) < HOLD_GRACE_MS;
    if (!WORKFLOW_HOLD_OPERATIONS.includes(hold.operation)) return young;
    try {
      const holder = await client.workflow.getHandle(hold.holder).describe();
      return holder.status.name === 'RUNNING';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return young;
      throw error;
    }
  }

  async function holdOne(
    partitionId: string,
    telephoneNumber: string,
    hold: NumberHold,
  ): Promise<BusyNumber | undefined> {
    for (;;) {
      try {
        await client.workflow.start(NUMBER_HOLD_WORKFLOW_TYPE, {
          workflowId: numberHoldWorkflowId(partitionId, telephoneNumber),
          taskQueue,
          args: [hold],
          workflowIdConflictPolicy: 'FAIL',
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          startDelay: HOLD_START_DELAY,
          memo: { hold },
          typedSearchAttributes: [
            { key: PartitionIdKey, value: partitionId },
            { key: TelephoneNumbersKey, value: [telephoneNumber] },
          ],
          staticSummary: `${telephoneNumber} held by ${hold.operation.toLowerCase()} ${hold.holder}`,
        });
        return undefined;
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      const current = await currentHold(partitionId, telephoneNumber);
      // Given back meanwhile: try again.
      if (!current) continue;
      // A retry of the request that holds it.
      if (current.hold.holder === hold.holder) return undefined;
      if (await counts(current.hold)) return { telephoneNumber, heldBy: current.hold };
      // Its holder ended without giving it back (an operator terminated it): the number is free.
      await terminate(
        partitionId,
        telephoneNumber,
        `holder ${current.hold.holder} has ended`,
        current.runId,
      );
    }
  }

  async function terminate(
    partitionId: string,
    telephoneNumber: string,
    reason: string,
    runId?: string,
  ): Promise<void> {
    try {
      const id = numberHoldWorkflowId(partitionId, telephoneNumber);
      await client.workflow.getHandle(id, runId).terminate(reason);
    } catch (error) {
      // Given back already.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }

  const forEach = <T, R>(items: T[], work: (item: T) => Promise<R>) =>
    mapConcurrently(items, concurrency, async (item, index) => {
      if (index % concurrency === 0) onProgress?.();
      return work(item);
    });

  return {
    async holdAll(partitionId, telephoneNumbers, hold, { partial = false } = {}) {
      const outcomes = await forEach(telephoneNumbers, (number) =>
        holdOne(partitionId, number, hold),
      );
      const busy = outcomes.filter((outcome): outcome is BusyNumber => outcome !== undefined);
      if (busy.length === 0) return { held: true };
      if (partial) return { held: false, busy };
      const taken = telephoneNumbers.filter((_, index) => outcomes[index] === undefined);
      await forEach(taken, (number) =>
        terminate(partitionId, number, `${hold.holder} did not get every number`),
      );
      return { held: false, busy };
    },

    async releaseAll(partitionId, telephoneNumbers, holder) {
      // While its holder runs nobody else can take a hold, so it is its holder's to end.
      await forEach(telephoneNumbers, (number) =>
        terminate(partitionId, number, `given back by ${holder}`),
      );
    },

    async holdOf(partitionId, telephoneNumber) {
      const current = await currentHold(partitionId, telephoneNumber);
      if (!current || !(await counts(current.hold))) return undefined;
      return current.hold;
    },
  };
}
