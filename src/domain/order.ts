import { z } from 'zod';
import { accountId, orderedNumber } from './numbers';
import { ORDER_STATUSES } from './order-status';

export {
  NOT_ORDERED,
  NOT_YET_ORDERED,
  ORDERED,
  ORDER_STATUSES,
  finalOrderStatus,
  type OrderStatus,
} from './order-status';

export const orderStatus = z.enum(ORDER_STATUSES);

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
