import { z } from 'zod';
import { isoDate } from './port';
import { telephoneNumber, telephoneNumberInQuery } from './telephone-number';

/**
 * FOC dates (an extension to the seed, as Telnyx's and Bandwidth's porting APIs have it): the
 * firm order commitment dates the losing carrier accepts for a number. A simple port (one
 * residential line) takes the FCC's one business day; any other a per-carrier interval.
 */
export const PORT_TYPES = ['SIMPLE', 'NON_SIMPLE'] as const;

/** At most this many numbers in one FOC-dates query (the platform's and portflow's). */
export const FOC_DATES_MAX_NUMBERS = 100;

export const numberFocDates = z.object({
  telephoneNumber,
  currentCarrier: z.string().min(1),
  /** Absent when the platform does not tell (Alianza's prevalidate). */
  portType: z.enum(PORT_TYPES).optional(),
  earliestFocDate: isoDate,
  /** The latest FOC date the carrier accepts, when the platform names it (Alianza's latestCRD). */
  latestFocDate: isoDate.optional(),
  /** Every date the carrier accepts, in order: business days from the earliest, blackouts left out. */
  allowedFocDates: z.array(isoDate),
  /** Business days the carrier names as closed for ports (maintenance freezes, holidays of its own). */
  blackoutDates: z.array(isoDate),
});
export type NumberFocDates = z.output<typeof numberFocDates>;

export const focDatesAnswer = z.object({ focDates: z.array(numberFocDates) });
export type FocDatesAnswer = z.output<typeof focDatesAnswer>;

/**
 * Why `requestedDate` is no FOC date the carrier takes for this number, or undefined when it is:
 * a date outside the carrier's window names the window.
 */
export function focDateProblem(requestedDate: string, dates: NumberFocDates): string | undefined {
  if (dates.allowedFocDates.includes(requestedDate)) return undefined;
  const carrier = dates.currentCarrier === 'UNKNOWN' ? 'the losing carrier' : dates.currentCarrier;
  const earliest = dates.earliestFocDate;
  const latest = dates.latestFocDate ?? dates.allowedFocDates.at(-1);
  const outside = requestedDate < earliest || (latest !== undefined && requestedDate > latest);
  const next = dates.allowedFocDates.find((date) => date > requestedDate);
  return (
    `${dates.telephoneNumber}: ${requestedDate} ` +
    (outside
      ? `is outside the FOC dates ${carrier} accepts (${earliest} to ${latest ?? earliest})`
      : `is not a FOC date ${carrier} accepts`) +
    (next ? `; the next allowed FOC date is ${next}` : '; it accepts none after it')
  );
}

/** `?telephoneNumber=...` once or repeated (the seed's bare `+` accepted), at most 100 numbers. */
export const focDatesQuery = z.object({
  telephoneNumber: z
    .union([
      telephoneNumberInQuery,
      z.array(telephoneNumberInQuery).min(1).max(FOC_DATES_MAX_NUMBERS),
    ])
    .transform((numbers) => [...new Set(Array.isArray(numbers) ? numbers : [numbers])]),
});

/**
 * The carrier's activation window of one day (an extension): when an ON_DEMAND port may be
 * activated; at `closesAt` the carrier activates it by itself. `now` is the platform's own
 * time, so a client reckons the window on the platform's clock.
 */
export const activationWindow = z.object({
  date: isoDate,
  timeZone: z.string().min(1),
  opensAt: z.iso.datetime({ offset: true }),
  closesAt: z.iso.datetime({ offset: true }),
  now: z.iso.datetime({ offset: true }),
});
export type ActivationWindow = z.output<typeof activationWindow>;

/** The calendar date (YYYY-MM-DD) of `instant` on the wall clocks of `timeZone` (an IANA zone, read by Intl). */
export function dateIn(instant: string | Date, timeZone: string): string {
  // en-CA writes a date as YYYY-MM-DD.
  return new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(instant));
}

/** A local time of day, `HH:MM`, 24-hour. */
export const timeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time as HH:MM');

/** The UTC instant of the wall-clock `time` on `date` in `timeZone` (an IANA zone, read by Intl). */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${date}T${time}:00Z`);
  const offsetAt = (instant: number) => {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      })
        .formatToParts(instant)
        .map((part) => [part.type, part.value]),
    );
    const local = Date.parse(
      `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}Z`,
    );
    return local - instant;
  };
  // Twice: the offset at the first guess may differ from the offset at the answer (a DST change).
  const first = wall - offsetAt(wall);
  return new Date(wall - offsetAt(first));
}
