import { performance } from 'node:perf_hooks';
import { Pool, request } from 'undici';
import type { z } from 'zod';
import type { Logger } from '../logger';
import {
  PlatformConflictError,
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

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface Call<S extends z.ZodType> {
  method: Method;
  /** The path under the base URL, segments already encoded. */
  path: string;
  /** A list is sent as the name repeated: `?telephoneNumber=a&telephoneNumber=b`. */
  query?: Record<string, string | number | string[] | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** The 2xx body's schema; a 204 is parsed as `undefined`. */
  schema: S;
}

/** What a platform's refusal said: its code, message and details, as far as its body tells. */
export interface Refusal {
  code?: string;
  message: string;
  details?: unknown;
}

export interface TransportOptions {
  baseUrl: string;
  timeoutMs: number;
  logger?: Logger;
  connections?: number;
  /** Reads a refusal's body in the platform's error shape; undefined when it is not. */
  readRefusal: (body: unknown) => Refusal | undefined;
  /** Names the platform in messages: `seed`, `Alianza`. */
  dialect: string;
}

export interface Transport {
  send<S extends z.ZodType>(call: Call<S>): Promise<z.output<S>>;
  checkReachable(path: string, timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** A path whose interpolated values are URL-encoded segments (a telephone number holds `+`). */
export function segments(strings: TemplateStringsArray, ...values: (string | number)[]): string {
  return strings.reduce(
    (path, text, index) => path + encodeURIComponent(String(values[index - 1])) + text,
  );
}

function queryString(query: Call<z.ZodType>['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : value === undefined ? [] : [value])
      params.append(name, String(item));
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

/** The error of a non-2xx answer, by status: the same classes for every platform. */
export function errorForStatus(
  status: number,
  refusal: Refusal,
  init: Omit<PlatformErrorInit, 'status' | 'code' | 'details'>,
): PlatformError {
  const full: PlatformErrorInit = {
    ...init,
    status,
    code: refusal.code,
    details: refusal.details,
  };
  const { message } = refusal;
  if (status === 429) return new PlatformRateLimitedError(message, full);
  if (status >= 500) return new PlatformUnavailableError(message, full);
  if (status === 404) return new PlatformNotFoundError(message, full);
  if (status === 409) return new PlatformConflictError(message, full);
  if (status >= 400) return new PlatformRejectedError(message, full);
  return new PlatformResponseError(`platform answered an unexpected ${status}`, full);
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

/**
 * One HTTP client of a platform: a call's deadline, its log line (method, path, status and
 * duration: never a header or a body), its answer parsed by schema, its failure classified.
 */
export function createTransport(options: TransportOptions): Transport {
  const base = new URL(options.baseUrl);
  const prefix = base.pathname.replace(/\/+$/, '');
  const pool = new Pool(base.origin, {
    connections: options.connections ?? 16,
    connect: { timeout: options.timeoutMs },
  });
  const { logger } = options;

  async function send<S extends z.ZodType>(call: Call<S>): Promise<z.output<S>> {
    const path = prefix + call.path + queryString(call.query);
    const at = { method: call.method, path };
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    if (call.body !== undefined) headers['content-type'] = 'application/json';

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

    const parsed = parseJson(text);
    if (status < 200 || status >= 300) {
      const refusal = (parsed.ok ? options.readRefusal(parsed.value) : undefined) ?? {
        message: `platform answered ${status}`,
      };
      return fail(
        status,
        errorForStatus(status, refusal, { ...at, retryAfterMs: parseRetryAfter(retryAfter) }),
      );
    }
    const result = parsed.ok ? call.schema.safeParse(parsed.value) : undefined;
    if (!result?.success) {
      const problem = result ? describeIssues(result.error) : 'not JSON';
      return fail(
        status,
        new PlatformResponseError(
          `platform answer does not match the ${options.dialect} API: ${problem}`,
          { ...at, status },
        ),
      );
    }
    log(status);
    return result.data;
  }

  return {
    send,
    async checkReachable(path, timeoutMs) {
      const at = { method: 'GET', path: prefix + path };
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
