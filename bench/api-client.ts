/** portflow's HTTP API as a client sees it, and the bodies a bench sends it. */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { Pool } from 'undici';
import { addBusinessDays, addDays, toIsoDate, type PortRequest } from '../src/domain';

export interface CallOptions {
  body?: unknown;
  signal?: AbortSignal;
  idempotencyKey?: string;
}

/** What a client retrying 503s saw. */
export interface Submitted {
  /** The accepting answer, or undefined when the API refused otherwise than with a 503. */
  answer?: ApiAnswer;
  attempts: number;
  /** Each answer that was not an acceptance: `503`, `500 (...)`. */
  refusals: string[];
}

/** Retries of one POST answered 503: about five minutes at the API's Retry-After of 5 s. */
const MAX_ATTEMPTS = 60;

export interface ApiAnswer {
  status: number;
  /** Seconds, when the answer asked to retry later. */
  retryAfter: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the bench reads a few fields of JSON answers
  body: any;
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export class ApiClient {
  private readonly pool: Pool;

  constructor(
    readonly url: string,
    private readonly token: string,
    connections = 256,
  ) {
    // Answers may take minutes (a 10,000-number port): no client-side timeout cuts them short.
    this.pool = new Pool(url, { connections, headersTimeout: 600_000, bodyTimeout: 600_000 });
  }

  async call(method: Method, path: string, options: CallOptions = {}): Promise<ApiAnswer> {
    const { body, signal, idempotencyKey } = options;
    const response = await this.pool.request({
      method,
      path,
      signal,
      headers: {
        'x-auth-token': this.token,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.body.text();
    return {
      status: response.statusCode,
      retryAfter: Number(response.headers['retry-after'] ?? Number.NaN),
      body: text ? JSON.parse(text) : undefined,
    };
  }

  /** Calls and fails unless the answer has status `expected`. */
  async expect(
    expected: number,
    method: Method,
    path: string,
    options: CallOptions = {},
  ): Promise<ApiAnswer> {
    const answer = await this.call(method, path, options);
    if (answer.status !== expected) {
      throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    return answer;
  }

  /**
   * POSTs with an Idempotency-Key until the API accepts (200 or 202), retrying a 503 or a 429
   * after its Retry-After as a client would: the API answers 503 when admission outlasts its
   * deadline, 429 past its capacity.
   */
  async postUntilAccepted(path: string, body: unknown): Promise<Submitted> {
    const idempotencyKey = `bench-${randomUUID()}`;
    const refusals: string[] = [];
    for (let attempts = 1; ; attempts++) {
      const answer = await this.call('POST', path, { body, idempotencyKey });
      if (answer.status === 200 || answer.status === 202) return { answer, attempts, refusals };
      const message = (answer.body as { error?: { message?: string } } | undefined)?.error?.message;
      const retried = answer.status === 503 || answer.status === 429;
      refusals.push(retried ? String(answer.status) : `${answer.status} (${message ?? ''})`);
      if (!retried || attempts === MAX_ATTEMPTS) return { attempts, refusals };
      await delay((Number.isFinite(answer.retryAfter) ? answer.retryAfter : 1) * 1_000);
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export const partitionPath = (partitionId: string, rest: string) =>
  `/v2/partition/${partitionId}${rest}`;

/**
 * Portable numbers nobody holds: exchanges 800-999 of the emulator's NPAs, which its inventory
 * (exchanges below 800) never uses. Each NPA has its own losing carrier.
 */
export const PORT_NPAS = ['607', '212', '312', '415', '512'] as const;
const EXCHANGE_BASE = 800;
const LINES_PER_EXCHANGE = 10_000;
const taken = new Map<string, number>();

/** `count` numbers never handed out before in this run, round-robin over `npas`. */
export function freshNumbers(count: number, npas: readonly string[] = PORT_NPAS): string[] {
  return Array.from({ length: count }, (_, index) => {
    const npa = npas[index % npas.length] as string;
    const serial = taken.get(npa) ?? 0;
    taken.set(npa, serial + 1);
    const exchange = EXCHANGE_BASE + Math.floor(serial / LINES_PER_EXCHANGE);
    const line = String(serial % LINES_PER_EXCHANGE).padStart(4, '0');
    return `+1${npa}${exchange}${line}`;
  });
}

/** The first business day at least `days` days after `today`. */
export function businessDayAfter(today: string, days: number): string {
  return addBusinessDays(addDays(today, days), 0);
}

/** The subscriber's address in every request the bench sends (service and E911). */
export const SERVICE_ADDRESS = {
  street: '135 Front St',
  city: 'Binghamton',
  state: 'NY',
  zipCode: '13905',
} as const;

/** What a port asks done with its numbers once ported: the platform call that ends a port. */
export const ACTIVATION = { target: { type: 'USER', userId: 'user-bench' } } as const;

/** The seed's port request, matching the emulator's default carrier record so it is approved. */
export function portRequestBody(
  telephoneNumbers: string[],
  requestedDate = businessDayAfter(toIsoDate(new Date()), 10),
): PortRequest {
  return {
    telephoneNumbers,
    accountId: 'acc_bench',
    subscriber: { firstName: 'John', lastName: 'Doe', authorizedName: 'John Doe' },
    serviceAddress: SERVICE_ADDRESS,
    billingTelephoneNumber: telephoneNumbers[0] as string,
    accountNumber: '123456789',
    pin: '1234',
    requestedDate,
  };
}
