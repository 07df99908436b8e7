import { ApplicationFailure } from '@temporalio/common';
import { countInActivity } from './metrics';
import {
  PlatformError,
  PlatformNotFoundError,
  PlatformRateLimitedError,
  PlatformResponseError,
  PlatformTimeoutError,
  PlatformUnavailableError,
  isCredentialsRefusal,
} from '../platform/errors';
import { PLATFORM_REJECTED } from '../domain/platform-failures';

/** The failure type of an unreachable or busy platform: Temporal retries it. */
export const PLATFORM_UNAVAILABLE = 'PlatformUnavailable';

/**
 * The platform refused portflow's own token (401/403): not a verdict on the request, but a
 * configuration an operator must fix (PLATFORM_TOKEN, or the Alianza login). Retried, so the work waits for the fix instead of
 * ending as if the number or the order were at fault.
 */
export const PLATFORM_CREDENTIALS_REFUSED = 'PlatformCredentialsRefused';

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

/** Counted by the SDK's activity meter, so a worker's /metrics serves it. */
export const PLATFORM_ERRORS_METRIC = 'portflow_platform_errors';

/** What went wrong, in a word an alert can group by. */
function platformErrorKind(error: PlatformError): string {
  if (isCredentialsRefusal(error)) return 'credentials';
  if (error instanceof PlatformTimeoutError) return 'timeout';
  if (error instanceof PlatformUnavailableError) return 'unavailable';
  if (error instanceof PlatformRateLimitedError) return 'rate_limited';
  if (error instanceof PlatformNotFoundError) return 'not_found';
  if (error instanceof PlatformResponseError) return 'bad_response';
  return 'rejected';
}

function countPlatformError(error: PlatformError): void {
  countInActivity(PLATFORM_ERRORS_METRIC, 'errors', 'Platform calls that failed, by kind', {
    kind: platformErrorKind(error),
  });
}

export function asActivityFailure(error: unknown): unknown {
  if (!(error instanceof PlatformError)) return error;
  countPlatformError(error);
  const details = [{ status: error.status, code: error.code, details: error.details }];
  if (isCredentialsRefusal(error)) {
    return ApplicationFailure.create({
      type: PLATFORM_CREDENTIALS_REFUSED,
      message: `the platform refused portflow's credentials (${error.status}): check PLATFORM_TOKEN (seed) or PLATFORM_USERNAME and PLATFORM_PASSWORD (alianza)`,
      details,
    });
  }
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
