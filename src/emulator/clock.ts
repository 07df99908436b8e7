import { DAY_MS, toIsoDate } from '../domain';
import type { EmulatorStore } from './store';

/** Real milliseconds per simulated day when the clock runs at the speed of the wall clock. */
export const REAL_TIME_MS_PER_DAY = DAY_MS;

interface ClockState {
  /** Simulated time at the anchor. */
  anchorMs: number;
  /** Wall-clock time at the anchor. */
  anchorRealMs: number;
  /** Real milliseconds per simulated day; 0 stops the clock. */
  msPerDay: number;
}

const CLOCK_KEY = 'clock';

/**
 * The platform's simulated time, kept in the store so that a restart with the same data
 * file goes on from where it was. It runs at real speed unless told otherwise.
 */
export class EmulatorClock {
  private state: ClockState;

  constructor(
    private readonly store: EmulatorStore,
    private readonly realNow: () => number = Date.now,
  ) {
    const saved = store.getMeta(CLOCK_KEY);
    if (!saved) {
      this.state = this.realTime();
      this.save();
      return;
    }
    const restored = JSON.parse(saved) as ClockState;
    // A sped-up or stopped clock pauses while the emulator is down; a real-time one keeps its offset.
    this.state =
      restored.msPerDay === REAL_TIME_MS_PER_DAY
        ? restored
        : { ...restored, anchorRealMs: this.realNow() };
  }

  nowMs(): number {
    const { anchorMs, anchorRealMs, msPerDay } = this.state;
    if (msPerDay === 0) return anchorMs;
    return anchorMs + Math.floor(((this.realNow() - anchorRealMs) * DAY_MS) / msPerDay);
  }

  now(): string {
    return new Date(this.nowMs()).toISOString();
  }

  /** The simulated date, `YYYY-MM-DD` in UTC. */
  today(): string {
    return toIsoDate(new Date(this.nowMs()));
  }

  get msPerDay(): number {
    return this.state.msPerDay;
  }

  advance(ms: number): void {
    const now = this.nowMs();
    this.state = { ...this.state, anchorMs: now + ms, anchorRealMs: this.realNow() };
    this.save();
  }

  /** Let simulated time run at `msPerDay` real milliseconds per day; 0 stops it. */
  setSpeed(msPerDay: number): void {
    this.anchor(msPerDay);
    this.save();
  }

  /** Back to the wall clock's now, at real speed. */
  reset(): void {
    this.state = this.realTime();
    this.save();
  }

  /** Write the current reading, so a restart of a paused or sped-up clock resumes here. */
  save(): void {
    if (this.state.msPerDay !== REAL_TIME_MS_PER_DAY) this.anchor(this.state.msPerDay);
    this.store.setMeta(CLOCK_KEY, JSON.stringify(this.state));
  }

  private anchor(msPerDay: number): void {
    this.state = { anchorMs: this.nowMs(), anchorRealMs: this.realNow(), msPerDay };
  }

  private realTime(): ClockState {
    const now = this.realNow();
    return { anchorMs: now, anchorRealMs: now, msPerDay: REAL_TIME_MS_PER_DAY };
  }
}
