import {
  PlatformError,
  PlatformRateLimitedError,
  PlatformResponseError,
  isCredentialsRefusal,
} from '../platform';
import { ApiError } from './errors';

/**
 * The platform's error in HTTP. A refusal keeps the platform's status and code (a 400 names the
 * bad fields, as the platform said); an outage is 503, a broken answer 502.
 */
export function platformApiError(error: PlatformError): ApiError {
  if (error instanceof PlatformResponseError) {
    return new ApiError(
      502,
      'PLATFORM_BAD_RESPONSE',
      'The number platform gave an answer portflow cannot read',
    );
  }
  if (isCredentialsRefusal(error)) {
    // portflow's own token, not the caller's: a 401 here would send the caller after the wrong key.
    return new ApiError(
      502,
      'PLATFORM_CREDENTIALS_REFUSED',
      "The number platform refused portflow's credentials: an operator must fix them",
    );
  }
  if (error.retryable) {
    const retryAfterSeconds = Math.ceil((error.retryAfterMs ?? 1_000) / 1_000);
    const code =
      error instanceof PlatformRateLimitedError ? 'PLATFORM_RATE_LIMITED' : 'PLATFORM_UNAVAILABLE';
    return new ApiError(503, code, 'The number platform is unavailable: try again later', null, {
      'retry-after': String(retryAfterSeconds),
    });
  }
  const status =
    error.status !== undefined && error.status >= 400 && error.status < 500 ? error.status : 502;
  return new ApiError(
    status,
    error.code ?? 'PLATFORM_REJECTED',
    error.message,
    error.details ?? null,
  );
}
