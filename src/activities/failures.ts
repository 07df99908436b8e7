import { ApplicationFailure } from '@temporalio/common';
import { PlatformError } from '../platform/errors';
import { PLATFORM_REJECTED } from '../workflows/definitions';

/** The failure type of an unreachable or busy platform: Temporal retries it. */
export const PLATFORM_UNAVAILABLE = 'PlatformUnavailable';

/**
 * Runs one platform call and turns its error into the failure Temporal should act on: a
 * refusal ends the activity with the platform's code and message; an outage is retried, after
 * the platform's Retry-After when it gave one.
 */
export async function callPlatform<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw asActivityFailure(error);
  }
}

export function asActivityFailure(error: unknown): unknown {
  if (!(error instanceof PlatformError)) return error;
  const details = [{ status: error.status, code: error.code, details: error.details }];
  if (!error.retryable) {
    return ApplicationFailure.create({
      type: PLATFORM_REJECTED,
      message: error.message,
      details,
      nonRetryable: true,
    });
  }
  return ApplicationFailure.create({
    type: PLATFORM_UNAVAILABLE,
    message: error.message,
    details,
    nextRetryDelay: error.retryAfterMs,
  });
}
