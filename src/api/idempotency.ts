import { createHash, randomBytes } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { ApiError } from './errors';
import { callTemporal } from './temporal-errors';

/**
 * `Idempotency-Key` lives in Temporal, not in the API: the key names the workflow ID, and the
 * request's fingerprint rides in the workflow's memo (and input) so a reuse is told apart.
 */

/** A digest of a request, so the same Idempotency-Key with another request is told apart. */
export function requestFingerprint(request: unknown): string {
  return createHash('sha256').update(JSON.stringify(request)).digest('base64url');
}

/**
 * The resource ID an Idempotency-Key names: the same key in the same partition always gives
 * the same ID; no key gives a fresh one. `hex` IDs hold no `-`, for IDs that must not.
 */
export function idempotentId(
  partitionId: string,
  idempotencyKey: string | undefined,
  encoding: 'base64url' | 'hex' = 'base64url',
): string {
  if (idempotencyKey === undefined) return randomBytes(12).toString(encoding);
  return createHash('sha256')
    .update(`${partitionId}\n${idempotencyKey}`)
    .digest(encoding)
    .slice(0, 22);
}

export function keyReused(): ApiError {
  return new ApiError(
    409,
    'IDEMPOTENCY_KEY_REUSED',
    'This Idempotency-Key was used with another request body',
  );
}

/** The key's workflow already ran: 409 unless it was started by this same request. */
export async function refuseOtherRequest(
  handle: WorkflowHandle,
  fingerprint: string,
): Promise<void> {
  const description = await callTemporal(() => handle.describe());
  const first: unknown = description.memo?.requestFingerprint;
  if (first !== undefined && first !== fingerprint) throw keyReused();
}
