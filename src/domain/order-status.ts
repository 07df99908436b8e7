/*
 * Order status rules without zod: workflow code imports them, and every module a workflow
 * imports is evaluated again for each workflow execution (the SDK's reusable V8 context).
 */
import type { OrderedNumber } from './numbers';

/** The seed's order statuses, and IN_PROGRESS while portflow is still ordering in batches. */
export const ORDER_STATUSES = ['IN_PROGRESS', 'COMPLETED', 'PARTIAL', 'FAILED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** The platform's word for an ordered number. */
export const ORDERED = 'ACTIVE';
/** portflow's word for a number whose batch has not been answered yet. */
export const NOT_YET_ORDERED = 'PENDING';
/** portflow's word for a number the platform did not order. */
export const NOT_ORDERED = 'FAILED';

/** A finished order's status over its numbers' outcomes: all, some or none ordered. */
export function finalOrderStatus(numbers: readonly OrderedNumber[]): OrderStatus {
  const ordered = numbers.filter((number) => number.status === ORDERED).length;
  if (ordered === numbers.length) return 'COMPLETED';
  return ordered > 0 ? 'PARTIAL' : 'FAILED';
}
