import { AlianzaPorts } from './alianza-ports';
import { AlianzaPartitions } from './alianza-settings';
import { Carriers } from './carrier';
import { CarrierComments } from './comments';
import { EmulatorClock } from './clock';
import { CallLog, Faults } from './faults';
import { ActivationWindows, FocCalendar } from './foc';
import { IdempotencyKeys } from './idempotency';
import { Inventory } from './inventory';
import { NumberBook } from './numbers';
import { PortDesk } from './ports';
import type { Sessions } from './sessions';
import { EmulatorStore } from './store';

/** The emulated platform: its store and the parts that keep state in it, wired once. */
export class EmulatedPlatform {
  readonly store: EmulatorStore;
  readonly clock: EmulatorClock;
  readonly inventory: Inventory;
  readonly numbers: NumberBook;
  readonly carriers: Carriers;
  readonly ports: PortDesk;
  /** The losing carriers' comments on ports (an extension). */
  readonly carrierComments: CarrierComments;
  /** The FOC dates the carriers accept (an extension); blackout dates live in memory. */
  readonly focCalendar: FocCalendar;
  /** The activation windows of ON_DEMAND ports (an extension), per partition, in memory. */
  readonly activationWindows = new ActivationWindows();
  /** Alianza's PortX drafts, sent to the same carrier as the seed's port requests. */
  readonly alianzaPorts: AlianzaPorts;
  /** Each partition's cooldown and FOC time zone on the Alianza dialect, in memory. */
  readonly alianzaPartitions = new AlianzaPartitions();
  readonly idempotency: IdempotencyKeys;
  /** Faults and the call log are for the session at hand and are not kept in the store. */
  readonly faults = new Faults();
  readonly calls = new CallLog();

  constructor(
    dataFile?: string,
    /** The Alianza dialect's logins: in memory, like faults. */
    readonly sessions?: Sessions,
  ) {
    this.store = new EmulatorStore(dataFile);
    this.clock = new EmulatorClock(this.store);
    this.inventory = new Inventory(this.store);
    this.numbers = new NumberBook(this.store, this.inventory);
    this.carriers = new Carriers(this.store, this.numbers);
    this.focCalendar = new FocCalendar(this.carriers);
    this.ports = new PortDesk(
      this.store,
      this.clock,
      this.carriers,
      this.numbers,
      this.activationWindows,
    );
    this.carrierComments = new CarrierComments(this.store, this.clock, this.ports);
    this.alianzaPorts = new AlianzaPorts(
      this.store,
      this.clock,
      this.ports,
      this.alianzaPartitions,
    );
    this.idempotency = new IdempotencyKeys(this.store);
    this.inventory.seedIfEmpty();
  }

  /** Empty state, the inventory seeded again, the clock back to real now, no faults, no calls, no blackout dates, default activation windows and Alianza settings, the business-day carrier. */
  reset(): void {
    this.store.transaction(() => {
      this.store.clearState();
      this.inventory.seedIfEmpty();
      this.clock.reset();
    });
    this.ports.pace = 'business-days';
    this.faults.clear();
    this.calls.clear();
    this.focCalendar.clear();
    this.activationWindows.clear();
    this.alianzaPartitions.clear();
  }

  /** Applies what fell due by the emulator's now: carrier steps, ended cooldowns. */
  settle(): void {
    this.ports.settle();
    this.store.transaction(() => this.numbers.endCooldowns(this.clock.nowMs()));
  }

  close(): void {
    this.clock.save();
    this.store.close();
  }
}
