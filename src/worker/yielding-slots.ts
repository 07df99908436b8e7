import type {
  CustomSlotSupplier,
  SlotInfo,
  SlotPermit,
  SlotReserveContext,
} from '@temporalio/worker';

/** What a worker yields to: the admissions of its process. */
export interface Admissions {
  /** Admissions waiting on Temporal right now. */
  readonly pending: number;
  /** When the last admission ended (epoch ms), 0 before the first. */
  readonly lastEndedAt: number;
  /** Resolves once no admission waits on Temporal. */
  quiet(): Promise<void>;
}

export interface YieldingOptions {
  /** Slots while no admission has been seen for `quietMs`. */
  maxSlots: number;
  /** Slots while admissions flow. */
  whileBusy: number;
  /** How long admissions count as flowing after the last one ended. */
  quietMs: number;
  /** While admissions flow, at least this long between two slots handed out. */
  minGapMs: number;
}

/**
 * Task slots that let admissions go first. While requests are admitting new work (and for
 * `quietMs` after the last, since requests at a steady rate come with gaps between them) the
 * worker keeps at most `whileBusy` tasks of this kind, one at most every `minGapMs`; it takes
 * the rest once the admissions have stopped. Both share one Temporal server (in embedded mode
 * one SQLite connection): the work admitted waits a moment in its task queue, the caller gets
 * its answer at about the speed of a bare start instead of behind every task of the ports
 * before it, and the floor keeps the workflows going under a load that never stops.
 */
export function yieldingSlots<SI extends SlotInfo>(
  admissions: Admissions,
  { maxSlots, whileBusy, quietMs, minGapMs }: YieldingOptions,
): CustomSlotSupplier<SI> {
  let used = 0;
  let lastGrantAt = 0;
  const waiting = new Set<() => void>();
  /** How long until a slot may be free (0: now), or undefined until a release or the admissions change it. */
  const waitFor = (now: number): number | undefined => {
    const flowing = admissions.pending > 0 || now - admissions.lastEndedAt < quietMs;
    if (!flowing) return used < maxSlots ? 0 : undefined;
    if (used >= whileBusy) {
      return admissions.pending > 0 ? undefined : admissions.lastEndedAt + quietMs - now;
    }
    return Math.max(0, lastGrantAt + minGapMs - now);
  };
  /** Whichever may free a slot: a release, the admissions getting through, or a wait running out. */
  const changed = (wait: number | undefined) =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        waiting.delete(wake);
        resolve();
      };
      const timer = wait === undefined ? undefined : setTimeout(wake, wait);
      waiting.add(wake);
      if (admissions.pending > 0) void admissions.quiet().then(wake);
    });
  const grant = (now: number): SlotPermit => {
    used += 1;
    lastGrantAt = now;
    return {};
  };
  return {
    type: 'custom',
    async reserveSlot(_ctx: SlotReserveContext, abortSignal: AbortSignal): Promise<SlotPermit> {
      const aborted = new Promise<void>((resolve) =>
        abortSignal.addEventListener('abort', () => resolve(), { once: true }),
      );
      for (;;) {
        abortSignal.throwIfAborted();
        const now = Date.now();
        const wait = waitFor(now);
        if (wait === 0) return grant(now);
        await Promise.race([changed(wait), aborted]);
      }
    },
    tryReserveSlot(): SlotPermit | null {
      const now = Date.now();
      return waitFor(now) === 0 ? grant(now) : null;
    },
    markSlotUsed() {},
    releaseSlot() {
      used -= 1;
      for (const wake of [...waiting]) wake();
    },
  };
}
