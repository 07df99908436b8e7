/**
 * The platform client's errors: one family, so that activities can map them to Temporal
 * retry behaviour by `retryable` alone, and the API can pass the platform's code through.
 */

export interface PlatformErrorInit {
  /** The call that failed, as `GET /v2/partition/p1/telephone-number/port/port_1`. */
  method: string;
  path: string;
  status?: number;
  /** The platform's UPPER_SNAKE code, when it sent one. */
  code?: string;
  /** The platform's `details` (for a 400: the bad fields), as it sent them. */
  details?: unknown;
  retryAfterMs?: number;
  cause?: unknown;
}

export abstract class PlatformError extends Error {
  abstract readonly retryable: boolean;
  readonly method: string;
  readonly path: string;
  readonly status?: number;
  readonly code?: string;
  readonly details?: unknown;
  readonly retryAfterMs?: number;

  constructor(message: string, init: PlatformErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.method = init.method;
    this.path = init.path;
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.retryAfterMs = init.retryAfterMs;
  }
}

/** The platform could not be reached or failed on its side (network, dropped connection, 5xx): try again later. */
export class PlatformUnavailableError extends PlatformError {
  readonly retryable = true;
}

/** No complete answer within the client's timeout; the call may still have taken effect. */
export class PlatformTimeoutError extends PlatformUnavailableError {}

/** 429: the platform asks to slow down, for `retryAfterMs` when it said how long. */
export class PlatformRateLimitedError extends PlatformError {
  readonly retryable = true;
}

/** A 4xx other than 429: the same request will be refused again. */
export class PlatformRejectedError extends PlatformError {
  readonly retryable = false;
}

/**
 * 401/403: the platform refused portflow's own token. Not a verdict on the request but a
 * configuration to fix, so callers neither pass it on as the caller's 401 nor give up on the work.
 */
export function isCredentialsRefusal(error: PlatformError): boolean {
  return error.status === 401 || error.status === 403;
}

/** 404: the partition, number, port, order or account is unknown to the platform. */
export class PlatformNotFoundError extends PlatformRejectedError {}

/**
 * The resource's state refuses the call (the seed's 409; Alianza's 400 to a cancel of a port
 * the carrier has approved): the same call is refused again until the state changes.
 */
export class PlatformConflictError extends PlatformRejectedError {}

/** A 2xx whose body is not what the platform's API describes: a contract break, not worth retrying. */
export class PlatformResponseError extends PlatformError {
  readonly retryable = false;
}

/**
 * `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP date; undefined when
 * absent or unreadable. A date in the past means "now" (0).
 */
export function parseRetryAfter(
  value: string | undefined,
  now: number = Date.now(),
): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1_000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}
