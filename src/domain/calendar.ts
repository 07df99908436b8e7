/**
 * US business days: weekdays that are not US federal holidays (observed dates).
 * Dates are ISO `YYYY-MM-DD` strings read in UTC, so the same input gives the same answer
 * anywhere, including inside deterministic workflow code.
 */

const DAY_MS = 86_400_000;

/** An ISO `YYYY-MM-DD` date as midnight UTC. */
export function fromIsoDate(isoDate: string): Date {
  return new Date(`${isoDate}T00:00:00Z`);
}

export function toIsoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** The nth (1-based) weekday (0 = Sunday) of a month, or the last one when n = -1. */
function nthWeekday(year: number, month: number, weekday: number, n: number): string {
  if (n === -1) {
    const last = new Date(Date.UTC(year, month + 1, 0));
    const back = (last.getUTCDay() - weekday + 7) % 7;
    return toIsoDate(new Date(last.getTime() - back * DAY_MS));
  }
  const first = new Date(Date.UTC(year, month, 1));
  const ahead = (weekday - first.getUTCDay() + 7) % 7;
  return toIsoDate(new Date(first.getTime() + (ahead + (n - 1) * 7) * DAY_MS));
}

/** A fixed-date holiday moves to Friday when on Saturday and to Monday when on Sunday. */
function observed(year: number, month: number, day: number): string {
  const date = new Date(Date.UTC(year, month, day));
  const shift = date.getUTCDay() === 6 ? -1 : date.getUTCDay() === 0 ? 1 : 0;
  return toIsoDate(new Date(date.getTime() + shift * DAY_MS));
}

const holidayCache = new Map<number, ReadonlySet<string>>();

/** The observed US federal holidays of a year. */
export function federalHolidays(year: number): ReadonlySet<string> {
  const cached = holidayCache.get(year);
  if (cached) return cached;
  const holidays = new Set([
    observed(year, 0, 1), // New Year's Day
    nthWeekday(year, 0, 1, 3), // Birthday of Martin Luther King, Jr.
    nthWeekday(year, 1, 1, 3), // Washington's Birthday
    nthWeekday(year, 4, 1, -1), // Memorial Day
    observed(year, 5, 19), // Juneteenth
    observed(year, 6, 4), // Independence Day
    nthWeekday(year, 8, 1, 1), // Labor Day
    nthWeekday(year, 9, 1, 2), // Columbus Day
    observed(year, 10, 11), // Veterans Day
    nthWeekday(year, 10, 4, 4), // Thanksgiving Day
    observed(year, 11, 25), // Christmas Day
  ]);
  // New Year's Day of next year may be observed on Dec 31 of this one.
  const nextNewYear = observed(year + 1, 0, 1);
  if (nextNewYear.startsWith(`${year}-`)) holidays.add(nextNewYear);
  holidayCache.set(year, holidays);
  return holidays;
}

export function isBusinessDay(isoDate: string): boolean {
  const date = fromIsoDate(isoDate);
  const weekday = date.getUTCDay();
  return weekday !== 0 && weekday !== 6 && !federalHolidays(date.getUTCFullYear()).has(isoDate);
}

/** The business day `count` business days after `isoDate` (count ≥ 0; 0 gives the next business day on or after it). */
export function addBusinessDays(isoDate: string, count: number): string {
  let date = fromIsoDate(isoDate);
  while (!isBusinessDay(toIsoDate(date))) date = new Date(date.getTime() + DAY_MS);
  for (let added = 0; added < count;) {
    date = new Date(date.getTime() + DAY_MS);
    if (isBusinessDay(toIsoDate(date))) added++;
  }
  return toIsoDate(date);
}

export function addDays(isoDate: string, days: number): string {
  return toIsoDate(new Date(fromIsoDate(isoDate).getTime() + days * DAY_MS));
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((fromIsoDate(to).getTime() - fromIsoDate(from).getTime()) / DAY_MS);
}

export function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = fromIsoDate(text);
  // `0000-00-00` makes no date at all, and toIsoDate would throw.
  return !Number.isNaN(date.getTime()) && toIsoDate(date) === text;
}
