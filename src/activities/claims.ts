import { WithStartWorkflowOperation, WorkflowNotFoundError, type Client } from '@temporalio/client';
import {
  claimNumberUpdate,
  numberClaimWorkflowId,
  releaseClaimUpdate,
  type ClaimOperation,
  type NumberClaim,
} from '../workflows/definitions';
import type { numberClaim } from '../workflows/number-claim';
import { heartbeatUnlessLocal, mapConcurrently } from './concurrency';

export interface ClaimDeps {
  temporal: Client;
  taskQueue: string;
}

export interface ClaimNumbersInput {
  partitionId: string;
  telephoneNumbers: string[];
  holder: string;
  operation: ClaimOperation;
}

export type ClaimNumbersResult =
  { granted: true } | { granted: false; busy: { telephoneNumber: string; heldBy: NumberClaim }[] };

/** How many number entities are claimed at once. */
const CLAIM_CONCURRENCY = 32;

export function createClaimActivities({ temporal, taskQueue }: ClaimDeps) {
  async function claimOne(
    partitionId: string,
    telephoneNumber: string,
    holder: string,
    operation: ClaimOperation,
  ) {
    return temporal.workflow.executeUpdateWithStart(claimNumberUpdate, {
      args: [{ holder, operation }],
      startWorkflowOperation: new WithStartWorkflowOperation<typeof numberClaim>('numberClaim', {
        workflowId: numberClaimWorkflowId(partitionId, telephoneNumber),
        taskQueue,
        args: [{ partitionId, telephoneNumber }],
        workflowIdConflictPolicy: 'USE_EXISTING',
        staticSummary: `Number ${telephoneNumber} in partition ${partitionId}: one open operation at a time`,
      }),
    });
  }

  async function releaseOne(partitionId: string, telephoneNumber: string, holder: string) {
    try {
      await temporal.workflow
        .getHandle(numberClaimWorkflowId(partitionId, telephoneNumber))
        .executeUpdate(releaseClaimUpdate, { args: [{ holder }] });
    } catch (error) {
      // A number whose entity already closed holds nothing to release.
      if (!(error instanceof WorkflowNotFoundError)) throw error;
    }
  }

  return {
    /** Claims every number for `holder`, or none: when one is busy, the ones taken are let go. */
    async claimNumbers(input: ClaimNumbersInput): Promise<ClaimNumbersResult> {
      const { partitionId, holder, operation } = input;
      const results = await mapConcurrently(
        input.telephoneNumbers,
        CLAIM_CONCURRENCY,
        async (telephoneNumber) => {
          heartbeatUnlessLocal();
          return {
            telephoneNumber,
            result: await claimOne(partitionId, telephoneNumber, holder, operation),
          };
        },
      );
      const busy = results.flatMap(({ telephoneNumber, result }) =>
        result.granted ? [] : [{ telephoneNumber, heldBy: result.heldBy }],
      );
      if (busy.length === 0) return { granted: true };
      const taken = results
        .filter(({ result }) => result.granted)
        .map(({ telephoneNumber }) => telephoneNumber);
      await mapConcurrently(taken, CLAIM_CONCURRENCY, (telephoneNumber) =>
        releaseOne(partitionId, telephoneNumber, holder),
      );
      return { granted: false, busy };
    },

    async releaseNumberClaims(input: {
      partitionId: string;
      telephoneNumbers: string[];
      holder: string;
    }): Promise<void> {
      await mapConcurrently(input.telephoneNumbers, CLAIM_CONCURRENCY, (telephoneNumber) => {
        heartbeatUnlessLocal();
        return releaseOne(input.partitionId, telephoneNumber, input.holder);
      });
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
