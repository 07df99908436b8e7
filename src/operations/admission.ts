import type { Refusal } from './outcomes';

/**
 * Bounds the requests that start work and wait on Temporal at once. Past the bound a request
 * is refused at once (429 with Retry-After) instead of queueing behind the others: the
 * capacity keeps being served while the rest come back later.
 */
export class AdmissionGate {
  private inFlight = 0;

  constructor(private readonly limit: number) {}

  /** Runs `work` when a place is free; refuses at once when none is. */
  async admit<T>(work: () => Promise<T>): Promise<T | Refusal> {
    if (this.inFlight >= this.limit) return { outcome: 'overloaded', retryAfterSeconds: 1 };
    this.inFlight += 1;
    try {
      return await work();
    } finally {
      this.inFlight -= 1;
    }
  }
}
