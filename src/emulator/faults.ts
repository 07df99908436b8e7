import { z } from 'zod';

/** A request path pattern: `*` matches any run of characters, `/` included. */
export const pathPattern = z.string().trim().min(1).max(500);

const methodName = z.string().trim().min(1).max(10).toUpperCase();

/** An empty value (`?method=&path=`) means "any", as if absent. */
const blankAsAbsent = <S extends z.ZodType>(schema: S) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

export const callMatch = z.object({
  method: blankAsAbsent(methodName),
  path: blankAsAbsent(pathPattern),
});
export type CallMatch = z.output<typeof callMatch>;

/** A fault to inject into the seed endpoints' answers. */
export const faultSpec = z
  .object({
    kind: z.enum(['status', 'latency', 'drop']),
    /** The status a `status` fault answers. */
    status: z.number().int().min(400).max(599).optional(),
    /** Seconds, sent as `Retry-After`. */
    retryAfter: z.number().int().min(0).max(86_400).optional(),
    latencyMs: z.number().int().min(0).max(600_000).optional(),
    /** Strike only the next `count` matching calls. */
    count: z.number().int().min(1).optional(),
    /** Strike this share of matching calls, drawn from a PRNG seeded with `seed`. */
    rate: z.number().min(0).max(1).optional(),
    seed: z.number().int().optional(),
    match: callMatch.optional(),
  })
  .refine((fault) => fault.kind !== 'status' || fault.status !== undefined, {
    message: 'a status fault needs status',
    path: ['status'],
  })
  .refine((fault) => fault.kind !== 'latency' || fault.latencyMs !== undefined, {
    message: 'a latency fault needs latencyMs',
    path: ['latencyMs'],
  });
export type FaultSpec = z.output<typeof faultSpec>;
export type Fault = FaultSpec & { id: string };

const DEFAULT_SEED = 20_251_218;

/** A compact seeded PRNG (mulberry32): the same seed strikes the same calls on every run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), 1 | state);
    mixed = (mixed + Math.imul(mixed ^ (mixed >>> 7), 61 | mixed)) ^ mixed;
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function pathMatcher(pattern: string): (path: string) => boolean {
  const escaped = pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'));
  const regex = new RegExp(`^${escaped.join('.*')}$`);
  return (path) => regex.test(path);
}

function callMatcher(match: CallMatch | undefined): (method: string, path: string) => boolean {
  const pathMatches = match?.path ? pathMatcher(match.path) : () => true;
  return (method, path) =>
    (match?.method === undefined || match.method === method) && pathMatches(path);
}

interface ActiveFault {
  fault: Fault;
  remaining: number;
  matches: (method: string, path: string) => boolean;
  draw: () => number;
}

/** What the faults do to one call: a delay first, then perhaps another answer or none. */
export interface Strike {
  latencyMs?: number;
  outcome?: { kind: 'status'; status: number; retryAfter?: number } | { kind: 'drop' };
}

export class Faults {
  private active: ActiveFault[] = [];
  private sequence = 0;

  add(spec: FaultSpec): Fault {
    this.sequence += 1;
    const fault: Fault = { id: `fault_${this.sequence}`, ...spec };
    this.active.push({
      fault,
      remaining: spec.count ?? Number.POSITIVE_INFINITY,
      matches: callMatcher(spec.match),
      draw: seededRandom(spec.seed ?? DEFAULT_SEED),
    });
    return fault;
  }

  list(): Fault[] {
    return this.active.map(({ fault }) => fault);
  }

  clear(): number {
    const cleared = this.active.length;
    this.active = [];
    return cleared;
  }

  /** Faults strike in the order they were added: the first latency and the first other kind that fire. */
  strike(method: string, path: string): Strike {
    const strike: Strike = {};
    for (const entry of this.active) {
      const { fault } = entry;
      const wanted = fault.kind === 'latency' ? strike.latencyMs === undefined : !strike.outcome;
      if (!wanted || !entry.matches(method, path) || !this.fires(entry)) continue;
      if (fault.kind === 'latency') strike.latencyMs = fault.latencyMs ?? 0;
      else if (fault.kind === 'drop') strike.outcome = { kind: 'drop' };
      else
        strike.outcome = {
          kind: 'status',
          status: fault.status ?? 503,
          retryAfter: fault.retryAfter,
        };
    }
    this.active = this.active.filter((entry) => entry.remaining > 0);
    return strike;
  }

  private fires(entry: ActiveFault): boolean {
    if (entry.fault.rate !== undefined && entry.draw() >= entry.fault.rate) return false;
    entry.remaining -= 1;
    return true;
  }
}

/** One call of a seed endpoint as the call log keeps it. */
export interface CallRecord {
  /** When it arrived, on the emulator clock. */
  at: string;
  method: string;
  /** The path without its query string. */
  path: string;
  /** The answer's status; null when none was sent (dropped, or still in flight). */
  status: number | null;
  idempotencyKey: string | null;
}

/** Calls kept at most; the oldest go first. */
const CALL_LOG_LIMIT = 100_000;

export class CallLog {
  private calls: CallRecord[] = [];

  record(call: CallRecord): CallRecord {
    this.calls.push(call);
    if (this.calls.length > CALL_LOG_LIMIT)
      this.calls.splice(0, this.calls.length - CALL_LOG_LIMIT);
    return call;
  }

  list(filter: CallMatch): CallRecord[] {
    const matches = callMatcher(filter);
    return this.calls.filter((call) => matches(call.method, call.path));
  }

  clear(): void {
    this.calls = [];
  }
}
