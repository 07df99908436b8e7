import { z } from 'zod';
import { accountId, orderedNumber, type OrderedNumber } from './numbers';

/** The seed's order statuses, and IN_PROGRESS while portflow is still ordering in batches. */
export const ORDER_STATUSES = ['IN_PROGRESS', 'COMPLETED', 'PARTIAL', 'FAILED'] as const;
export const orderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.output<typeof orderStatus>;

/** The platform's word for an ordered number. */
export const ORDERED = 'ACTIVE';
/** portflow's word for a number whose batch has not been answered yet. */
export const NOT_YET_ORDERED = 'PENDING';
/** portflow's word for a number the platform did not order. */
export const NOT_ORDERED = 'FAILED';

/**
 * Where an order stands: the seed's order body (`orderId`, `status`, `telephoneNumbers`)
 * with counts, so a client of a 10,000-number order need not count.
 */
export const orderProgress = z.object({
  orderId: z.string().min(1),
  status: orderStatus,
  accountId,
  total: z.number().int().min(0),
  ordered: z.number().int().min(0),
  failed: z.number().int().min(0),
  /** Every number of the order: ACTIVE, PENDING, or FAILED (or the platform's own word) with a reason. */
  telephoneNumbers: z.array(orderedNumber),
  createdDate: z.string(),
  completedDate: z.string().optional(),
});
export type OrderProgress = z.output<typeof orderProgress>;

/** A finished order's status over its numbers' outcomes: all, some or none ordered. */
export function finalOrderStatus(numbers: readonly OrderedNumber[]): OrderStatus {
  const ordered = numbers.filter((number) => number.status === ORDERED).length;
  if (ordered === numbers.length) return 'COMPLETED';
  return ordered > 0 ? 'PARTIAL' : 'FAILED';
}
