/*
 * Port status rules without zod: workflow code imports them, and every module a workflow
 * imports is evaluated again for each workflow execution (the SDK's reusable V8 context).
 */
import type { PortActivation, PortAssignment, PortNumberOutcome } from './port';

/** The seed's port statuses. */
export const PORT_STATUSES = [
  'PENDING',
  'APPROVED',
  'IN_PROGRESS',
  'COMPLETED',
  'REJECTED',
  'CANCELLED',
] as const;
export type PortStatus = (typeof PORT_STATUSES)[number];

/** The seed allows cancel only before carrier approval. */
export const CANCELLABLE_PORT_STATUSES: readonly PortStatus[] = ['PENDING', 'REJECTED'];

export function isKnownPortStatus(status: string): status is PortStatus {
  return (PORT_STATUSES as readonly string[]).includes(status);
}

/** Where portflow's own work on a port stands (an addition to the seed's status). */
export const PORT_PHASES = [
  /** A large port holds its numbers after it answered 202 (a small one is held before). */
  'ADMITTING',
  'CHECKING',
  'SUBMITTING',
  'AWAITING_CARRIER',
  /** An ON_DEMAND port on its FOC date: the carrier waits for the client's activate. */
  'AWAITING_ACTIVATION',
  'ACTIVATING',
  'AWAITING_SUPPLEMENT',
  'DONE',
] as const;
export type PortPhase = (typeof PORT_PHASES)[number];

const PROGRESS: readonly PortStatus[] = ['PENDING', 'APPROVED', 'IN_PROGRESS', 'COMPLETED'];

/** A number's own outcome when it was never submitted: not portable, or held by another operation. */
export const UNSUBMITTED_NUMBER_STATUSES = ['NOT_PORTABLE', 'NUMBER_BUSY'] as const;
export type UnsubmittedNumberStatus = (typeof UNSUBMITTED_NUMBER_STATUSES)[number];

/**
 * A number the client took out of the port (DELETE .../port/{id}/telephone-number/{n}): it
 * left `telephoneNumbers`, its outcome stays in `numbers` with this status, and it counts no more.
 */
export const REMOVED_NUMBER_STATUS = 'REMOVED';

/** A number's carrier has approved it (or gone further): it can no longer be taken out of the port. */
export const APPROVED_NUMBER_STATUSES: readonly string[] = ['APPROVED', 'IN_PROGRESS', 'COMPLETED'];

/**
 * A port's status from its numbers' own outcomes. Numbers never submitted (NOT_PORTABLE,
 * NUMBER_BUSY) or removed (REMOVED) do not count. All cancelled: CANCELLED; any rejected: REJECTED; otherwise the least advanced.
 * When nothing was submitted at all, the port was REJECTED.
 */
export function aggregatePortStatus(outcomes: readonly PortNumberOutcome[]): PortStatus {
  const statuses = outcomes
    .map((o) => o.status)
    .filter((s): s is PortStatus => isKnownPortStatus(s));
  if (statuses.length === 0) return 'REJECTED';
  if (statuses.every((s) => s === 'CANCELLED')) return 'CANCELLED';
  if (statuses.includes('REJECTED')) return 'REJECTED';
  const active = statuses.filter((s) => s !== 'CANCELLED');
  return PROGRESS[Math.min(...active.map((s) => PROGRESS.indexOf(s)))] ?? 'PENDING';
}

/** Whether an activation assigns the numbers once ported (an ON_DEMAND one may only time the cutover). */
export function assignsNumbers(activation?: PortActivation): activation is PortAssignment {
  return activation?.target !== undefined;
}
