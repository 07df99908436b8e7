import { createHash } from 'node:crypto';
import { EmulatorError } from './errors';
import type { EmulatorStore } from './store';

/** An answer as the platform sends it: a status and a JSON body. */
export interface Answer {
  status: number;
  body: unknown;
  /** True when the answer is the stored one of an earlier call with the same key. */
  replayed?: boolean;
}

/** What makes two calls "the same": method, route, its (validated) parameters and body. */
export interface CallIdentity {
  method: string;
  route: string;
  params: unknown;
  body: unknown;
}

/** JSON with object keys sorted, so the same body hashes the same whatever its key order. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, field]) => field !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, field]) => `${JSON.stringify(key)}:${canonicalJson(field)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function fingerprint(call: CallIdentity): string {
  return createHash('sha256').update(canonicalJson(call)).digest('hex');
}

/**
 * `Idempotency-Key` per partition: the first call's answer is stored with its effect in one
 * transaction, so a retry replays it and never repeats the effect.
 */
export class IdempotencyKeys {
  private readonly find;
  private readonly save;

  constructor(private readonly store: EmulatorStore) {
    this.find = store.db.prepare<
      [string, string],
      { fingerprint: string; status: number; answer: string }
    >(
      'SELECT fingerprint, status, answer FROM idempotency WHERE partition_id = ? AND idempotency_key = ?',
    );
    this.save = store.db.prepare<[string, string, string, number, string]>(
      'INSERT INTO idempotency (partition_id, idempotency_key, fingerprint, status, answer) VALUES (?, ?, ?, ?, ?)',
    );
  }

  /**
   * Runs `effect` once per key: a platform refusal (EmulatorError) is an answer too and is
   * stored; anything else propagates. Either way a failed effect leaves nothing behind.
   */
  run(
    partitionId: string,
    key: string | undefined,
    call: CallIdentity,
    effect: () => Answer,
  ): Answer {
    return this.store.transaction(() => {
      const print = fingerprint(call);
      if (key !== undefined) {
        const earlier = this.find.get(partitionId, key);
        if (earlier) {
          if (earlier.fingerprint !== print) {
            throw new EmulatorError(
              409,
              'IDEMPOTENCY_KEY_REUSED',
              'this Idempotency-Key was used with another request in this partition',
            );
          }
          return {
            status: earlier.status,
            body: JSON.parse(earlier.answer) as unknown,
            replayed: true,
          };
        }
      }
      let answer: Answer;
      try {
        // Nested: a savepoint, so a refusal leaves no half-done effect behind.
        answer = this.store.transaction(effect);
      } catch (error) {
        if (!(error instanceof EmulatorError)) throw error;
        answer = { status: error.statusCode, body: error.body };
      }
      if (key !== undefined)
        this.save.run(partitionId, key, print, answer.status, JSON.stringify(answer.body));
      return answer;
    });
  }
}
