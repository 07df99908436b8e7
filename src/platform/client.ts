import { performance } from 'node:perf_hooks';
import { Pool, request } from 'undici';
import { z } from 'zod';
import {
  accountNumberEntry,
  accountNumberList,
  assignmentResult,
  errorBody,
  numberDetails,
  numberSearchResult,
  orderResult,
  platformPort,
  portabilityCheck,
  telephoneNumber as telephoneNumberSchema,
  type AccountNumberEntry,
  type AssignmentResult,
  type AssignmentTarget,
  type LineAssignmentBody,
  type NumberDetails,
  type NumberSearchQuery,
  type NumberSearchResult,
  type NumberUpdate,
  type OrderRequest,
  type OrderResult,
  type PlatformPort,
  type PortabilityCheck,
  type PlatformPortSubmission,
  type ServiceAssignmentBody,
  type TollFreeOrderRequest,
  type TollFreeSearchQuery,
} from '../domain';
import { ConfigError, type Config } from '../config';
import type { Logger } from '../logger';
import {
  PlatformError,
  PlatformNotFoundError,
  PlatformRateLimitedError,
  PlatformRejectedError,
  PlatformResponseError,
  PlatformTimeoutError,
  PlatformUnavailableError,
  parseRetryAfter,
  type PlatformErrorInit,
} from './errors';

export interface PlatformClientOptions {
  /** The platform's origin, optionally with a path prefix: `https://api.example.com`. */
  baseUrl: string;
  /** Sent as `X-AUTH-TOKEN`; never logged. */
  token: string;
  /** Deadline of one whole call: connect, headers and body. */
  timeoutMs: number;
  logger?: Logger;
  /** Connections kept open to the platform. */
  connections?: number;
}

/**
 * The seed's port request as the platform takes it: without portflow's own fields, with the
 * `customerReference` extension (portflow's portRequestId, sent back in notifications).
 */
export type PortSubmission = PlatformPortSubmission;

/** A search query; `quantity` falls back to the platform's default (10) when absent. */
export type SearchQuery<Q extends { quantity: number }> = Omit<Q, 'quantity'> & {
  quantity?: number;
};

/** The seed's assignment body: a user or device line takes `primary` and `e911Address`, an IVR or call queue only the number. */
export type AssignmentBody = LineAssignmentBody | ServiceAssignmentBody;

export interface IdempotencyOptions {
  idempotencyKey: string;
}

/** The platform's answer to a release: the number and its new status word. */
export const numberRelease = z.object({
  telephoneNumber: telephoneNumberSchema,
  status: z.string().min(1),
});
export type NumberRelease = z.output<typeof numberRelease>;

export interface PlatformClient {
  searchNumbers(
    partitionId: string,
    query: SearchQuery<NumberSearchQuery>,
  ): Promise<NumberSearchResult>;
  searchTollFree(
    partitionId: string,
    query: SearchQuery<TollFreeSearchQuery>,
  ): Promise<NumberSearchResult>;
  orderNumbers(
    partitionId: string,
    order: OrderRequest,
    options: IdempotencyOptions,
  ): Promise<OrderResult>;
  orderTollFree(
    partitionId: string,
    order: TollFreeOrderRequest,
    options: IdempotencyOptions,
  ): Promise<OrderResult>;
  getOrder(partitionId: string, orderId: string): Promise<OrderResult>;
  checkPortability(partitionId: string, telephoneNumber: string): Promise<PortabilityCheck>;
  submitPort(
    partitionId: string,
    submission: PortSubmission,
    options: IdempotencyOptions,
  ): Promise<PlatformPort>;
  getPort(partitionId: string, portRequestId: string): Promise<PlatformPort>;
  cancelPort(
    partitionId: string,
    portRequestId: string,
    options?: Partial<IdempotencyOptions>,
  ): Promise<PlatformPort>;
  assign(
    partitionId: string,
    accountId: string,
    target: AssignmentTarget,
    body: AssignmentBody,
  ): Promise<AssignmentResult>;
  unassign(
    partitionId: string,
    accountId: string,
    target: AssignmentTarget,
    telephoneNumber: string,
  ): Promise<AccountNumberEntry | undefined>;
  listAccountNumbers(partitionId: string, accountId: string): Promise<AccountNumberEntry[]>;
  getNumber(partitionId: string, telephoneNumber: string): Promise<NumberDetails>;
  updateNumber(
    partitionId: string,
    telephoneNumber: string,
    update: NumberUpdate,
  ): Promise<NumberDetails>;
  releaseNumber(
    partitionId: string,
    telephoneNumber: string,
    options?: Partial<IdempotencyOptions>,
  ): Promise<NumberRelease>;
  /**
   * Readiness: resolves once the platform answers `GET /healthz` (under the base URL) within
   * `timeoutMs` with any status below 500: a 404 from a platform without one still proves it is
   * up. Rejects with a PlatformUnavailableError otherwise.
   */
  checkReachable(timeoutMs: number): Promise<void>;
  /** Closes the client's connections; calls after it fail. */
  close(): Promise<void>;
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

interface Call<S extends z.ZodType> {
  method: Method;
  /** The path under `/v2/partition/{partitionId}`, segments already encoded. */
  resource: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  idempotencyKey?: string;
  /** The 2xx body's schema. */
  schema: S;
}

/** A path whose interpolated values are URL-encoded segments (a telephone number holds `+`). */
function segments(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce(
    (path, text, index) => path + encodeURIComponent(String(values[index - 1])) + text,
  );
}

/** Only the seed's fields: a caller may hand over a whole PortRequest, whose portflow fields stay here. */
function seedPortBody(submission: PortSubmission): PortSubmission {
  return {
    telephoneNumbers: submission.telephoneNumbers,
    accountId: submission.accountId,
    subscriber: submission.subscriber,
    serviceAddress: submission.serviceAddress,
    billingTelephoneNumber: submission.billingTelephoneNumber,
    accountNumber: submission.accountNumber,
    pin: submission.pin,
    requestedDate: submission.requestedDate,
    currentProvider: submission.currentProvider,
    customerReference: submission.customerReference,
  };
}

function assignmentPath(accountId: string, target: AssignmentTarget): string {
  const account = segments`/account/${accountId}`;
  switch (target.type) {
    case 'USER':
      return account + segments`/user/${target.userId}/telephone-number`;
    case 'DEVICE_LINE':
      return (
        account + segments`/device/${target.deviceId}/line/${target.lineNumber}/telephone-number`
      );
    case 'IVR':
      return account + segments`/ivr/${target.ivrId}/telephone-number`;
    case 'CALL_QUEUE':
      return account + segments`/call-queue/${target.queueId}/telephone-number`;
  }
}

function queryString(query: Call<z.ZodType>['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The issues of a failed parse as `path: message`, without the values (they may be secrets). */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ');
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text.trim() === '') return { ok: true, value: undefined };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

/** The error for a non-2xx answer: classified by status, with the platform's code, message and details kept. */
function errorForStatus(
  status: number,
  text: string,
  retryAfter: string | undefined,
  at: Pick<PlatformErrorInit, 'method' | 'path'>,
): PlatformError {
  const parsed = parseJson(text);
  const platformError = parsed.ok ? errorBody.safeParse(parsed.value) : undefined;
  const { code, message, details } = platformError?.success
    ? platformError.data.error
    : { code: undefined, message: `platform answered ${status}`, details: undefined };
  const init: PlatformErrorInit = {
    ...at,
    status,
    code,
    details,
    retryAfterMs: parseRetryAfter(retryAfter),
  };
  if (status === 429) return new PlatformRateLimitedError(message, init);
  if (status >= 500) return new PlatformUnavailableError(message, init);
  if (status === 404) return new PlatformNotFoundError(message, init);
  if (status >= 400) return new PlatformRejectedError(message, init);
  return new PlatformResponseError(`platform answered an unexpected ${status}`, init);
}

/** A call that got no answer: timed out (it may still have taken effect) or never reached the platform. */
function transportError(
  cause: unknown,
  deadline: AbortSignal,
  timeoutMs: number,
  at: Pick<PlatformErrorInit, 'method' | 'path'>,
): PlatformUnavailableError {
  if (deadline.aborted) {
    return new PlatformTimeoutError(`platform gave no answer within ${timeoutMs} ms`, {
      ...at,
      cause,
    });
  }
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new PlatformUnavailableError(`platform unreachable: ${reason}`, { ...at, cause });
}

export function createPlatformClient(options: PlatformClientOptions): PlatformClient {
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const pool = new Pool(base.origin, {
    connections: options.connections ?? 16,
    connect: { timeout: options.timeoutMs },
  });
  const logger = options.logger;

  async function send<S extends z.ZodType>(
    partitionId: string,
    call: Call<S>,
  ): Promise<z.output<S>> {
    const path =
      prefix + segments`/v2/partition/${partitionId}` + call.resource + queryString(call.query);
    const at = { method: call.method, path };
    const headers: Record<string, string> = {
      accept: 'application/json',
      'x-auth-token': options.token,
    };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;

    const started = performance.now();
    const log = (status: number | undefined, error?: PlatformError) => {
      if (!logger) return;
      const fields = {
        method: call.method,
        path,
        status,
        durationMs: Math.round(performance.now() - started),
        error: error?.name,
      };
      if (!error || error instanceof PlatformRejectedError) logger.debug(fields, 'platform call');
      else logger.warn(fields, 'platform call failed');
    };
    const fail = (status: number | undefined, error: PlatformError): never => {
      log(status, error);
      throw error;
    };

    const deadline = AbortSignal.timeout(options.timeoutMs);
    let status: number;
    let text: string;
    let retryAfter: string | undefined;
    try {
      const response = await request(base.origin + path, {
        dispatcher: pool,
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        signal: deadline,
      });
      status = response.statusCode;
      retryAfter = headerValue(response.headers['retry-after']);
      text = await response.body.text();
    } catch (cause) {
      return fail(undefined, transportError(cause, deadline, options.timeoutMs, at));
    }

    if (status < 200 || status >= 300)
      return fail(status, errorForStatus(status, text, retryAfter, at));
    const parsed = parseJson(text);
    const result = parsed.ok ? call.schema.safeParse(parsed.value) : undefined;
    if (!result?.success) {
      const problem = result ? describeIssues(result.error) : 'not JSON';
      return fail(
        status,
        new PlatformResponseError(`platform answer does not match the seed: ${problem}`, {
          ...at,
          status,
        }),
      );
    }
    log(status);
    return result.data;
  }

  return {
    searchNumbers: (partitionId, query) =>
      send(partitionId, {
        method: 'GET',
        resource: '/telephone-number/search',
        query,
        schema: numberSearchResult,
      }),
    searchTollFree: (partitionId, query) =>
      send(partitionId, {
        method: 'GET',
        resource: '/telephone-number/search/tollfree',
        query,
        schema: numberSearchResult,
      }),
    orderNumbers: (partitionId, order, { idempotencyKey }) =>
      send(partitionId, {
        method: 'POST',
        resource: '/telephone-number/order',
        body: order,
        idempotencyKey,
        schema: orderResult,
      }),
    orderTollFree: (partitionId, order, { idempotencyKey }) =>
      send(partitionId, {
        method: 'POST',
        resource: '/telephone-number/order/tollfree',
        body: order,
        idempotencyKey,
        schema: orderResult,
      }),
    getOrder: (partitionId, orderId) =>
      send(partitionId, {
        method: 'GET',
        resource: segments`/telephone-number/order/${orderId}`,
        schema: orderResult,
      }),
    checkPortability: (partitionId, telephoneNumber) =>
      send(partitionId, {
        method: 'GET',
        resource: '/telephone-number/port/check',
        query: { telephoneNumber },
        schema: portabilityCheck,
      }),
    submitPort: (partitionId, submission, { idempotencyKey }) =>
      send(partitionId, {
        method: 'POST',
        resource: '/telephone-number/port',
        body: seedPortBody(submission),
        idempotencyKey,
        schema: platformPort,
      }),
    getPort: (partitionId, portRequestId) =>
      send(partitionId, {
        method: 'GET',
        resource: segments`/telephone-number/port/${portRequestId}`,
        schema: platformPort,
      }),
    cancelPort: (partitionId, portRequestId, cancelOptions) =>
      send(partitionId, {
        method: 'DELETE',
        resource: segments`/telephone-number/port/${portRequestId}`,
        idempotencyKey: cancelOptions?.idempotencyKey,
        schema: platformPort,
      }),
    assign: (partitionId, accountId, target, body) =>
      send(partitionId, {
        method: 'PUT',
        resource: assignmentPath(accountId, target),
        body,
        schema: assignmentResult,
      }),
    unassign: (partitionId, accountId, target, telephoneNumber) =>
      send(partitionId, {
        method: 'DELETE',
        resource: assignmentPath(accountId, target) + segments`/${telephoneNumber}`,
        // The seed shows no answer: the number's entry when the platform sends one, else nothing.
        schema: accountNumberEntry.optional(),
      }),
    listAccountNumbers: (partitionId, accountId) =>
      send(partitionId, {
        method: 'GET',
        resource: segments`/account/${accountId}/telephone-number`,
        schema: accountNumberList,
      }),
    getNumber: (partitionId, telephoneNumber) =>
      send(partitionId, {
        method: 'GET',
        resource: segments`/telephone-number/${telephoneNumber}`,
        schema: numberDetails,
      }),
    updateNumber: (partitionId, telephoneNumber, update) =>
      send(partitionId, {
        method: 'PUT',
        resource: segments`/telephone-number/${telephoneNumber}`,
        body: update,
        schema: numberDetails,
      }),
    releaseNumber: (partitionId, telephoneNumber, releaseOptions) =>
      send(partitionId, {
        method: 'DELETE',
        resource: segments`/telephone-number/${telephoneNumber}`,
        idempotencyKey: releaseOptions?.idempotencyKey,
        schema: numberRelease,
      }),
    async checkReachable(timeoutMs) {
      const at = { method: 'GET', path: `${prefix}/healthz` };
      const deadline = AbortSignal.timeout(timeoutMs);
      let status: number;
      try {
        const response = await request(base.origin + at.path, {
          dispatcher: pool,
          method: 'GET',
          signal: deadline,
        });
        status = response.statusCode;
        await response.body.dump();
      } catch (cause) {
        throw transportError(cause, deadline, timeoutMs, at);
      }
      if (status >= 500) {
        throw new PlatformUnavailableError(`platform answered ${status}`, { ...at, status });
      }
    },
    close: () => pool.close(),
  };
}

/** The client of the platform named by the environment (PLATFORM_BASE_URL, PLATFORM_TOKEN). */
export function platformClientFromConfig(
  config: Pick<Config, 'PLATFORM_BASE_URL' | 'PLATFORM_TOKEN' | 'PLATFORM_TIMEOUT'>,
  logger?: Logger,
): PlatformClient {
  if (!config.PLATFORM_BASE_URL || !config.PLATFORM_TOKEN) {
    throw new ConfigError([
      'PLATFORM_BASE_URL and PLATFORM_TOKEN: both are required outside embedded mode',
    ]);
  }
  return createPlatformClient({
    baseUrl: config.PLATFORM_BASE_URL,
    token: config.PLATFORM_TOKEN,
    timeoutMs: config.PLATFORM_TIMEOUT,
    logger,
  });
}
