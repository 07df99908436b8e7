import type {
  CustomSlotSupplier,
  SlotInfo,
  SlotPermit,
  SlotReserveContext,
} from '@temporalio/worker';

/** What a worker yields to: the admissions in flight in its process. */
export interface Admissions {
  readonly pending: number;
  quiet(): Promise<void>;
}

/**
 * Task slots that let admissions go first: while a request waits on Temporal to admit new work,
 * the worker keeps at most `whileBusy` tasks of this kind and takes new ones once the
 * admissions are through. Both share one Temporal server (in embedded mode one SQLite
 * connection): the work admitted waits a moment in its task queue, and the caller gets its
 * answer at the speed of a bare start instead of behind every task of the ports before it.
 */
export function yieldingSlots<SI extends SlotInfo>(
  admissions: Admissions,
  { maxSlots, whileBusy }: { maxSlots: number; whileBusy: number },
): CustomSlotSupplier<SI> {
  let used = 0;
  let released: (() => void)[] = [];
  const free = () => used < (admissions.pending > 0 ? whileBusy : maxSlots);
  /** Whichever can free a slot: the admissions getting through while they hold it back, or a release. */
  const changed = () =>
    new Promise<void>((resolve) => {
      released.push(resolve);
      if (admissions.pending > 0 && used < maxSlots) void admissions.quiet().then(resolve);
    });
  return {
    type: 'custom',
    async reserveSlot(_ctx: SlotReserveContext, abortSignal: AbortSignal): Promise<SlotPermit> {
      const aborted = new Promise<void>((resolve) =>
        abortSignal.addEventListener('abort', () => resolve(), { once: true }),
      );
      while (!free()) {
        abortSignal.throwIfAborted();
        await Promise.race([changed(), aborted]);
      }
      used += 1;
      return {};
    },
    tryReserveSlot(): SlotPermit | null {
      if (!free()) return null;
      used += 1;
      return {};
    },
    markSlotUsed() {},
    releaseSlot() {
      used -= 1;
      const waiting = released;
      released = [];
      for (const wake of waiting) wake();
    },
  };
}
