import { z } from 'zod';
import {
  addBusinessDays,
  addDays,
  isBusinessDay,
  timeOfDay,
  zonedInstant,
  type NumberFocDates,
} from '../domain';
import type { Carriers } from './carrier';
import { PartitionSettings } from './partition-settings';

/** Business days a non-simple port takes, by losing carrier; others take the default. */
export const NON_SIMPLE_INTERVALS: Readonly<Record<string, number>> = {
  'AT&T': 3,
  Verizon: 4,
  Lumen: 5,
  'Comcast Business': 5,
  Spectrum: 4,
  'Verizon Business': 5,
};
export const DEFAULT_NON_SIMPLE_INTERVAL = 3;
/** The FCC's simple-port interval: one business day. */
export const SIMPLE_INTERVAL = 1;
/** The carriers offer FOC dates up to this many calendar days ahead. */
export const FOC_HORIZON_DAYS = 90;

/**
 * The FOC dates the losing carriers accept: from the earliest their interval allows, every
 * business day up to the horizon but their blackout dates (kept in memory, like faults).
 */
export class FocCalendar {
  private readonly blackouts = new Map<string, string[]>();

  constructor(private readonly carriers: Carriers) {}

  /** Sets a carrier's blackout dates (none clears them); answers them as kept. */
  setBlackouts(currentCarrier: string, dates: string[]): string[] {
    const kept = [...new Set(dates)].sort();
    if (kept.length === 0) this.blackouts.delete(currentCarrier);
    else this.blackouts.set(currentCarrier, kept);
    return kept;
  }

  allBlackouts(): Record<string, string[]> {
    return Object.fromEntries(this.blackouts);
  }

  clear(): void {
    this.blackouts.clear();
  }

  /**
   * Each number's FOC dates on `today`. A number is a simple port when it is a residential
   * line and no other number of the query is on its carrier account (a multi-line account).
   */
  focDates(telephoneNumbers: string[], today: string): NumberFocDates[] {
    const records = telephoneNumbers.map((n) => ({ n, record: this.carriers.recordOf(n) }));
    const linesOf = new Map<string, number>();
    for (const { record } of records) {
      const account = `${record.currentCarrier}\n${record.accountNumber}`;
      linesOf.set(account, (linesOf.get(account) ?? 0) + 1);
    }
    const horizon = addDays(today, FOC_HORIZON_DAYS);
    // A 100-number query names a few carriers and intervals: each one's dates are reckoned once.
    const allowedOn = new Map<string, string[]>();
    const allowed = (currentCarrier: string, interval: number, blackoutDates: string[]) => {
      const key = `${currentCarrier}\n${interval}`;
      let dates = allowedOn.get(key);
      if (!dates) {
        dates = [];
        for (
          let date = addBusinessDays(today, interval);
          date <= horizon;
          date = addDays(date, 1)
        ) {
          if (isBusinessDay(date) && !blackoutDates.includes(date)) dates.push(date);
        }
        allowedOn.set(key, dates);
      }
      return dates;
    };
    return records.map(({ n, record }) => {
      const { currentCarrier } = record;
      const lines = linesOf.get(`${currentCarrier}\n${record.accountNumber}`) ?? 1;
      const simple = record.lineType.toUpperCase() === 'RESIDENTIAL' && lines === 1;
      const interval = simple
        ? SIMPLE_INTERVAL
        : (NON_SIMPLE_INTERVALS[currentCarrier] ?? DEFAULT_NON_SIMPLE_INTERVAL);
      const blackoutDates = this.blackouts.get(currentCarrier) ?? [];
      const allowedFocDates = allowed(currentCarrier, interval, blackoutDates);
      return {
        telephoneNumber: n,
        currentCarrier,
        portType: simple ? ('SIMPLE' as const) : ('NON_SIMPLE' as const),
        earliestFocDate: allowedFocDates[0] ?? horizon,
        allowedFocDates,
        blackoutDates: blackoutDates.filter((date) => date >= today),
      };
    });
  }
}

/** A partition's activation window: its hours and the time zone they are read in. */
export const activationHours = z
  .object({
    opens: timeOfDay,
    closes: timeOfDay,
    timeZone: z.string().refine((zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone, as America/Chicago'),
  })
  .refine((hours) => hours.opens < hours.closes, {
    message: 'must close after it opens',
    path: ['closes'],
  });
export type ActivationHours = z.output<typeof activationHours>;

export const DEFAULT_ACTIVATION_HOURS: ActivationHours = {
  opens: '06:00',
  closes: '20:00',
  timeZone: 'America/Chicago',
};

/** The carriers' activation windows of ON_DEMAND ports, per partition (kept in memory, like faults). */
export class ActivationWindows extends PartitionSettings<ActivationHours> {
  constructor() {
    super(DEFAULT_ACTIVATION_HOURS);
  }

  /** The window of `date` in the partition, as instants. */
  on(partitionId: string, date: string): { timeZone: string; opensAt: Date; closesAt: Date } {
    const { opens, closes, timeZone } = this.of(partitionId);
    return {
      timeZone,
      opensAt: zonedInstant(date, opens, timeZone),
      closesAt: zonedInstant(date, closes, timeZone),
    };
  }
}
