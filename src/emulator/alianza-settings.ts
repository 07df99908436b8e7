import { z } from 'zod';
import { timeOfDay } from '../domain';
import { FOC_TIME_ZONES } from '../domain/alianza';
import { PartitionSettings } from './partition-settings';

/**
 * What the Alianza dialect says of a partition beyond the seed: the days a deleted number stays
 * in COOLDOWN (`tnDeleteCooldownDays`), and the zone and hour of its ports' FOC instant
 * (`focDate`, `focDateTimeZone`). Kept in memory, like faults; tests set them by /_emulator.
 */
export const alianzaSettings = z.object({
  tnDeleteCooldownDays: z.number().int().min(0).max(3_650).default(30),
  focDateTimeZone: z.enum(FOC_TIME_ZONES).default('US/Eastern'),
  /** The hour of the FOC date at which the carrier commits to cut over, in `focDateTimeZone`. */
  focTime: timeOfDay.default('00:00'),
});
export type AlianzaSettings = z.output<typeof alianzaSettings>;

export const DEFAULT_ALIANZA_SETTINGS: AlianzaSettings = alianzaSettings.parse({});

/** Each partition's Alianza settings; a partition never set has the defaults. */
export class AlianzaPartitions extends PartitionSettings<AlianzaSettings> {
  constructor() {
    super(DEFAULT_ALIANZA_SETTINGS);
  }
}
