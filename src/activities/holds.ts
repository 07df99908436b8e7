import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { HoldOperation } from '../domain/hold';
import { numberHolds, type HoldResult } from '../temporal/number-holds';
import { heartbeatUnlessLocal } from './concurrency';

export interface HoldDeps {
  temporal: Client;
  taskQueue: string;
}

export function createHoldActivities({ temporal, taskQueue }: HoldDeps) {
  const holds = numberHolds({ client: temporal, taskQueue, onProgress: heartbeatUnlessLocal });
  return {
    /** A large port's own admission: holds its numbers (those it can, with `partial`). */
    async holdNumbers(input: {
      partitionId: string;
      telephoneNumbers: string[];
      holder: string;
      operation: HoldOperation;
      since: string;
      partial: boolean;
    }): Promise<HoldResult> {
      const { partitionId, telephoneNumbers, holder, operation, since, partial } = input;
      return holds.holdAll(
        partitionId,
        telephoneNumbers,
        { holder, operation, since },
        { partial },
      );
    },

    async releaseNumberHolds(input: {
      partitionId: string;
      telephoneNumbers: string[];
      holder: string;
    }): Promise<void> {
      await holds.releaseAll(input.partitionId, input.telephoneNumbers, input.holder);
    },

    /** Whether a workflow still runs: a number held by a closed workflow is free again. */
    async isWorkflowOpen({ workflowId }: { workflowId: string }): Promise<boolean> {
      try {
        const description = await temporal.workflow.getHandle(workflowId).describe();
        return description.status.name === 'RUNNING';
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return false;
        throw error;
      }
    },
  };
}
