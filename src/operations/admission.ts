import type { Refusal } from './outcomes';

/**
 * Bounds the requests that start work and wait on Temporal at once. Past the bound a request
 * is refused at once (429 with Retry-After) instead of queueing behind the others: the
 * capacity keeps being served while the rest come back later. A worker in the same process
 * yields to the admissions in flight (see src/worker/yielding-slots.ts).
 */
export class AdmissionGate {
  private inFlight = 0;
  private endedAt = 0;
  private waiters: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Admissions waiting on Temporal right now. */
  get pending(): number {
    return this.inFlight;
  }

  /** When the last admission ended (epoch ms), 0 before the first. */
  get lastEndedAt(): number {
    return this.endedAt;
  }

  /** Resolves once no admission waits on Temporal. */
  quiet(): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Runs `work` when a place is free; refuses at once when none is. */
  async admit<T>(work: () => Promise<T>): Promise<T | Refusal> {
    if (this.inFlight >= this.limit) return { outcome: 'overloaded', retryAfterSeconds: 1 };
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
      this.endedAt = Date.now();
      if (this.inFlight === 0) for (const wake of this.waiters.splice(0)) wake();
    }
  }
}
