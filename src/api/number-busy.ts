import type { NumberClaim } from '../workflows/definitions';
import { portWorkflowId } from '../workflows/definitions';
import { ApiError } from './errors';

/** The open operation that holds a number, named as clients name it. */
export interface NumberHolder {
  operation: NumberClaim['operation'];
  /** The holding workflow's ID. */
  heldBy: string;
  since: string;
  /** When a port holds the number: its portRequestId. */
  portRequestId?: string;
}

/** Claims are per partition: a holding port is one of this partition's ports. */
export function numberHolder(partitionId: string, claim: NumberClaim): NumberHolder {
  const portPrefix = portWorkflowId(partitionId, '');
  return {
    operation: claim.operation,
    heldBy: claim.holder,
    since: claim.since,
    ...(claim.holder.startsWith(portPrefix)
      ? { portRequestId: claim.holder.slice(portPrefix.length) }
      : {}),
  };
}

/** 409 NUMBER_BUSY naming, for each busy number, the open operation that holds it. */
export function numberBusy(
  partitionId: string,
  busy: { telephoneNumber: string; heldBy: NumberClaim }[],
): ApiError {
  const holders = busy.map(({ telephoneNumber, heldBy }) => ({
    telephoneNumber,
    ...numberHolder(partitionId, heldBy),
  }));
  const named = holders.map(
    (h) => `${h.telephoneNumber} (${h.operation} ${h.portRequestId ?? h.heldBy})`,
  );
  return new ApiError(
    409,
    'NUMBER_BUSY',
    `Busy with another open operation: ${named.join(', ')}`,
    holders,
  );
}
