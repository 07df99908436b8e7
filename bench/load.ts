/** Open-loop load at a fixed rate, and what it measured. */
import { performance } from 'node:perf_hooks';
import { setTimeout as delay } from 'node:timers/promises';

/** The answers of one HTTP status: how many, and how fast. */
export interface StatusCount {
  count: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LatencySummary {
  /** Requests due in the run: rate × duration. */
  due: number;
  /** Answered: by any HTTP status for a request to the API. */
  ok: number;
  failed: number;
  /** Not sent: `maxInFlight` requests were already waiting. */
  dropped: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Successful answers per second of the run. */
  okPerSecond: number;
  /** By HTTP status, for requests to the API (whatever the API answers, it is counted). */
  statuses?: Record<string, StatusCount>;
  firstError?: string;
}

export interface FixedRateOptions {
  perSecond: number;
  durationMs: number;
  /** Past this many unanswered requests, a due request is dropped, not queued. */
  maxInFlight?: number;
  /** A request unanswered this long is aborted and counts as failed. */
  timeoutMs?: number;
  /**
   * Sends request `index`, aborted on `signal`, and answers the HTTP status it got (nothing for a
   * call that is not HTTP); a rejection counts as failed.
   */
  call: (index: number, signal: AbortSignal) => Promise<number | void>;
}

/** The nearest-rank percentile of ascending `sorted`. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Sends `perSecond` requests a second for `durationMs`, each on its own schedule whatever the
 * answers before it (open loop). A latency runs from when the request was due, so a server
 * that falls behind shows it in its latencies instead of slowing the load down.
 */
export async function atFixedRate(options: FixedRateOptions): Promise<LatencySummary> {
  const { perSecond, durationMs, maxInFlight = 1_000, timeoutMs = 30_000, call } = options;
  const due = Math.round((perSecond * durationMs) / 1_000);
  const latencies: number[] = [];
  const byStatus = new Map<number, number[]>();
  const inFlight = new Set<Promise<void>>();
  let failed = 0;
  let dropped = 0;
  let firstError: string | undefined;
  const start = performance.now();
  for (let index = 0; index < due; index++) {
    const dueAt = start + (index * 1_000) / perSecond;
    const wait = dueAt - performance.now();
    if (wait > 1) await delay(wait);
    if (inFlight.size >= maxInFlight) {
      dropped += 1;
      continue;
    }
    // A timer may fire a little early: a latency never starts before the request is sent.
    const sentAt = Math.max(dueAt, performance.now());
    const request = call(index, AbortSignal.timeout(timeoutMs)).then(
      (status) => {
        const latency = performance.now() - sentAt;
        latencies.push(latency);
        if (typeof status !== 'number') return;
        const ofStatus = byStatus.get(status) ?? [];
        ofStatus.push(latency);
        byStatus.set(status, ofStatus);
      },
      (error: unknown) => {
        failed += 1;
        firstError ??= errorMessage(error);
      },
    );
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
  }
  await Promise.all(inFlight);
  const elapsedMs = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return {
    due,
    ok: latencies.length,
    failed,
    dropped,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    okPerSecond: (latencies.length * 1_000) / elapsedMs,
    ...(byStatus.size > 0 ? { statuses: statusCounts(byStatus) } : {}),
    firstError,
  };
}

function statusCounts(byStatus: Map<number, number[]>): Record<string, StatusCount> {
  return Object.fromEntries(
    [...byStatus].map(([status, latencies]) => {
      const sorted = [...latencies].sort((a, b) => a - b);
      return [
        String(status),
        { count: sorted.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) },
      ];
    }),
  );
}
