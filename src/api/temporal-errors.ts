import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { status as grpcStatus } from '@grpc/grpc-js';
import { ApiError } from './errors';

const UNAVAILABLE_CODES = new Set([
  grpcStatus.UNAVAILABLE,
  // A query in flight when a cluster's matching process dies ends CANCELLED at the frontend.
  grpcStatus.CANCELLED,
  grpcStatus.DEADLINE_EXCEEDED,
  grpcStatus.RESOURCE_EXHAUSTED,
]);

/** A call to Temporal; when Temporal cannot be reached the client gets 503, never a 500 or a hang. */
export async function callTemporal<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isTemporalUnavailable(error)) {
      throw new ApiError(
        503,
        'TEMPORAL_UNAVAILABLE',
        'The workflow service is unavailable: try again later',
        null,
        {
          'retry-after': '5',
        },
      );
    }
    throw error;
  }
}

function isTemporalUnavailable(error: unknown): boolean {
  // An Update whose call ran out of time (no worker took it) is the same outage as a failed call;
  // an update-with-start past its deadline ends CANCELLED rather than DEADLINE_EXCEEDED.
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const cause = error instanceof ServiceError ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' && UNAVAILABLE_CODES.has(code);
}

export function isWorkflowMissing(error: unknown): boolean {
  return error instanceof WorkflowNotFoundError;
}

/** An Update refused by its workflow with a typed failure (a validator's, say): 409 with that type as the code. */
export function updateRefusal(error: unknown): ApiError | undefined {
  if (!(error instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = error.cause;
  if (!(cause instanceof ApplicationFailure) || !cause.type) return undefined;
  return new ApiError(409, cause.type, cause.message);
}

/**
 * Runs an Update. When the workflow refuses it, `replay` may answer what the same request
 * gave before (a reclaimed number reclaimed again, say); otherwise the refusal is a 409.
 */
export async function updateOrReplay<T>(
  update: () => Promise<T>,
  replay: () => Promise<T | undefined>,
  /** The refusal when the workflow has already ended and takes no Update at all. */
  closed?: () => ApiError,
): Promise<T> {
  try {
    return await callTemporal(update);
  } catch (error) {
    const refused = updateRefusal(error) ?? (isWorkflowMissing(error) ? closed?.() : undefined);
    if (!refused) throw error;
    const earlier = await replay();
    if (earlier === undefined) throw refused;
    return earlier;
  }
}

/** A call about one workflow (a query, a describe); undefined when no such workflow ever ran. */
export async function unlessMissing<T>(call: () => Promise<T>): Promise<T | undefined> {
  try {
    return await callTemporal(call);
  } catch (error) {
    if (isWorkflowMissing(error)) return undefined;
    throw error;
  }
}
