import { z } from 'zod';
import { DAY_MS } from './duration';
import type { AccountNumberEntry } from './numbers';
import type { AssignmentTarget } from './port';
import { telephoneNumber } from './telephone-number';

/** Where a release stands: RELEASING (clearing the number), AGING, then RELEASED or RECLAIMED; FAILED when the platform refused a step. */
export const RELEASE_STATUSES = ['RELEASING', 'AGING', 'RELEASED', 'RECLAIMED', 'FAILED'] as const;
export const releaseStatus = z.enum(RELEASE_STATUSES);
export type ReleaseStatus = z.output<typeof releaseStatus>;

/** A number's place in its lifecycle, as portflow answers it beside the platform's details. */
export const NUMBER_LIFECYCLE_STATES = [
  'ACTIVE',
  'PORTING',
  'RELEASING',
  'AGING',
  'RELEASED',
  'RECLAIMED',
] as const;
export const numberLifecycle = z.enum(NUMBER_LIFECYCLE_STATES);
export type NumberLifecycle = z.output<typeof numberLifecycle>;

export const releaseHistoryEntry = z.object({
  at: z.string(),
  status: releaseStatus,
  detail: z.string(),
});
export type ReleaseHistoryEntry = z.output<typeof releaseHistoryEntry>;

/** The release object portflow answers for `DELETE /telephone-number/{n}` and its `/release`. */
export const releaseObject = z.object({
  telephoneNumber,
  /** The account that held the number when the release began; null until its details are read. */
  accountId: z.string().nullable(),
  status: releaseStatus,
  /** Fractional in demo/test mode, where aging lasts seconds; 0 when the platform's cooldown is. */
  agingPeriodDays: z.number().nonnegative(),
  /** The number's line type the aging period followed, when the platform told it. */
  lineType: z.enum(['BUSINESS', 'RESIDENTIAL']).optional(),
  /**
   * The partition's cooldown on the platform (Alianza's `tnDeleteCooldownDays`) that the aging
   * period followed: the number was given up at the start of aging and ages in the platform's
   * COOLDOWN, and `agingUntil` is when that ends. Absent when portflow ages the number itself.
   */
  platformCooldownDays: z.number().int().nonnegative().optional(),
  agingStartedDate: z.string().optional(),
  agingUntil: z.string().optional(),
  releasedDate: z.string().optional(),
  reclaimedDate: z.string().optional(),
  /** The assignments, E911 and listing the release removed, in words. */
  removed: z.array(z.string()),
  failureReason: z.string().optional(),
  history: z.array(releaseHistoryEntry),
});
export type ReleaseObject = z.output<typeof releaseObject>;

/** Line types the FCC aging rule tells apart. */
export const AGING_LINE_TYPES = ['BUSINESS', 'RESIDENTIAL'] as const;
export type AgingLineType = (typeof AGING_LINE_TYPES)[number];

export const MIN_AGING_DAYS = 45;
export const MAX_AGING_DAYS: Record<AgingLineType, number> = { RESIDENTIAL: 90, BUSINESS: 365 };

/**
 * Why an aging period breaks the FCC rule (45 days at least; 90 at most for residential
 * numbers, 365 for business ones), or undefined when it keeps it. A period of unknown line
 * type is held to the residential bound, the stricter one.
 */
export function agingPeriodProblem(
  periodMs: number,
  lineType: AgingLineType = 'RESIDENTIAL',
): string | undefined {
  const days = periodMs / DAY_MS;
  const max = MAX_AGING_DAYS[lineType];
  if (days < MIN_AGING_DAYS || days > max) {
    return `must be ${MIN_AGING_DAYS} to ${max} days for ${lineType.toLowerCase()} numbers (FCC aging rule), not ${Number(days.toFixed(4))} days`;
  }
  return undefined;
}

/**
 * A number's aging period by its own line type, when the platform tells it: the partition's
 * period, held to the number's FCC bound (a residential number in a partition of 180-day
 * business aging ages 90 days). Another word, or none, leaves the partition's period.
 */
export function agingPeriodForLine(
  partitionPeriodMs: number,
  platformLineType: string | undefined,
): { periodMs: number; lineType?: AgingLineType } {
  const lineType = AGING_LINE_TYPES.find((type) => type === platformLineType?.toUpperCase());
  if (!lineType) return { periodMs: partitionPeriodMs };
  return { periodMs: Math.min(partitionPeriodMs, MAX_AGING_DAYS[lineType] * DAY_MS), lineType };
}

/**
 * Where an account listing entry's number is assigned, as an assignment target; undefined
 * when it is not assigned. A device line shows as `{deviceId}/line/{lineNumber}`.
 */
export function assignmentTargetOf(
  entry: Pick<AccountNumberEntry, 'assignedTo' | 'assignmentType'>,
): AssignmentTarget | undefined {
  const { assignedTo, assignmentType } = entry;
  if (assignedTo === null || assignmentType === null) return undefined;
  switch (assignmentType) {
    case 'END_USER':
      return { type: 'USER', userId: assignedTo };
    case 'IVR':
      return { type: 'IVR', ivrId: assignedTo };
    case 'CALL_QUEUE':
      return { type: 'CALL_QUEUE', queueId: assignedTo };
    case 'DEVICE_LINE': {
      const match = /^(.+)\/line\/(\d+)$/.exec(assignedTo);
      if (!match) return undefined;
      return { type: 'DEVICE_LINE', deviceId: match[1] as string, lineNumber: Number(match[2]) };
    }
  }
}
