import type { BusyNumber } from '../domain/hold';

/**
 * What an operation answers. A result is `done` (the work is finished, or it was a read) or
 * `accepted` (the work goes on in Temporal); a refusal says why nothing was done. The API maps
 * each to HTTP in one table (src/api/outcomes.ts). Outages are thrown, not answered:
 * TemporalUnavailable here, PlatformError from the platform client.
 */
export type Outcome<T> = Result<T> | Refusal;

export interface Result<T> {
  outcome: 'done' | 'accepted';
  value: T;
}

export type Refusal =
  | { outcome: 'notFound'; message: string }
  | { outcome: 'busy'; partitionId: string; busy: BusyNumber[] }
  | { outcome: 'keyReused' }
  | { outcome: 'conflict'; code: string; message: string; details?: unknown }
  | {
      outcome: 'invalid';
      /** The rule broken, when it is more than a malformed field (VALIDATION_FAILED). */
      code?: string;
      message: string;
      problems: { in: string; field: string; message: string }[];
    }
  | { outcome: 'overloaded'; retryAfterSeconds: number }
  /** The platform lacks the extension the feature needs. */
  | { outcome: 'unavailable'; feature: string };

export const done = <T>(value: T): Result<T> => ({ outcome: 'done', value });
export const accepted = <T>(value: T): Result<T> => ({ outcome: 'accepted', value });
export const notFound = (message: string): Refusal => ({ outcome: 'notFound', message });
export const conflict = (code: string, message: string, details?: unknown): Refusal => ({
  outcome: 'conflict',
  code,
  message,
  details,
});

export const unavailable = (feature: string): Refusal => ({ outcome: 'unavailable', feature });

export function isRefusal<T>(outcome: Outcome<T>): outcome is Refusal {
  return outcome.outcome !== 'done' && outcome.outcome !== 'accepted';
}
