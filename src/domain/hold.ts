/*
 * A number is held by at most one open operation. Zod-free: workflow code imports it.
 */

/** What holds a number: a port or a release for as long as it runs, an assignment or update for one call. */
export type HoldOperation = 'PORT' | 'RELEASE' | 'ASSIGN' | 'UPDATE';

/** The operations that may hold a number while their workflow runs. */
export const WORKFLOW_HOLD_OPERATIONS: readonly HoldOperation[] = ['PORT', 'RELEASE'];

export interface NumberHold {
  /** The workflow ID of the operation that holds the number, or the ID of one API call. */
  holder: string;
  operation: HoldOperation;
  since: string;
}

/** A number some other operation holds, as the one refused is told. */
export interface BusyNumber {
  telephoneNumber: string;
  heldBy: NumberHold;
}

/** The workflow whose ID is the hold of one number in a partition: the server lets one run at a time. */
export function numberHoldWorkflowId(partitionId: string, telephoneNumber: string): string {
  return `number-${partitionId}-${telephoneNumber}`;
}
