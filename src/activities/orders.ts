import { NOT_ORDERED, type OrderedNumber, type OrderResult } from '../domain';
import type { PlatformClient } from '../platform';
import { callPlatform } from './failures';

export interface OrderBatchInput {
  partitionId: string;
  accountId: string;
  tollFree: boolean;
  /** At most 100 numbers; a toll-free batch holds exactly one. */
  telephoneNumbers: string[];
  /** The same on every retry of this batch, so the platform orders its numbers once. */
  idempotencyKey: string;
}

export interface OrderBatchResult {
  platformOrderId: string;
  /** One outcome per number of the batch, in the batch's order. */
  telephoneNumbers: OrderedNumber[];
}

export function createOrderActivities({ platform }: { platform: PlatformClient }) {
  return {
    /**
     * One platform order. A refusal fails for good (type PlatformRejected) and an outage is
     * retried by Temporal with the same idempotency key.
     */
    async orderBatch(input: OrderBatchInput): Promise<OrderBatchResult> {
      const { partitionId, accountId, telephoneNumbers, idempotencyKey } = input;
      // The platform orders toll-free numbers one at a time: a toll-free batch holds one.
      const [first] = telephoneNumbers;
      const answer: OrderResult = await callPlatform(() =>
        input.tollFree && first !== undefined
          ? platform.orderTollFree(
              partitionId,
              { telephoneNumber: first, accountId },
              { idempotencyKey },
            )
          : platform.orderNumbers(partitionId, { telephoneNumbers, accountId }, { idempotencyKey }),
      );
      const outcomeOf = new Map(answer.telephoneNumbers.map((n) => [n.telephoneNumber, n]));
      return {
        platformOrderId: answer.orderId,
        telephoneNumbers: telephoneNumbers.map(
          (telephoneNumber) =>
            outcomeOf.get(telephoneNumber) ?? {
              telephoneNumber,
              status: NOT_ORDERED,
              reason: `the platform's order ${answer.orderId} did not mention this number`,
            },
        ),
      };
    },
  };
}
