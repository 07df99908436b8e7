import type { FastifyReply } from 'fastify';
import type { BusyNumber, NumberHold } from '../domain/hold';
import { PlatformError } from '../platform';
import { isRefusal, type Outcome, type Refusal } from '../operations/outcomes';
import { TemporalUnavailable } from '../operations/temporal-calls';
import { portWorkflowId } from '../workflows/definitions';
import { ApiError } from './errors';
import { platformApiError } from './platform-errors';

/** The open operation that holds a number, named as clients name it. */
export interface NumberHolder {
  operation: NumberHold['operation'];
  /** The holding workflow's ID (or API call's, for an assignment). */
  heldBy: string;
  since: string;
  /** When a port holds the number: its portRequestId. */
  portRequestId?: string;
}

/** Holds are per partition: a holding port is one of this partition's ports. */
export function numberHolder(partitionId: string, hold: NumberHold): NumberHolder {
  const portPrefix = portWorkflowId(partitionId, '');
  return {
    operation: hold.operation,
    heldBy: hold.holder,
    since: hold.since,
    ...(hold.holder.startsWith(portPrefix)
      ? { portRequestId: hold.holder.slice(portPrefix.length) }
      : {}),
  };
}

function numberBusy(partitionId: string, busy: BusyNumber[]): ApiError {
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

/** The one table from an operation's refusal to HTTP. */
export function refusalError(refusal: Refusal): ApiError {
  switch (refusal.outcome) {
    case 'notFound':
      return new ApiError(404, 'NOT_FOUND', refusal.message);
    case 'busy':
      return numberBusy(refusal.partitionId, refusal.busy);
    case 'keyReused':
      return new ApiError(
        409,
        'IDEMPOTENCY_KEY_REUSED',
        'This Idempotency-Key was used with another request body',
      );
    case 'conflict':
      return new ApiError(409, refusal.code, refusal.message, refusal.details ?? null);
    case 'invalid':
      return new ApiError(
        400,
        refusal.code ?? 'VALIDATION_FAILED',
        refusal.message,
        refusal.problems,
      );
    case 'unavailable':
      return new ApiError(
        501,
        'FEATURE_UNAVAILABLE',
        `The platform has no ${refusal.feature}: this feature is unavailable against it`,
      );
    case 'overloaded':
      return new ApiError(
        429,
        'OVERLOADED',
        `portflow is admitting as much work as it can: retry in ${refusal.retryAfterSeconds} s`,
        null,
        { 'retry-after': String(refusal.retryAfterSeconds) },
      );
  }
}

/** An outage an operation threw, in HTTP: Temporal's is 503, the platform's as the platform said. */
export function failureError(error: unknown): ApiError | undefined {
  if (error instanceof TemporalUnavailable) {
    return new ApiError(503, 'TEMPORAL_UNAVAILABLE', error.message, null, {
      'retry-after': String(error.retryAfterSeconds),
    });
  }
  if (error instanceof PlatformError) return platformApiError(error);
  return undefined;
}

/**
 * A route's answer from its operation's outcome: a result is 200 (`done`) or 202 (`accepted`),
 * with `location` where it names a resource; a refusal is thrown to the error handler.
 */
export function send<T>(reply: FastifyReply, outcome: Outcome<T>, location?: string): T {
  if (isRefusal(outcome)) throw refusalError(outcome);
  void reply.code(outcome.outcome === 'accepted' ? 202 : 200);
  if (location) void reply.header('location', location);
  return outcome.value;
}

/** The value of a read, or its refusal thrown. */
export function valueOf<T>(outcome: Outcome<T>): T {
  if (isRefusal(outcome)) throw refusalError(outcome);
  return outcome.value;
}
