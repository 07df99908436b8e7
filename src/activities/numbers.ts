import { ApplicationFailure } from '@temporalio/common';
import { assignmentTargetOf, type NumberDetails, type NumberUpdate } from '../domain';
import { PlatformNotFoundError, type PlatformClient } from '../platform';
import { PLATFORM_REJECTED } from '../domain/platform-failures';
import { asActivityFailure, callPlatform } from './failures';

export interface NumberRef {
  partitionId: string;
  telephoneNumber: string;
}

/** The steps of a release, each one platform call that is safe to repeat. */
export function createNumberActivities({ platform }: { platform: PlatformClient }) {
  const update = ({ partitionId, telephoneNumber }: NumberRef, change: NumberUpdate) =>
    callPlatform(() => platform.updateNumber(partitionId, telephoneNumber, change));

  return {
    async readNumber({ partitionId, telephoneNumber }: NumberRef): Promise<NumberDetails> {
      return callPlatform(() => platform.getNumber(partitionId, telephoneNumber));
    },

    /** Unassigns the number from wherever it is assigned now; answers what it removed. */
    async removeAssignments({ partitionId, telephoneNumber }: NumberRef): Promise<string[]> {
      const details = await callPlatform(() => platform.getNumber(partitionId, telephoneNumber));
      if (details.assignedTo === null || details.accountId === null) return [];
      const target = assignmentTargetOf(details);
      if (!target) {
        throw ApplicationFailure.create({
          type: PLATFORM_REJECTED,
          message: `cannot tell where ${telephoneNumber} is assigned: ${details.assignmentType} ${details.assignedTo}`,
          nonRetryable: true,
        });
      }
      const { accountId } = details;
      await callPlatform(() => platform.unassign(partitionId, accountId, target, telephoneNumber));
      return [`assignment to ${details.assignmentType} ${details.assignedTo}`];
    },

    async clearE911(number: NumberRef): Promise<void> {
      await update(number, { e911Address: null });
    },

    /** The listing and the caller ID name go together: both publish the number's owner. */
    async removeDirectoryListing(number: NumberRef): Promise<void> {
      await update(number, { directoryListing: { listed: false }, callerIdName: null });
    },

    /** Keeps a number being given up in its account (Alianza: recovered from COOLDOWN). */
    async reclaimNumber({ partitionId, telephoneNumber }: NumberRef): Promise<NumberDetails> {
      return callPlatform(() => platform.reclaimNumber(partitionId, telephoneNumber));
    },

    /** Gives the number back to the platform's inventory; one the platform no longer holds is gone already. */
    async releaseToInventory(
      input: NumberRef & { idempotencyKey: string },
    ): Promise<{ alreadyReleased: boolean }> {
      try {
        await platform.releaseNumber(input.partitionId, input.telephoneNumber, {
          idempotencyKey: input.idempotencyKey,
        });
        return { alreadyReleased: false };
      } catch (error) {
        if (error instanceof PlatformNotFoundError) return { alreadyReleased: true };
        throw asActivityFailure(error);
      }
    },
  };
}
