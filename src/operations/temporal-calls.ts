import {
  ServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { status as grpcStatus } from '@grpc/grpc-js';

/** Temporal could not be reached in time: the caller is told to come back (503), never a 500. */
export class TemporalUnavailable extends Error {
  readonly retryAfterSeconds = 5;
  constructor(cause: unknown) {
    super('The workflow service is unavailable: try again later', { cause });
    this.name = 'TemporalUnavailable';
  }
}

const UNAVAILABLE_CODES = new Set([
  grpcStatus.UNAVAILABLE,
  grpcStatus.DEADLINE_EXCEEDED,
  grpcStatus.RESOURCE_EXHAUSTED,
  // A frontend ends a call CANCELLED when the matching or history service behind it dies.
  grpcStatus.CANCELLED,
]);

/** The gRPC status code of a failed call, when it has one. */
function grpcCodeOf(error: unknown): number | undefined {
  const cause = error instanceof ServiceError ? error.cause : error;
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'number' ? code : undefined;
}

function isUnavailable(error: unknown): boolean {
  // An Update whose call ran out of time (no worker took it) is the same outage as a failed call.
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return true;
  const code = grpcCodeOf(error);
  return code !== undefined && UNAVAILABLE_CODES.has(code);
}

/** How long one request may wait on Temporal before it answers 503. */
export const TEMPORAL_DEADLINE_MS = 10_000;

/** Calls Temporal within the deadline; an outage becomes TemporalUnavailable. */
export async function callTemporal<T>(
  client: Client,
  call: () => Promise<T>,
  deadlineMs = TEMPORAL_DEADLINE_MS,
): Promise<T> {
  try {
    return await client.withDeadline(Date.now() + deadlineMs, call);
  } catch (error) {
    if (isUnavailable(error)) throw new TemporalUnavailable(error);
    throw error;
  }
}

/** How many times an Update is sent while the server aborts it for a failed workflow task. */
const UPDATE_ATTEMPTS = 3;

/**
 * Runs an Update as callTemporal runs any call. The server aborts an Update whose workflow task
 * failed (FAILED_PRECONDITION, "workflow not ready"): among others a task it made the worker
 * redo because new events came in as the workflow was closing. Such an Update never took effect,
 * so it is sent again, a few times.
 */
export async function callUpdate<T>(
  client: Client,
  update: () => Promise<T>,
  deadlineMs?: number,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await callTemporal(client, update, deadlineMs);
    } catch (error) {
      const notReady = grpcCodeOf(error) === grpcStatus.FAILED_PRECONDITION;
      if (!notReady || attempt >= UPDATE_ATTEMPTS) throw error;
    }
  }
}

/** A call about one workflow (a describe, an Update); undefined when no such workflow ran. */
export async function unlessMissing<T>(
  client: Client,
  call: () => Promise<T>,
  deadlineMs?: number,
): Promise<T | undefined> {
  try {
    return await callTemporal(client, call, deadlineMs);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
}

/** An Update its workflow refused with a typed failure (a validator's, say): its type and message. */
export function updateRefusal(error: unknown): { code: string; message: string } | undefined {
  if (!(error instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = error.cause;
  if (!(cause instanceof ApplicationFailure) || !cause.type) return undefined;
  return { code: cause.type, message: cause.message };
}

/** A string in a visibility query (`PortStatus = 'COMPLETED'`), quoted and escaped. */
export function visibilityString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
